// network.hpp — network<T, input<N>, dense<...>...>: the layers in a hana::tuple,
// the forward pass with its cache, predict, the backward pass and the sizes a
// user can check against a device's memory at compile time.
#pragma once

#include <cstdint>
#include <type_traits>
#include <utility>

#include <boost/hana/at.hpp>
#include <boost/hana/tuple.hpp>

#include <ctnn/dense.hpp>
#include <ctnn/init.hpp>
#include <ctnn/losses.hpp>
#include <ctnn/matrix.hpp>

namespace ctnn {

namespace detail {

/// Tells the compiler that obj may have changed here, so that what follows
/// reads it from memory (config.hpp: CTNN_REREAD_CACHE_BYTES). It emits no
/// instruction and writes nothing.
template <class O>
CTNN_INLINE inline void reread([[maybe_unused]] O& obj) noexcept {
#if defined(__GNUC__)
    __asm__ volatile("" : "+m"(obj));
#endif
}

template <class L> inline constexpr bool is_input = false;
template <size_t N> inline constexpr bool is_input<input<N>> = true;
template <class L> inline constexpr bool is_dense = false;
template <size_t U, class A> inline constexpr bool is_dense<dense<U, A>> = true;
/// the width of a layer description, read from its template arguments so that
/// dense<0, ...> and input<0> are never instantiated: the network reports them
/// itself, in one message instead of a chain of instantiation notes
template <class L> inline constexpr size_t units_of = 1;
template <size_t N> inline constexpr size_t units_of<input<N>> = N;
template <size_t U, class A> inline constexpr size_t units_of<dense<U, A>> = U;
/// whether network<T, Input, Layers...> passes all of its checks; when it does
/// not, its members do nothing, so that the failed check is the only message
template <class T, class Input, class... Layers>
inline constexpr bool network_ok = std::is_floating_point_v<T> && is_input<Input> && sizeof...(Layers) > 0 &&
                                   (is_dense<Layers> && ...) && units_of<Input> > 0 && ((units_of<Layers> > 0) && ...);

/// the width of a layer description; 1 for an invalid one, so that a rejected
/// network does not go on to produce a second error for a 0-row matrix
template <class L>
CTNN_INLINE constexpr size_t safe_units() noexcept {
    if constexpr (is_input<L> || is_dense<L>) {
        return units_of<L> > 0 ? units_of<L> : 1;
    } else {
        return 1;
    }
}
template <class L> struct activation_of { using type = act::identity; };
template <size_t U, class A> struct activation_of<dense<U, A>> { using type = A; };
/// the activation of the last layer description (identity for none); a fold of
/// the built-in comma over pointers, so that no description is instantiated
template <class... Layers>
using last_activation = typename activation_of<typename std::remove_pointer_t<decltype((
    static_cast<std::type_identity<dense<1>>*>(nullptr), ..., static_cast<std::type_identity<Layers>*>(nullptr)))>::type>::type;


} // namespace detail

/// The gradients of every layer of a network, in layer order: layer<I>().dW / .db.
template <class... LayerGradients>
struct gradients {
    static constexpr size_t depth = sizeof...(LayerGradients);
    boost::hana::tuple<LayerGradients...> layers;

    /// gradients of layer I (0-based, as network::layer<I>)
    template <size_t I>
    CTNN_INLINE constexpr auto& layer() noexcept {
        static_assert(I < depth, "ctnn: grads.layer<I>() index out of range; layers are numbered 0 .. depth-1");
        return boost::hana::at_c<(I < depth ? I : 0)>(layers);
    }
    template <size_t I>
    CTNN_INLINE constexpr const auto& layer() const noexcept {
        static_assert(I < depth, "ctnn: grads.layer<I>() index out of range; layers are numbered 0 .. depth-1");
        return boost::hana::at_c<(I < depth ? I : 0)>(layers);
    }
    friend constexpr bool operator==(const gradients& a, const gradients& b) noexcept {
        return [&]<size_t... I>(std::index_sequence<I...>) CTNN_INLINE {
            return ((a.template layer<I>() == b.template layer<I>()) && ...);
        }(std::make_index_sequence<depth>{});
    }
};

/// What forward() keeps for the backward pass with a batch of M: the input X
/// (A[0]) and, per layer, Z and A. Its type is fixed by the network and M.
template <class T, size_t In, size_t M, class... LayerCaches>
struct forward_cache {
    static constexpr size_t batch = M;
    static constexpr size_t depth = sizeof...(LayerCaches);
    matrix<T, In, M> X{};
    boost::hana::tuple<LayerCaches...> layers;

    /// the network's input X = A[0]
    CTNN_INLINE constexpr const matrix<T, In, M>& input() const noexcept { return X; }
    /// the network's output A[L]
    CTNN_INLINE constexpr const auto& output() const noexcept { return boost::hana::at_c<depth - 1>(layers).A; }
    /// Z and A of layer I (0-based, as network::layer<I>)
    template <size_t I>
    CTNN_INLINE constexpr const auto& layer() const noexcept {
        static_assert(I < depth, "ctnn: cache.layer<I>() index out of range; layers are numbered 0 .. depth-1");
        return boost::hana::at_c<(I < depth ? I : 0)>(layers);
    }
    /// the input of layer I: X for I = 0, else layer<I-1>().A
    template <size_t I>
    CTNN_INLINE constexpr const auto& input_of() const noexcept {
        if constexpr (I == 0) {
            return X;
        } else {
            return boost::hana::at_c<I - 1>(layers).A;
        }
    }
};

namespace detail {
template <class T, class Idx, class... Layers>
struct network_types;

template <class T, size_t... I, class Input, class... Layers>
struct network_types<T, std::index_sequence<I...>, Input, Layers...> {
    static constexpr size_t widths[sizeof...(Layers) + 1] = {safe_units<Input>(), safe_units<Layers>()...};
    using layers = boost::hana::tuple<dense_layer<T, widths[I], widths[I + 1], typename activation_of<Layers>::type>...>;
    using grads = gradients<dense_gradients<T, widths[I], widths[I + 1]>...>;
    template <size_t M>
    using cache = forward_cache<T, widths[0], M, dense_cache<T, widths[I + 1], M>...>;
};

template <class C, class Net> inline constexpr bool is_cache_of = false;
template <class T, size_t In, size_t M, class... LC, class Net>
inline constexpr bool is_cache_of<forward_cache<T, In, M, LC...>, Net> =
    std::is_same_v<forward_cache<T, In, M, LC...>, typename Net::template cache_type<M>>;
} // namespace detail

/// A feed-forward network of dense layers with element type T. Every shape is
/// a template parameter; the object holds only the parameters, no pointers.
template <class T, class Input, class... Layers>
struct network {
    // The checks come first so that a rejected network gives one message.
    static_assert(std::is_floating_point_v<T>, "ctnn: network<T, ...> needs T = float or double");
    static_assert(detail::is_input<Input>, "ctnn: a network starts with ctnn::input<N>, the number of input features");
    static_assert(sizeof...(Layers) > 0, "ctnn: a network needs at least one dense layer after its input");
    static_assert((detail::is_dense<Layers> && ...), "ctnn: every layer after the input must be ctnn::dense<Units, Act>");
    static_assert(!detail::is_input<Input> || detail::units_of<Input> > 0,
                  "ctnn: input<0> has no features; the input width must be at least 1");
    static_assert(((!detail::is_dense<Layers> || detail::units_of<Layers> > 0) && ...),
                  "ctnn: dense<0, ...> has no units; every layer needs a width of at least 1");

private:
    // float stands in for a rejected T, so that network<int, ...> reports only its check above
    using safe_value_type = std::conditional_t<std::is_floating_point_v<T>, T, float>;
    using types = detail::network_types<safe_value_type, std::make_index_sequence<sizeof...(Layers)>, Input, Layers...>;

public:
    using value_type = T;
    /// number of dense layers (the input is not one)
    static constexpr size_t depth = sizeof...(Layers);
    static constexpr size_t input_width = types::widths[0];
    static constexpr size_t output_width = types::widths[depth];
    using layers_type = typename types::layers;
    using gradients_type = typename types::grads;
    template <size_t M>
    using cache_type = typename types::template cache<M>;
    /// the type of layer I
    template <size_t I>
    using layer_type = std::remove_cvref_t<decltype(boost::hana::at_c<I>(std::declval<layers_type&>()))>;
    using output_activation = detail::last_activation<Layers...>;

    /// number of trainable parameters (all W and b)
    static constexpr size_t parameter_count = []<size_t... I>(std::index_sequence<I...>) {
        return (size_t{0} + ... + layer_type<I>::parameter_count);
    }(std::make_index_sequence<depth>{});
    /// bytes of all parameters
    static constexpr size_t parameter_bytes = parameter_count * sizeof(T);
    /// bytes of the forward cache for a batch of M
    template <size_t M>
    static constexpr size_t cache_bytes = sizeof(cache_type<M>);
    /// bytes of one set of gradients
    static constexpr size_t gradient_bytes = sizeof(gradients_type);
    /// bytes of the values the backward pass computes along the way for a batch
    /// of M: each layer's dZ (one output at batch 1: its ∂z_L/∂z instead) and,
    /// except for the first layer, its dA_prev
    template <size_t M>
    static constexpr size_t backward_temporary_bytes = []<size_t... I>(std::index_sequence<I...>) {
        return ((types::widths[I + 1] + (I > 0 ? types::widths[I] : 0)) + ...) * M * sizeof(T);
    }(std::make_index_sequence<depth>{});
    /// bytes one training step with batch M needs besides the parameters:
    /// cache + gradients + backward temporaries (an upper bound: the optimiser
    /// usually keeps the temporaries in registers or reuses their stack)
    template <size_t M>
    static constexpr size_t training_step_bytes = cache_bytes<M> + gradient_bytes + backward_temporary_bytes<M>;

    /// the layers; use layer<I>() to reach one
    layers_type layers;

    /// layer I (0-based; the input is not a layer): .W and .b
    template <size_t I>
    CTNN_INLINE constexpr auto& layer() noexcept {
        static_assert(I < depth, "ctnn: net.layer<I>() index out of range; layers are numbered 0 .. depth-1 "
                                 "and the input is not a layer");
        return boost::hana::at_c<(I < depth ? I : 0)>(layers);
    }
    /// layer I (0-based; the input is not a layer): .W and .b
    template <size_t I>
    CTNN_INLINE constexpr const auto& layer() const noexcept {
        static_assert(I < depth, "ctnn: net.layer<I>() index out of range; layers are numbered 0 .. depth-1 "
                                 "and the input is not a layer");
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
        static_assert(std::is_same_v<network, network<U, Input2, Layers2...>>,
                      "ctnn: cannot assign the parameters of a network of another shape or element type; "
                      "both networks must have the same ctnn::network<...> type");
        return *this;
    }

    /// Deterministic weights from `seed` (He uniform for relu-like layers,
    /// Glorot uniform otherwise), zero biases. constexpr.
    constexpr void initialize(std::uint64_t seed) noexcept {
        [&]<size_t... I>(std::index_sequence<I...>) {
            (init_layer<I>(seed, default_initializer<typename layer_type<I>::activation>{}), ...);
        }(std::make_index_sequence<depth>{});
    }
    /// Deterministic weights from `seed` with initialiser `init` for every layer, zero biases.
    template <class Init>
    constexpr void initialize(std::uint64_t seed, const Init& init) noexcept {
        [&]<size_t... I>(std::index_sequence<I...>) { (init_layer<I>(seed, init), ...); }(std::make_index_sequence<depth>{});
    }

    /// Forward pass for a batch of M samples (X is input_width x M); returns the
    /// cache the backward pass needs. M is deduced from X. The cache is
    /// zero-initialised first; forward_into() writes into one the caller keeps.
    template <class U, size_t Rows, size_t M>
    CTNN_INLINE constexpr auto forward(const matrix<U, Rows, M>& x) const noexcept {
        cache_type<M> c{};  // the one return below lets the compiler build it in the caller's storage
        forward_impl(x, c);
        return c;
    }

    /// Forward pass into a cache the caller keeps (a member, a static, one
    /// object reused across steps): every element of it is written, nothing is
    /// zeroed or copied, and no stack space grows with the batch.
    template <class U, size_t Rows, size_t M, class Cache>
    CTNN_INLINE constexpr void forward_into(const matrix<U, Rows, M>& x, Cache& c) const noexcept {
        forward_impl(x, c);
        if constexpr (CTNN_REREAD_CACHE_BYTES >= 0 && sizeof(Cache) > size_t(CTNN_REREAD_CACHE_BYTES))
            if (!std::is_constant_evaluated()) detail::reread(c);
    }

private:
    template <class U, size_t Rows, size_t M, class Cache>
    CTNN_INLINE constexpr void forward_impl(const matrix<U, Rows, M>& x, Cache& c) const noexcept {
        if constexpr (!detail::network_ok<T, Input, Layers...>) {
            // the network's own check has reported the mistake
        } else if constexpr (Rows != input_width) {
            static_assert(Rows == input_width,
                          "ctnn: forward(X) needs X.rows == the network's input width "
                          "(X is features x batch, one sample per column)");
        } else if constexpr (!std::is_same_v<T, U>) {
            static_assert(detail::always_false<U>, "ctnn: forward(X) needs X of the network's element type");
        } else if constexpr (!std::is_same_v<Cache, cache_type<M>>) {
            static_assert(detail::always_false<Cache>,
                          "ctnn: forward_into(X, cache) needs this network's cache_type<M>, M = X.cols");
        } else {
            c.X = x;
            [&]<size_t... I>(std::index_sequence<I...>) CTNN_INLINE {
                (boost::hana::at_c<I>(layers).forward(c.template input_of<I>(), boost::hana::at_c<I>(c.layers)), ...);
            }(std::make_index_sequence<depth>{});
        }
    }

public:
    /// Inference only: the output for a batch of M samples, keeping no cache.
    template <class U, size_t Rows, size_t M>
    CTNN_INLINE constexpr auto predict(const matrix<U, Rows, M>& x) const noexcept {
        if constexpr (!detail::network_ok<T, Input, Layers...>) {
            return matrix<safe_value_type, output_width, M>{};  // the network's own check has reported it
        } else if constexpr (Rows != input_width) {
            static_assert(Rows == input_width,
                          "ctnn: predict(X) needs X.rows == the network's input width "
                          "(X is features x batch, one sample per column)");
            return matrix<T, output_width, M>{};
        } else if constexpr (!std::is_same_v<T, U>) {
            static_assert(detail::always_false<U>, "ctnn: predict(X) needs X of the network's element type");
            return matrix<T, output_width, M>{};
        } else {
            return predict_from<0>(x);
        }
    }

    /// Backward pass: the gradients of the batch-mean loss with respect to every
    /// W and b, from the cache of forward(X) and the labels Y (output_width x M).
    /// With count < M, the columns from count on are padding (a partial last
    /// batch): they contribute nothing and the mean is over the count real
    /// samples (count is clamped to 1..M).
    template <class Cache, class U, size_t YRows, size_t YCols, class Loss>
    CTNN_INLINE constexpr gradients_type backward(const Cache& cache, const matrix<U, YRows, YCols>& y, const Loss& loss,
                                                  size_t count = YCols) const noexcept {
        gradients_type g{};  // the one return below lets the compiler build it in the caller's storage
        backward_into(cache, y, loss, g, count);
        return g;
    }

    /// Backward pass into gradients the caller keeps: every dW and db is
    /// overwritten (not accumulated), nothing is zeroed or copied first.
    template <class Cache, class U, size_t YRows, size_t YCols, class Loss>
    CTNN_INLINE constexpr void backward_into(const Cache& cache, const matrix<U, YRows, YCols>& y, const Loss&,
                                             gradients_type& g, size_t count = YCols) const noexcept {
        if constexpr (!detail::network_ok<T, Input, Layers...>) {
            // the network's own check has reported the mistake
        } else if constexpr (!detail::is_cache_of<Cache, network>) {
            static_assert(detail::is_cache_of<Cache, network>,
                          "ctnn: backward(cache, Y, loss) needs the cache returned by this network's forward(X)");
        } else if constexpr (YRows != output_width) {
            static_assert(YRows == output_width,
                          "ctnn: backward(cache, Y, loss) needs Y.rows == the network's output width "
                          "(Y is outputs x batch, one label column per sample)");
        } else if constexpr (YCols != Cache::batch) {
            static_assert(YCols == Cache::batch,
                          "ctnn: the batch sizes of X and Y differ; Y needs one column per column of X");
        } else if constexpr (!std::is_same_v<T, U>) {
            static_assert(detail::always_false<U>, "ctnn: backward needs Y of the network's element type");
        } else if constexpr (std::is_same_v<Loss, loss::cross_entropy> &&
                             !std::is_same_v<output_activation, act::softmax>) {
            static_assert(detail::always_false<Loss>,
                          "ctnn: cross_entropy needs a softmax output layer (its gradient dZ = A - Y holds only "
                          "for softmax); use dense<N, act::softmax> or loss::mse");
        } else if constexpr (std::is_same_v<Loss, loss::binary_cross_entropy> &&
                             !std::is_same_v<output_activation, act::sigmoid>) {
            static_assert(detail::always_false<Loss>,
                          "ctnn: binary_cross_entropy needs a sigmoid output layer (its gradient dZ = A - Y holds "
                          "only for sigmoid); use dense<N, act::sigmoid> or loss::mse");
        } else if constexpr (!Loss::template accepts<output_activation>) {
            static_assert(detail::always_false<Loss>, "ctnn: this loss does not accept the network's output activation");
        } else {
            constexpr size_t L = depth - 1;
            const auto& out = boost::hana::at_c<L>(cache.layers);
            const size_t real = count < 1 ? 1 : (count > YCols ? YCols : count);
            auto dz = Loss::template output_delta<output_activation>(out.Z, out.A, y);
            if (real < YCols)  // padding columns (index % YCols >= real) contribute nothing
                for (size_t k = 0; k < dz.size; ++k)
                    if (k % YCols >= real) dz.elems[k] = T(0);
            if constexpr (scalar_delta<YCols>) {
                // dZ of the output layer is one number δ, and every layer's dZ
                // is δ·s with s = ∂z_L/∂z_I, which does not depend on δ
                backprop<L>(cache, matrix<T, 1, 1>{{T(1)}}, g, T(1), dz.elems[0]);
            } else {
                backprop<L>(cache, dz, g, T(1) / static_cast<T>(real), unscaled{});
            }
        }
    }

private:
    template <class Act>
    using default_initializer = std::conditional_t<Act::relu_like, init::he_uniform, init::glorot_uniform>;

    template <size_t I, class Init>
    constexpr void init_layer(std::uint64_t seed, const Init& init) noexcept {
        auto rng = init::layer_stream(seed, I);
        auto& l = boost::hana::at_c<I>(layers);
        init.fill(l.W, rng);
        l.b = decltype(l.b){};
    }

    /// the output of layers I.. for their input a (a fold over the layers whose
    /// state changes type at every step; depth is the number of layers)
    template <size_t I, class A>
    CTNN_INLINE constexpr auto predict_from(const A& a) const noexcept {
        if constexpr (I == depth) {
            return a;
        } else {
            return predict_from<I + 1>(boost::hana::at_c<I>(layers).predict(a));
        }
    }

    /// whether the backward pass for a batch of M carries ∂z_L/∂z and scales it
    /// by the output's dZ, a single number (one output, one sample; see backprop)
    template <size_t M>
    static constexpr bool scalar_delta = output_width == 1 && M == 1;

    /// backprop's Delta for the ordinary pass: its d is dZ itself
    struct unscaled {};

    /// Layer I's parameter gradients from its dZ, and on to layer I-1 with
    /// d_prev = g'(Z_prev) ⊙ Wᵀ·d (dA_prev = Wᵀ·dZ). The input gets no dA.
    ///
    /// Ordinarily d is dZ (delta: unscaled). With one output and a batch of
    /// one, delta is the output layer's dZ, a single number δ, and d is
    /// s = ∂z_L/∂z_I, starting from s = 1 at the output: the same recursion,
    /// since it is linear in d, and dZ = δ·s. None of the s depends on δ, so
    /// they are computed while the output's activation (a sigmoid's exp and
    /// division) and the loss's delta are still being computed: the chain
    /// from δ to W of the first layer, which the next step's forward pass
    /// reads first, is one product, δ·(s·aᵀ), and the SGD step instead of a
    /// pass down through every layer. The products are associated
    /// differently: the output layer's gradients are the same bits as the
    /// ordinary pass's, the other layers' can differ in the last bits (a test
    /// bounds them).
    template <size_t I, size_t M, class Delta>
    CTNN_INLINE constexpr void backprop(const cache_type<M>& c, const matrix<T, types::widths[I + 1], M>& d,
                                        gradients_type& g, T inv_m, Delta delta) const noexcept {
        if constexpr (I > 0) {
            // d of the layer below first: it starts the chain the rest of the
            // step waits on (down to dW of the first layer, which the next
            // step's forward pass needs first), so it should not queue behind
            // this layer's dW and db, which nothing in the backward pass needs
            const auto& prev = boost::hana::at_c<I - 1>(c.layers);
            using prev_act = typename layer_type<I - 1>::activation;
            const auto d_prev = prev_act::backward(prev.Z, prev.A, boost::hana::at_c<I>(layers).input_gradient(d));
            parameter_gradients<I>(d, c.template input_of<I>(), boost::hana::at_c<I>(g.layers), inv_m, delta);
            backprop<I - 1>(c, d_prev, g, inv_m, delta);
        } else {
            parameter_gradients<I>(d, c.template input_of<I>(), boost::hana::at_c<I>(g.layers), inv_m, delta);
        }
    }
    /// layer I's dW and db from backprop's d: from dZ = d, or from dZ = δ·d
    template <size_t I, size_t M, class A, class G>
    CTNN_INLINE static constexpr void parameter_gradients(const matrix<T, types::widths[I + 1], M>& d, const A& a,
                                                          G& g, T inv_m, unscaled) noexcept {
        layer_type<I>::parameter_gradients(d, a, g, inv_m);
    }
    template <size_t I, class A, class G>
    CTNN_INLINE static constexpr void parameter_gradients(const matrix<T, types::widths[I + 1], 1>& s, const A& a,
                                                          G& g, T, T delta) noexcept {
        layer_type<I>::scaled_parameter_gradients(s, a, g, delta);
    }
};

} // namespace ctnn
