// dropout.hpp — the dropout layer kind, dropout<Num, Den>: in training each
// element is zeroed with probability p = Num/Den and the others are scaled by
// 1/(1 − p) (PyTorch's nn.Dropout(p)); predict is the identity.
//
// The masks are deterministic: the layer has its own xoshiro256** stream,
// seeded by network::initialize(seed) from the seed and the layer's index,
// and each training forward pass draws the next mask from it. The same seed
// and the same calls give the same masks on every compiler and target, in
// constant evaluation too. The stream is state, not a parameter: it is not
// saved, exported or compared.
#pragma once

#include <cstdint>

#include <ctnn/init.hpp>
#include <ctnn/layer.hpp>
#include <ctnn/matrix.hpp>

namespace ctnn {

/// What the training pass keeps of a dropout layer: the mask it drew (0 or
/// 1/(1 − p) per element) and its output.
template <class T, size_t F, size_t M>
struct dropout_cache {
    matrix<T, F, M> mask{};
    matrix<T, F, M> y{};
    CTNN_INLINE constexpr const matrix<T, F, M>& output() const noexcept { return y; }
};

/// Dropout with p = Num/Den on F features.
template <class T, size_t F, unsigned Num, unsigned Den>
struct dropout_layer {
    using value_type = T;
    using input_shape = vector_shape<F>;
    using output_shape = vector_shape<F>;
    using gradients_type = no_gradients;
    template <size_t M>
    using cache_type = dropout_cache<T, F, M>;
    static constexpr size_t parameter_count = 0;

    /// an element is dropped when the top 53 bits of its draw are below
    /// p·2^53 (exact for every p = Num/Den with Den < 2^11, and within 2^-53 otherwise)
    static constexpr std::uint64_t threshold =
        static_cast<std::uint64_t>(static_cast<double>(Num) / static_cast<double>(Den) * 0x1p53);
    /// 1/(1 − p), the scale of the elements kept
    static constexpr T keep_scale = T(Den) / T(Den - Num);

    init::xoshiro256ss stream{0x5eedull};  ///< the mask stream (network::initialize reseeds it)

    /// the stream is not a parameter: two dropout layers are always equal
    friend constexpr bool operator==(const dropout_layer&, const dropout_layer&) noexcept { return true; }

    template <class Self, class F2, class... G>
    CTNN_INLINE static constexpr void visit(Self&, F2&&, G&...) noexcept {}

    /// a fresh stream drawn from the network's generator for this layer
    constexpr void reseed(init::xoshiro256ss& rng) noexcept { stream = init::xoshiro256ss{rng()}; }

    template <size_t M>
    CTNN_INLINE constexpr matrix<T, F, M> predict(const matrix<T, F, M>& x) const noexcept {
        return x;
    }
    /// draws the next mask and applies it (the stream advances by F·M draws)
    template <size_t M>
    constexpr void forward(const matrix<T, F, M>& x, cache_type<M>& c) noexcept {
        for (size_t i = 0; i < F * M; ++i) {
            const bool keep = (stream() >> 11) >= threshold;
            c.mask.elems[i] = keep ? keep_scale : T(0);
            c.y.elems[i] = x.elems[i] * c.mask.elems[i];
        }
    }
    /// dx = dy ⊙ mask
    template <size_t M, class Scale>
    CTNN_INLINE constexpr matrix<T, F, M> backward(const cache_type<M>& c, const matrix<T, F, M>&,
                                                   const matrix<T, F, M>& dy, no_gradients&, Scale) const noexcept {
        return hadamard(dy, c.mask);
    }
    template <size_t M, class Scale>
    CTNN_INLINE constexpr void backward(const cache_type<M>&, const matrix<T, F, M>&, const matrix<T, F, M>&,
                                        no_gradients&, Scale, no_input_gradient) const noexcept {}
};

/// Dropout with probability p = Num/Den (0 <= Num < Den) in training; the
/// identity in predict.
template <unsigned Num, unsigned Den>
struct dropout {
    template <class In>
    static constexpr bool accepts() noexcept {
        static_assert(Num < Den, "ctnn: dropout<Num, Den> needs a probability Num/Den below 1 (0 <= Num < Den)");
        static_assert(!(Num < Den) || is_vector_shape<In>, "ctnn: dropout<Num, Den> takes a vector");
        return Num < Den && is_vector_shape<In>;
    }
    template <class T, class In>
    using bind = dropout_layer<T, In::features, Num, Den>;

    template <class Sink>
    static constexpr void spell(Sink& s) {
        s.header("ctnn/dropout.hpp");
        s.text("ctnn::dropout<");
        s.number(Num);
        s.text(", ");
        s.number(Den);
        s.text(">");
    }
};

} // namespace ctnn
