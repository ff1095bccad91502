// detail/chain.hpp — a sequence of bound layers (a hana::tuple) run as one:
// predict, the forward pass into a tuple of caches, the backward pass down
// through them, and the visit. The network and residual blocks are such
// chains; this is the one place the chain's order is written.
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>

#include <boost/hana/at.hpp>
#include <boost/hana/tuple.hpp>

#include <ctnn/config.hpp>
#include <ctnn/diagnostics.hpp>
#include <ctnn/layer.hpp>

namespace ctnn::detail {

/// f(I) for I = 0 .. N-1 (as std::integral_constant), as a fold
template <size_t N, class F>
CTNN_INLINE constexpr void for_each_index(F&& f) noexcept {
    [&]<size_t... I>(std::index_sequence<I...>) CTNN_INLINE {
        (f(std::integral_constant<size_t, I>{}), ...);
    }(std::make_index_sequence<N>{});
}

template <class Tuple>
inline constexpr size_t tuple_size = 0;
template <class... X>
inline constexpr size_t tuple_size<boost::hana::tuple<X...>> = sizeof...(X);

/// the number of samples in a batch of data (the columns of a matrix)
template <class X>
inline constexpr size_t batch_of_data = std::remove_cvref_t<X>::cols;

/// the input of layer I of a chain: x for I = 0, else the output of layer I-1
template <size_t I, class Caches, class X>
CTNN_INLINE constexpr const auto& chain_input(const Caches& cs, const X& x) noexcept {
    if constexpr (I == 0) {
        return x;
    } else {
        return boost::hana::at_c<I - 1>(cs).output();
    }
}

/// the output of layers I.. of ls for their input a (a fold over the layers
/// whose value changes type at every step)
template <size_t I, class Layers, class A>
CTNN_INLINE constexpr auto chain_predict(const Layers& ls, const A& a) noexcept {
    if constexpr (I == tuple_size<Layers>) {
        return a;
    } else {
        return chain_predict<I + 1>(ls, boost::hana::at_c<I>(ls).predict(a));
    }
}

/// every layer's forward pass, in order, into its cache; count: the real
/// samples of a padded batch, for the layers that take it
template <class Layers, class Caches, class X>
CTNN_INLINE constexpr void chain_forward(Layers& ls, const X& x, Caches& cs, [[maybe_unused]] size_t count) noexcept {
    for_each_index<tuple_size<std::remove_const_t<Layers>>>([&](auto i) CTNN_INLINE {
        auto& l = boost::hana::at_c<i>(ls);
        auto& c = boost::hana::at_c<i>(cs);
        using L = std::remove_cvref_t<decltype(l)>;
        if constexpr (forward_takes_count<L, batch_of_data<X>>) {
            l.forward(chain_input<i>(cs, x), c, count);
        } else {
            l.forward(chain_input<i>(cs, x), c);
        }
    });
}

/// The backward pass of layers I, I-1, ..., 0 from dy, the gradient of layer
/// I's output: each layer's dx is the next one's dy. Returns the chain's dx
/// when WantDx; otherwise the first layer computes none if it can skip it.
template <size_t I, bool WantDx, class Layers, class Caches, class X, class Grads, class Scale, class Dy>
CTNN_INLINE constexpr auto chain_backward(const Layers& ls, const Caches& cs, const X& x, Grads& gs, Scale s,
                                          const Dy& dy) noexcept {
    const auto& l = boost::hana::at_c<I>(ls);
    const auto& c = boost::hana::at_c<I>(cs);
    auto& g = boost::hana::at_c<I>(gs);
    using L = std::remove_cvref_t<decltype(l)>;
    if constexpr (I > 0) {
        return chain_backward<I - 1, WantDx>(ls, cs, x, gs, s, l.backward(c, chain_input<I>(cs, x), dy, g, s));
    } else if constexpr (WantDx) {
        return l.backward(c, x, dy, g, s);
    } else if constexpr (backward_skips_input_gradient<L, batch_of_data<X>, Scale>) {
        l.backward(c, x, dy, g, s, no_input_gradient{});
    } else {
        (void)l.backward(c, x, dy, g, s);
    }
}

/// f(info, parameter, matching gradient of each gs...) through every layer's
/// visit, in order; Wrap(i, f) adapts f for layer i (a path prefix, an index)
template <class Layers, class F, class Wrap, class... G>
CTNN_INLINE constexpr void chain_visit(Layers& ls, F& f, Wrap&& wrap, G&... gs) noexcept {
    for_each_index<tuple_size<std::remove_const_t<Layers>>>([&](auto i) CTNN_INLINE {
        auto& l = boost::hana::at_c<i>(ls);
        decltype(auto) fi = wrap(size_t{i}, f);
        std::remove_cvref_t<decltype(l)>::visit(l, fi, boost::hana::at_c<i>(gs)...);
    });
}

/// Stands in for a layer the network has rejected: its output is its input,
/// so that the rest of the network still has types and the rejection stays
/// the only message.
template <class T, class Shape>
struct rejected_layer {
    using value_type = T;
    using input_shape = Shape;
    using output_shape = Shape;
    using gradients_type = no_gradients;
    template <size_t M>
    struct cache_type {
        batch_t<T, Shape, M> y{};
        constexpr const batch_t<T, Shape, M>& output() const noexcept { return y; }
    };
    static constexpr size_t parameter_count = 0;
    template <size_t M>
    constexpr batch_t<T, Shape, M> predict(const batch_t<T, Shape, M>& x) const noexcept { return x; }
    template <size_t M>
    constexpr void forward(const batch_t<T, Shape, M>& x, cache_type<M>& c) const noexcept { c.y = x; }
    template <size_t M, class Scale, class... NoDx>
    constexpr batch_t<T, Shape, M> backward(const cache_type<M>&, const batch_t<T, Shape, M>&,
                                            const batch_t<T, Shape, M>& dy, no_gradients&, Scale, NoDx...) const noexcept {
        return dy;
    }
    template <class Self, class F, class... G>
    static constexpr void visit(Self&, F&&, G&...) noexcept {}
    friend constexpr bool operator==(const rejected_layer&, const rejected_layer&) noexcept = default;
};

/// The bound layers of a network, one description at a time: a left fold of
/// descriptions over the input shape, each step binding the next description
/// to the shape the last one produced. After the first description that
/// rejects its input (or is not a layer description), the rest are not asked.
template <class T, class Shape, bool Ok, class... Bound>
struct layer_chain {
    using shape = Shape;
    static constexpr bool ok = Ok;
    using layers = boost::hana::tuple<Bound...>;
};

template <class T, class S, bool Ok, class... B, class D>
constexpr auto operator>>(layer_chain<T, S, Ok, B...>, std::type_identity<D>) noexcept {
    if constexpr (!Ok) {
        return layer_chain<T, S, false, B..., rejected_layer<T, S>>{};
    } else if constexpr (!is_layer_description<D, S>) {
        static_assert(is_layer_description<D, S>, CTNN_MSG_NOT_A_LAYER);
        return layer_chain<T, S, false, B..., rejected_layer<T, S>>{};
    } else if constexpr (!D::template accepts<S>()) {
        return layer_chain<T, S, false, B..., rejected_layer<T, S>>{};  // accepts() has said why
    } else if constexpr (!check_bound_layer<typename D::template bind<T, S>>()) {
        return layer_chain<T, S, false, B..., rejected_layer<T, S>>{};  // the rule it breaks has said so
    } else {
        using L = typename D::template bind<T, S>;
        return layer_chain<T, typename L::output_shape, true, B..., L>{};
    }
}

/// a == b for two hana tuples of one type, element by element
template <class... X>
CTNN_INLINE constexpr bool tuples_equal(const boost::hana::tuple<X...>& a, const boost::hana::tuple<X...>& b) noexcept {
    return [&]<size_t... I>(std::index_sequence<I...>) {
        return ((boost::hana::at_c<I>(a) == boost::hana::at_c<I>(b)) && ...);
    }(std::index_sequence_for<X...>{});
}

} // namespace ctnn::detail
