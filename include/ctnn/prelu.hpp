// prelu.hpp — the PReLU layer kind, prelu: y = x for x > 0, α_f·x otherwise,
// with a trainable slope α_f per feature (PyTorch's nn.PReLU(num_parameters=F),
// α starting at 0.25).
#pragma once

#include <ctnn/layer.hpp>
#include <ctnn/matrix.hpp>

namespace ctnn {

/// The gradient of prelu's slopes.
template <class T, size_t F>
struct prelu_gradients {
    matrix<T, F, 1> dalpha{};
    friend constexpr bool operator==(const prelu_gradients&, const prelu_gradients&) = default;
};

/// What the training pass keeps of a prelu layer: its output.
template <class T, size_t F, size_t M>
struct prelu_cache {
    matrix<T, F, M> y{};
    CTNN_INLINE constexpr const matrix<T, F, M>& output() const noexcept { return y; }
};

/// PReLU on F features.
template <class T, size_t F>
struct prelu_layer {
    using value_type = T;
    using input_shape = vector_shape<F>;
    using output_shape = vector_shape<F>;
    using gradients_type = prelu_gradients<T, F>;
    template <size_t M>
    using cache_type = prelu_cache<T, F, M>;
    static constexpr size_t parameter_count = F;

    matrix<T, F, 1> alpha{};  ///< one slope per feature

    friend constexpr bool operator==(const prelu_layer&, const prelu_layer&) = default;

    template <class Self, class Fn, class... G>
    CTNN_INLINE static constexpr void visit(Self& l, Fn&& f, G&... gs) noexcept {
        f(parameter_info<init_rule::value>{"alpha", 0.25}, l.alpha, gs.dalpha...);
    }

    template <size_t M>
    CTNN_INLINE constexpr matrix<T, F, M> predict(const matrix<T, F, M>& x) const noexcept {
        matrix<T, F, M> y{};
        for (size_t i = 0; i < F; ++i)
            for (size_t j = 0; j < M; ++j) y(i, j) = x(i, j) > T(0) ? x(i, j) : alpha(i, 0) * x(i, j);
        return y;
    }
    template <size_t M>
    CTNN_INLINE constexpr void forward(const matrix<T, F, M>& x, cache_type<M>& c) const noexcept {
        c.y = predict(x);
    }

    /// dx = dy where x > 0, α·dy elsewhere; dα_f = Σ over the batch of x·dy
    /// where x <= 0, as a batch mean (batch_scale) or δ times it (one_sample_scale)
    template <size_t M, class Scale, class... NoDx>
    CTNN_INLINE constexpr auto backward(const cache_type<M>&, const matrix<T, F, M>& x, const matrix<T, F, M>& dy,
                                        gradients_type& g, Scale s, NoDx...) const noexcept {
        for (size_t i = 0; i < F; ++i) {
            T sum{};
            for (size_t j = 0; j < M; ++j) sum += x(i, j) > T(0) ? T(0) : x(i, j) * dy(i, j);
            g.dalpha(i, 0) = scaled(sum, s);
        }
        if constexpr (sizeof...(NoDx) == 0) {
            matrix<T, F, M> dx{};
            for (size_t i = 0; i < F; ++i)
                for (size_t j = 0; j < M; ++j) dx(i, j) = x(i, j) > T(0) ? dy(i, j) : alpha(i, 0) * dy(i, j);
            return dx;
        }
    }

private:
    CTNN_INLINE static constexpr T scaled(T sum, batch_scale<T> s) noexcept { return sum * s.inv_m; }
    CTNN_INLINE static constexpr T scaled(T sum, one_sample_scale<T> s) noexcept { return s.delta * sum; }
};

/// PReLU: y = x for x > 0, α·x otherwise, one trainable α per feature (initially 0.25).
struct prelu {
    template <class In>
    static constexpr bool accepts() noexcept {
        static_assert(is_vector_shape<In>, "ctnn: prelu takes a vector");
        return is_vector_shape<In>;
    }
    template <class T, class In>
    using bind = prelu_layer<T, In::features>;

    template <class Sink>
    static constexpr void spell(Sink& s) {
        s.header("ctnn/prelu.hpp");
        s.text("ctnn::prelu");
    }
};

} // namespace ctnn
