// residual.hpp — the residual block, residual<Layers...>: y = x + f(x), where
// f is its layers run as a chain (detail/chain.hpp). f must give a sample of
// the shape it took; any other block is a compile error. Its parameters are
// those of its layers, visited in order with the layer's index in the block
// as a path (weight files name them 0.W, 1.b, ... within the block's layer).
#pragma once

#include <type_traits>

#include <boost/hana/at.hpp>
#include <boost/hana/tuple.hpp>

#include <ctnn/detail/chain.hpp>
#include <ctnn/layer.hpp>
#include <ctnn/matrix.hpp>

namespace ctnn {

/// The gradients of a residual block: its layers' gradients, in order.
template <class... G>
struct residual_gradients {
    boost::hana::tuple<G...> layers;
    friend constexpr bool operator==(const residual_gradients& a, const residual_gradients& b) noexcept {
        return detail::tuples_equal(a.layers, b.layers);
    }
};

/// What the training pass keeps: each inner layer's cache, and the block's output.
template <class Y, class... C>
struct residual_cache {
    boost::hana::tuple<C...> layers;
    Y y{};
    CTNN_INLINE constexpr const Y& output() const noexcept { return y; }
};

/// A residual block over bound layers L... whose chain maps Shape to Shape.
template <class T, class Shape, class... L>
struct residual_layer {
    using value_type = T;
    using input_shape = Shape;
    using output_shape = Shape;
    using gradients_type = residual_gradients<typename L::gradients_type...>;
    template <size_t M>
    using cache_type = residual_cache<batch_t<T, Shape, M>, typename L::template cache_type<M>...>;
    static constexpr size_t parameter_count = (size_t{0} + ... + L::parameter_count);
    /// the composite hook (io/header.hpp): the inner layers, in order
    static constexpr size_t sublayers = sizeof...(L);

    boost::hana::tuple<L...> layers;

    friend constexpr bool operator==(const residual_layer& a, const residual_layer& b) noexcept {
        return detail::tuples_equal(a.layers, b.layers);
    }

    /// inner layer I (the composite hook)
    template <size_t I>
    constexpr const auto& sublayer() const noexcept {
        return boost::hana::at_c<I>(layers);
    }

    /// every inner layer's parameters, each info's path extended by the layer's index in the block
    template <class Self, class F, class... G>
    CTNN_INLINE static constexpr void visit(Self& self, F&& f, G&... gs) noexcept {
        detail::chain_visit(
            self.layers, f,
            [](size_t i, auto& g) {
                return [i, &g](const auto& info, auto& p, auto&... d) CTNN_INLINE { g(info.within(i), p, d...); };
            },
            gs.layers...);
    }

    /// a fresh stream for every inner layer that has one
    constexpr void reseed(init::xoshiro256ss& rng) noexcept {
        detail::for_each_index<sizeof...(L)>([&](auto i) {
            if constexpr (detail::has_random_stream<std::remove_cvref_t<decltype(boost::hana::at_c<i>(layers))>>)
                boost::hana::at_c<i>(layers).reseed(rng);
        });
    }

    // The passes take any batch X of Shape (a matrix for vectors), M = its samples.

    template <class X>
    CTNN_INLINE constexpr X predict(const X& x) const noexcept {
        return x + detail::chain_predict<0>(layers, x);
    }

    template <class X, size_t M = detail::batch_of_data<X>>
    CTNN_INLINE constexpr void forward(const X& x, cache_type<M>& c, size_t count = M) const noexcept
        requires(!(detail::forward_updates_state<L, M> || ...))
    {
        forward_impl(*this, x, c, count);
    }
    template <class X, size_t M = detail::batch_of_data<X>>
    CTNN_INLINE constexpr void forward(const X& x, cache_type<M>& c, size_t count = M) noexcept
        requires(detail::forward_updates_state<L, M> || ...)
    {
        forward_impl(*this, x, c, count);
    }

    /// dx = dy + (∂f/∂x)ᵀ·dy: the gradient through the skip, plus through the layers
    template <class X, class Scale, size_t M = detail::batch_of_data<X>>
    CTNN_INLINE constexpr X backward(const cache_type<M>& c, const X& x, const X& dy, gradients_type& g,
                                     Scale s) const noexcept
        requires(detail::backward_takes<L, M, Scale> && ...)
    {
        return dy + detail::chain_backward<sizeof...(L) - 1, true>(layers, c.layers, x, g.layers, s, dy);
    }

private:
    template <class Self, class X, class C>
    CTNN_INLINE static constexpr void forward_impl(Self& self, const X& x, C& c, size_t count) noexcept {
        detail::chain_forward(self.layers, x, c.layers, count);
        c.y = x + boost::hana::at_c<sizeof...(L) - 1>(c.layers).output();
    }
};

namespace detail {
template <class T, class Shape, class Chain>
struct residual_of;
template <class T, class Shape, class S, bool Ok, class... B>
struct residual_of<T, Shape, layer_chain<T, S, Ok, B...>> {
    using type = residual_layer<T, Shape, B...>;
};
} // namespace detail

/// A residual block: x → x + f(x), f = Layers... in order; f must keep the
/// shape of x (a compile error otherwise).
template <class... Layers>
struct residual {
    template <class In>
    static constexpr bool accepts() noexcept {
        if constexpr (sizeof...(Layers) == 0) {
            static_assert(sizeof...(Layers) > 0, "ctnn: residual<Layers...> needs at least one layer");
            return false;
        } else {
            using chain = decltype((detail::layer_chain<float, In, true>{} >> ... >> std::type_identity<Layers>{}));
            if constexpr (!chain::ok) {
                return false;  // the layer that rejected its input has said why
            } else {
                static_assert(std::is_same_v<typename chain::shape, In>,
                              "ctnn: residual<Layers...> adds x to f(x), so its layers must give a sample of the shape "
                              "they take; make the last layer's width the block's input width");
                return std::is_same_v<typename chain::shape, In>;
            }
        }
    }
    template <class T, class In>
    using bind = typename detail::residual_of<
        T, In, decltype((detail::layer_chain<T, In, true>{} >> ... >> std::type_identity<Layers>{}))>::type;

    template <class Sink>
    static constexpr void spell(Sink& s) {
        s.header("ctnn/residual.hpp");
        s.text("ctnn::residual<");
        bool first = true;
        ((s.text(first ? "" : ", "), first = false, s.template type<Layers>()), ...);
        s.text(">");
    }
};

} // namespace ctnn
