// network.hpp — network<T, input<N>, Layers...>: any layer kinds (layer.hpp) in
// a hana::tuple, the forward pass with its cache, predict, the backward pass,
// the one walk over every parameter, and the sizes a user can check against a
// device's memory at compile time. It names no layer kind and no loss.
#pragma once

#include <cstdint>
#include <type_traits>
#include <utility>

#include <boost/hana/at.hpp>
#include <boost/hana/tuple.hpp>

#include <ctnn/detail/arch.hpp>
#include <ctnn/detail/chain.hpp>
#include <ctnn/diagnostics.hpp>
#include <ctnn/init.hpp>
#include <ctnn/layer.hpp>
#include <ctnn/matrix.hpp>

namespace ctnn {

namespace detail {

/// float stands in for a rejected element type, so that network<int, ...>
/// reports only that
template <class T>
using safe_element = std::conditional_t<std::is_floating_point_v<T>, T, float>;

template <class T, class Input, class... Layers>
inline constexpr bool input_ok = is_input<Input> && !input_is_empty<Input> && sizeof...(Layers) > 0;

/// the activation that ends the last of the layers (act::identity for none)
template <class Layers>
struct last_activation {
    using type = act::identity;
};
template <class L0, class... L>
struct last_activation<boost::hana::tuple<L0, L...>> {
    using type = typename ending_activation<typename decltype((std::type_identity<L0>{}, ..., std::type_identity<L>{}))::type>::type;
};

template <class C, class Net> inline constexpr bool is_cache_of = false;

} // namespace detail

/// The gradients of every layer of a network, in layer order: layer<I>() is
/// that layer's gradients_type (.dW / .db for dense).
template <class... LayerGradients>
struct gradients {
    static constexpr size_t depth = sizeof...(LayerGradients);
    boost::hana::tuple<LayerGradients...> layers;

    /// gradients of layer I (0-based, as network::layer<I>)
    template <size_t I>
    CTNN_INLINE constexpr auto& layer() noexcept {
        static_assert(I < depth, CTNN_MSG_GRADS_LAYER_INDEX);
        return boost::hana::at_c<(I < depth ? I : 0)>(layers);
    }
    template <size_t I>
    CTNN_INLINE constexpr const auto& layer() const noexcept {
        static_assert(I < depth, CTNN_MSG_GRADS_LAYER_INDEX);
        return boost::hana::at_c<(I < depth ? I : 0)>(layers);
    }
    friend constexpr bool operator==(const gradients& a, const gradients& b) noexcept {
        return [&]<size_t... I>(std::index_sequence<I...>) CTNN_INLINE {
            return ((a.template layer<I>() == b.template layer<I>()) && ...);
        }(std::make_index_sequence<depth>{});
    }
};

/// What forward() keeps for the backward pass with a batch of M: the input X
/// and each layer's cache_type<M>. Its type is fixed by the network and M.
template <class T, class InputBatch, size_t M, class... LayerCaches>
struct forward_cache {
    static constexpr size_t batch = M;
    static constexpr size_t depth = sizeof...(LayerCaches);
    InputBatch X{};
    boost::hana::tuple<LayerCaches...> layers;

    /// the network's input X = A[0]
    CTNN_INLINE constexpr const InputBatch& input() const noexcept { return X; }
    /// the network's output
    CTNN_INLINE constexpr const auto& output() const noexcept { return boost::hana::at_c<depth - 1>(layers).output(); }
    /// the cache of layer I (0-based, as network::layer<I>): Z and A for dense
    template <size_t I>
    CTNN_INLINE constexpr const auto& layer() const noexcept {
        static_assert(I < depth, CTNN_MSG_CACHE_LAYER_INDEX);
        return boost::hana::at_c<(I < depth ? I : 0)>(layers);
    }
    /// the input of layer I: X for I = 0, else the output of layer I-1
    template <size_t I>
    CTNN_INLINE constexpr const auto& input_of() const noexcept {
        if constexpr (I == 0) {
            return X;
        } else {
            return boost::hana::at_c<I - 1>(layers).output();
        }
    }
};

namespace detail {
template <class T, class InShape, class Layers>
struct network_types;
template <class T, class InShape, class... L>
struct network_types<T, InShape, boost::hana::tuple<L...>> {
    using grads = gradients<typename L::gradients_type...>;
    template <size_t M>
    using cache = forward_cache<T, batch_t<T, InShape, M>, M, typename L::template cache_type<M>...>;
};
} // namespace detail

/// A feed-forward network of any layer kinds with element type T. Every shape
/// is a template parameter; the object holds only the layers' parameters (and
/// the state of layers that have one: running statistics, a random stream).
template <class T, class Input, class... Layers>
struct network {
    // The checks come first, so that a rejected network gives one message;
    // the layers are asked only if the input is right, and each layer
    // description says itself why it rejects its input (its accepts()).
    static_assert(std::is_floating_point_v<T>, CTNN_MSG_NETWORK_ELEMENT_TYPE);
    static_assert(detail::is_input<Input>, CTNN_MSG_NETWORK_INPUT);
    static_assert(!detail::input_is_empty<Input>, CTNN_MSG_INPUT_EMPTY);
    static_assert(sizeof...(Layers) > 0, CTNN_MSG_NETWORK_NO_LAYERS);

private:
    using safe_value_type = detail::safe_element<T>;
    /// the layers bound one after the other (detail/chain.hpp)
    using chain = decltype((detail::layer_chain<safe_value_type, typename detail::input_shape_of<Input>::type,
                                                detail::input_ok<T, Input, Layers...>>{} >>
                            ... >> std::type_identity<Layers>{}));
    static constexpr bool ok = std::is_floating_point_v<T> && detail::input_ok<T, Input, Layers...> && chain::ok;

public:
    using value_type = T;
    /// number of layers after the input, parameterless ones included
    static constexpr size_t depth = sizeof...(Layers);
    using layers_type = typename chain::layers;
    /// the type of layer I
    template <size_t I>
    using layer_type = std::remove_cvref_t<decltype(boost::hana::at_c<I>(std::declval<layers_type&>()))>;
    using input_shape = typename detail::input_shape_of<Input>::type;
    using output_shape = typename chain::shape;
    static constexpr size_t input_width = input_shape::size;
    static constexpr size_t output_width = output_shape::size;

private:
    using types = detail::network_types<safe_value_type, input_shape, layers_type>;
    template <class U, size_t M>
    using in_batch = batch_t<U, input_shape, M>;
    template <class U, size_t M>
    using out_batch = batch_t<U, output_shape, M>;
    template <size_t M>
    static constexpr bool updates_state = []<size_t... I>(std::index_sequence<I...>) {
        return (detail::forward_updates_state<layer_type<I>, M> || ...);
    }(std::make_index_sequence<depth>{});

    template <size_t I, size_t M>
    static constexpr size_t temporary_bytes() noexcept {
        using L = layer_type<I>;
        if constexpr (requires { L::template backward_temporary_bytes<M>; }) {
            return L::template backward_temporary_bytes<M>;
        } else {
            return sizeof(batch_t<safe_value_type, typename L::output_shape, M>) + (I > 0 ? sizeof(batch_t<safe_value_type, typename L::input_shape, M>) : 0);
        }
    }

public:
    /// whether a layer has training state (dropout's random stream, batch_norm's
    /// running statistics): forward() then updates it, and is a non-const member
    static constexpr bool has_training_state = updates_state<1>;
    using gradients_type = typename types::grads;
    template <size_t M>
    using cache_type = typename types::template cache<M>;
    /// the activation that ends the last layer (act::identity if it has none):
    /// what a loss with a fused output delta checks
    using output_activation = typename detail::last_activation<layers_type>::type;

    /// the smallest batch a training pass takes (a layer's min_training_batch: 2 with batch_norm)
    static constexpr size_t min_training_batch = []<size_t... I>(std::index_sequence<I...>) {
        size_t m = 1;
        ((m = detail::min_training_batch<layer_type<I>> > m ? detail::min_training_batch<layer_type<I>> : m), ...);
        return m;
    }(std::make_index_sequence<depth>{});

    /// number of trainable parameters
    static constexpr size_t parameter_count = []<size_t... I>(std::index_sequence<I...>) {
        return (size_t{0} + ... + layer_type<I>::parameter_count);
    }(std::make_index_sequence<depth>{});
    /// bytes of all trainable parameters
    static constexpr size_t parameter_bytes = parameter_count * sizeof(T);
    /// bytes of the forward cache for a batch of M
    template <size_t M>
    static constexpr size_t cache_bytes = sizeof(cache_type<M>);
    /// bytes of one set of gradients
    static constexpr size_t gradient_bytes = sizeof(gradients_type);
    /// bytes of the values the backward pass computes along the way for a batch
    /// of M: each layer's gradient of its output (dZ for dense; at batch 1 with
    /// one output, ∂z_L/∂z in its place) and, except for the first layer, its
    /// dx, unless the layer states its own figure
    template <size_t M>
    static constexpr size_t backward_temporary_bytes = []<size_t... I>(std::index_sequence<I...>) {
        return (size_t{0} + ... + temporary_bytes<I, M>());
    }(std::make_index_sequence<depth>{});
    /// bytes one training step with batch M needs besides the parameters:
    /// cache + gradients + backward temporaries (an upper bound: the optimiser
    /// usually keeps the temporaries in registers or reuses their stack)
    template <size_t M>
    static constexpr size_t training_step_bytes = cache_bytes<M> + gradient_bytes + backward_temporary_bytes<M>;

    /// the layers; use layer<I>() to reach one
    layers_type layers;

    /// layer I (0-based; the input is not a layer; parameterless layers count)
    template <size_t I>
    CTNN_INLINE constexpr auto& layer() noexcept {
        static_assert(I < depth, CTNN_MSG_NET_LAYER_INDEX);
        return boost::hana::at_c<(I < depth ? I : 0)>(layers);
    }
    /// layer I (0-based; the input is not a layer; parameterless layers count)
    template <size_t I>
    CTNN_INLINE constexpr const auto& layer() const noexcept {
        static_assert(I < depth, CTNN_MSG_NET_LAYER_INDEX);
        return boost::hana::at_c<(I < depth ? I : 0)>(layers);
    }

    friend constexpr bool operator==(const network& a, const network& b) noexcept {
        return [&]<size_t... I>(std::index_sequence<I...>) CTNN_INLINE {
            return ((a.template layer<I>() == b.template layer<I>()) && ...);
        }(std::make_index_sequence<depth>{});
    }

    /// Parameters only move between networks of one type.
    template <class U, class Input2, class... Layers2>
    constexpr network& operator=(const network<U, Input2, Layers2...>&) noexcept {
        static_assert(std::is_same_v<network, network<U, Input2, Layers2...>>, CTNN_MSG_ASSIGN_NETWORK);
        return *this;
    }

    /// f(info, parameter, matching gradient of each gs...) for every trainable
    /// parameter, and f(info, buffer) for every persistent buffer, in layer
    /// order (layer.hpp: the visit). gs are gradients_type objects (the
    /// gradients, an optimiser's moments); f learns the layer index from
    /// visit_indexed.
    template <class F, class... G>
    CTNN_INLINE constexpr void visit(F&& f, G&... gs) noexcept {
        visit_impl(*this, f, gs...);
    }
    template <class F, class... G>
    CTNN_INLINE constexpr void visit(F&& f, G&... gs) const noexcept {
        visit_impl(*this, f, gs...);
    }
    /// as visit, with f(layer index, info, parameter, gradients...)
    template <class F, class... G>
    CTNN_INLINE constexpr void visit_indexed(F&& f, G&... gs) noexcept {
        visit_indexed_impl(*this, f, gs...);
    }
    template <class F, class... G>
    CTNN_INLINE constexpr void visit_indexed(F&& f, G&... gs) const noexcept {
        visit_indexed_impl(*this, f, gs...);
    }

    /// Deterministic parameters from `seed`: weights He uniform before a
    /// relu-like activation and Glorot uniform otherwise, biases and shifts 0,
    /// scales 1 (each layer states its own). constexpr.
    constexpr void initialize(std::uint64_t seed) noexcept { initialize_impl(seed, detail::default_initializer{}); }
    /// Deterministic parameters from `seed`, with initialiser `init` for every weight.
    template <class Init>
    constexpr void initialize(std::uint64_t seed, const Init& init) noexcept {
        initialize_impl(seed, init);
    }

    /// Forward pass for a batch of M samples (X is input_width x M); returns the
    /// cache the backward pass needs. M is deduced from X. The cache is
    /// zero-initialised first; forward_into() writes into one the caller keeps.
    /// A network with a layer that has training state (dropout's random
    /// stream, batch_norm's running statistics) updates it: the call is then
    /// on a non-const network.
    template <class U, size_t Rows, size_t M>
    CTNN_INLINE constexpr auto forward(const matrix<U, Rows, M>& x) const noexcept
        requires(!updates_state<M>)
    {
        cache_type<M> c{};  // the one return below lets the compiler build it in the caller's storage
        forward_impl(*this, x, c, M);
        return c;
    }
    template <class U, size_t Rows, size_t M>
    CTNN_INLINE constexpr auto forward(const matrix<U, Rows, M>& x) noexcept
        requires(updates_state<M>)
    {
        cache_type<M> c{};
        forward_impl(*this, x, c, M);
        return c;
    }
    template <class U, size_t Rows, size_t M>
    constexpr auto forward(const matrix<U, Rows, M>&) const noexcept
        requires(updates_state<M>)
    {
        static_assert(!updates_state<M>, CTNN_MSG_FORWARD_CONST_STATE);
        return cache_type<M>{};
    }

    /// Forward pass into a cache the caller keeps (a member, a static, one
    /// object reused across steps): every element of it is written, nothing is
    /// zeroed or copied, and no stack space grows with the batch. With count
    /// < M the columns from count on are padding (a partial last batch):
    /// batch statistics leave them out.
    template <class U, size_t Rows, size_t M, class Cache>
    CTNN_INLINE constexpr void forward_into(const matrix<U, Rows, M>& x, Cache& c, size_t count = M) const noexcept
        requires(!updates_state<M>)
    {
        forward_impl(*this, x, c, count);
        reread_large(c);
    }
    template <class U, size_t Rows, size_t M, class Cache>
    CTNN_INLINE constexpr void forward_into(const matrix<U, Rows, M>& x, Cache& c, size_t count = M) noexcept
        requires(updates_state<M>)
    {
        forward_impl(*this, x, c, count);
        reread_large(c);
    }
    template <class U, size_t Rows, size_t M, class Cache>
    constexpr void forward_into(const matrix<U, Rows, M>&, Cache&, size_t = M) const noexcept
        requires(updates_state<M>)
    {
        static_assert(!updates_state<M>, CTNN_MSG_FORWARD_INTO_CONST_STATE);
    }

    /// Inference only: the output for a batch of M samples, keeping no cache.
    template <class U, size_t Rows, size_t M>
    CTNN_INLINE constexpr auto predict(const matrix<U, Rows, M>& x) const noexcept {
        if constexpr (!ok) {
            return out_batch<safe_value_type, M>{};  // the network's own check has reported it
        } else if constexpr (Rows != input_width) {
            static_assert(Rows == input_width, CTNN_MSG_PREDICT_INPUT_WIDTH);
            return out_batch<T, M>{};
        } else if constexpr (!std::is_same_v<T, U>) {
            static_assert(detail::always_false<U>, CTNN_MSG_PREDICT_INPUT_TYPE);
            return out_batch<T, M>{};
        } else {
            return detail::chain_predict<0>(layers, x);
        }
    }

    /// Backward pass: the gradients of the batch-mean loss with respect to every
    /// parameter, from the cache of forward(X) and the labels Y (output_width x M).
    /// With count < M, the columns from count on are padding (a partial last
    /// batch): they contribute nothing and the mean is over the count real
    /// samples (count is clamped to 1..M).
    template <class Cache, class U, size_t YRows, size_t YCols, class Loss>
    CTNN_INLINE constexpr gradients_type backward(const Cache& cache, const matrix<U, YRows, YCols>& y, const Loss& loss,
                                                  size_t count = YCols) const noexcept {
        gradients_type g{};  // the one return below lets the compiler build it in the caller's storage
        // the loss says first which output it needs (here, so that its message comes from the user's call)
        if constexpr (ok) {
            if constexpr (Loss::template check_output<output_activation>()) backward_into(cache, y, loss, g, count);
        }
        return g;
    }

    /// Backward pass into gradients the caller keeps: every gradient is
    /// overwritten (not accumulated), nothing is zeroed or copied first.
    template <class Cache, class U, size_t YRows, size_t YCols, class Loss>
    CTNN_INLINE constexpr void backward_into(const Cache& cache, const matrix<U, YRows, YCols>& y, const Loss&,
                                             gradients_type& g, size_t count = YCols) const noexcept {
        if constexpr (!ok) {
            // the network's own check has reported the mistake
        } else if constexpr (!Loss::template check_output<output_activation>()) {
            // the loss has said which output it needs
        } else if constexpr (!detail::is_cache_of<Cache, network>) {
            static_assert(detail::is_cache_of<Cache, network>, CTNN_MSG_BACKWARD_CACHE);
        } else if constexpr (YRows != output_width) {
            static_assert(YRows == output_width, CTNN_MSG_BACKWARD_LABEL_ROWS);
        } else if constexpr (YCols != Cache::batch) {
            static_assert(YCols == Cache::batch, CTNN_MSG_BACKWARD_BATCH);
        } else if constexpr (!std::is_same_v<T, U>) {
            static_assert(detail::always_false<U>, CTNN_MSG_BACKWARD_LABEL_TYPE);
        } else {
            constexpr size_t L = depth - 1;
            constexpr bool fused = detail::fuses_output_delta<layer_type<L>, YCols, Loss>;
            const auto& last = boost::hana::at_c<L>(layers);
            const auto& last_cache = boost::hana::at_c<L>(cache.layers);
            const size_t real = count < 1 ? 1 : (count > YCols ? YCols : count);
            if constexpr (fused && one_sample_pass<YCols>) {
                // The output's gradient is one number δ, and every layer's
                // gradient of its output is δ·s with s = ∂z_L/∂(its output),
                // which does not depend on δ: the chain down through the layers
                // starts while the output's activation and the loss's delta are
                // still being computed, and each parameter gradient is one
                // product after δ, δ·(its gradient for s). The products are
                // associated differently from the ordinary pass: the output
                // layer's gradients are the same bits, the others' can differ in
                // the last bits (a test bounds them).
                const T delta = last.template output_delta<Loss>(last_cache, cache.template input_of<L>(), y).elems[0];
                const one_sample_scale<T> s{delta};
                const matrix<T, 1, 1> one{{T(1)}};
                from_delta<L>(last, last_cache, cache, one, g, s);
            } else {
                const batch_scale<T> s{T(1) / static_cast<T>(real), real};
                if constexpr (fused) {
                    auto dz = last.template output_delta<Loss>(last_cache, cache.template input_of<L>(), y);
                    zero_padding(dz, real);
                    from_delta<L>(last, last_cache, cache, dz, g, s);
                } else {
                    auto dy = Loss::output_gradient(last_cache.output(), y);
                    zero_padding(dy, real);
                    detail::chain_backward<L, false>(layers, cache.layers, cache.X, g.layers, s, dy);
                }
            }
        }
    }

private:
    /// whether the backward pass for a batch of M takes the one-sample pass:
    /// one output, one sample, and every layer has it
    template <size_t M>
    static constexpr bool one_sample_pass = output_width == 1 && M == 1 && []<size_t... I>(std::index_sequence<I...>) {
        return (detail::backward_takes<layer_type<I>, 1, one_sample_scale<T>> && ...);
    }(std::make_index_sequence<depth>{});

    /// columns from real on are padding: they contribute nothing
    template <class D>
    CTNN_INLINE static constexpr void zero_padding(D& d, size_t real) noexcept {
        constexpr size_t cols = D::cols;
        if (real < cols)
            for (size_t k = 0; k < D::size; ++k)
                if (k % cols >= real) d.elems[k] = T(0);
    }

    /// the output layer's pass from its fused output delta dz, and on down
    template <size_t L, class Last, class LastCache, class Cache, class Dz, class Scale>
    CTNN_INLINE constexpr void from_delta(const Last& last, const LastCache& lc, const Cache& c, const Dz& dz,
                                          gradients_type& g, Scale s) const noexcept {
        auto& lg = boost::hana::at_c<L>(g.layers);
        if constexpr (L > 0) {
            detail::chain_backward<L - 1, false>(layers, c.layers, c.X, g.layers, s,
                                                 last.backward_from_delta(lc, c.template input_of<L>(), dz, lg, s));
        } else if constexpr (requires { last.backward_from_delta(lc, c.X, dz, lg, s, no_input_gradient{}); }) {
            last.backward_from_delta(lc, c.X, dz, lg, s, no_input_gradient{});
        } else {
            (void)last.backward_from_delta(lc, c.X, dz, lg, s);
        }
    }

    template <class Self, class U, size_t Rows, size_t M, class Cache>
    CTNN_INLINE static constexpr void forward_impl(Self& self, const matrix<U, Rows, M>& x, Cache& c,
                                                   [[maybe_unused]] size_t count) noexcept {
        if constexpr (!ok) {
            // the network's own check has reported the mistake
        } else if constexpr (Rows != input_width) {
            static_assert(Rows == input_width, CTNN_MSG_FORWARD_INPUT_WIDTH);
        } else if constexpr (!std::is_same_v<T, U>) {
            static_assert(detail::always_false<U>, CTNN_MSG_FORWARD_INPUT_TYPE);
        } else if constexpr (!std::is_same_v<Cache, cache_type<M>>) {
            static_assert(detail::always_false<Cache>, CTNN_MSG_FORWARD_INTO_CACHE);
        } else if constexpr (M < min_training_batch) {
            static_assert(M >= min_training_batch, CTNN_MSG_TRAINING_BATCH);
        } else {
            c.X = x;
            detail::chain_forward(self.layers, c.X, c.layers, count < 1 ? 1 : (count > M ? M : count));
        }
    }

    template <class Cache>
    CTNN_INLINE static constexpr void reread_large(Cache& c) noexcept {
        if constexpr (CTNN_REREAD_CACHE_BYTES >= 0 && sizeof(Cache) > size_t(CTNN_REREAD_CACHE_BYTES))
            if (!std::is_constant_evaluated()) detail::arch::reread(c);
    }

    template <class Self, class F, class... G>
    CTNN_INLINE static constexpr void visit_impl(Self& self, F& f, G&... gs) noexcept {
        detail::chain_visit(self.layers, f, [](size_t, F& g) -> F& { return g; }, gs.layers...);
    }
    template <class Self, class F, class... G>
    CTNN_INLINE static constexpr void visit_indexed_impl(Self& self, F& f, G&... gs) noexcept {
        detail::chain_visit(
            self.layers, f,
            [](size_t i, F& g) {
                return [i, &g](const auto& info, auto& p, auto&... d) CTNN_INLINE { g(i, info, p, d...); };
            },
            gs.layers...);
    }

    template <class Init>
    constexpr void initialize_impl(std::uint64_t seed, const Init& init) noexcept {
        detail::for_each_index<depth>([&](auto i) {
            auto rng = init::layer_stream(seed, i);
            auto& l = boost::hana::at_c<i>(layers);
            layer_type<i>::visit(l, [&](const auto& info, auto& p, auto&...) { detail::initialize_parameter(info, p, rng, init); });
            if constexpr (detail::has_random_stream<layer_type<i>>) l.reseed(rng);
        });
    }
};

namespace detail {
template <class T, class InBatch, size_t M, class... LC, class Net>
inline constexpr bool is_cache_of<forward_cache<T, InBatch, M, LC...>, Net> =
    std::is_same_v<forward_cache<T, InBatch, M, LC...>, typename Net::template cache_type<M>>;
} // namespace detail

} // namespace ctnn
