// batch_norm.hpp — the batch normalisation layer kind, batch_norm (PyTorch's
// nn.BatchNorm1d(F), eps 1e-5, momentum 0.1): per feature,
//   training:  y = γ·(x − μ_B)/√(σ²_B + eps) + β, with the mean μ_B and the
//              biased variance σ²_B of the batch's real samples; the running
//              statistics move towards μ_B and the unbiased variance,
//              r ← (1 − 0.1)·r + 0.1·batch value
//   predict:   y = γ·(x − running_mean)/√(running_var + eps) + β
// γ (gamma) starts at 1, β (beta) at 0, the running mean at 0 and the
// running variance at 1. The running statistics are buffers: saved, loaded
// and exported with the parameters, never trained.
#pragma once

#include <ctnn/detail/arch.hpp>
#include <ctnn/layer.hpp>
#include <ctnn/math.hpp>
#include <ctnn/matrix.hpp>

namespace ctnn {

/// The gradients of batch_norm's γ and β.
template <class T, size_t F>
struct batch_norm_gradients {
    matrix<T, F, 1> dgamma{};
    matrix<T, F, 1> dbeta{};
    friend constexpr bool operator==(const batch_norm_gradients&, const batch_norm_gradients&) = default;
};

/// What the training pass keeps: the normalised input x̂, 1/√(σ²_B + eps) per
/// feature, and the output.
template <class T, size_t F, size_t M>
struct batch_norm_cache {
    matrix<T, F, M> xhat{};
    matrix<T, F, 1> inv_std{};
    matrix<T, F, M> y{};
    CTNN_INLINE constexpr const matrix<T, F, M>& output() const noexcept { return y; }
};

/// Batch normalisation of F features.
template <class T, size_t F>
struct batch_norm_layer {
    using value_type = T;
    using input_shape = vector_shape<F>;
    using output_shape = vector_shape<F>;
    using gradients_type = batch_norm_gradients<T, F>;
    template <size_t M>
    using cache_type = batch_norm_cache<T, F, M>;
    static constexpr size_t parameter_count = 2 * F;
    static constexpr size_t min_training_batch = 2;  ///< the variance of one sample is 0
    static constexpr T eps = T(1e-5);
    static constexpr T momentum = T(0.1);

    matrix<T, F, 1> gamma{};         ///< scale
    matrix<T, F, 1> beta{};          ///< shift
    matrix<T, F, 1> running_mean{};  ///< buffer
    matrix<T, F, 1> running_var{};   ///< buffer

    friend constexpr bool operator==(const batch_norm_layer&, const batch_norm_layer&) = default;

    template <class Self, class Fn, class... G>
    CTNN_INLINE static constexpr void visit(Self& l, Fn&& f, G&... gs) noexcept {
        f(parameter_info<init_rule::ones>{"gamma"}, l.gamma, gs.dgamma...);
        f(parameter_info<init_rule::zeros>{"beta"}, l.beta, gs.dbeta...);
        f(buffer_info<init_rule::zeros>{"running_mean"}, l.running_mean);
        f(buffer_info<init_rule::ones>{"running_var"}, l.running_var);
    }

    /// inference: the running statistics
    template <size_t M>
    CTNN_INLINE constexpr matrix<T, F, M> predict(const matrix<T, F, M>& x) const noexcept {
        matrix<T, F, M> y{};
        for (size_t i = 0; i < F; ++i) {
            const T inv_std = T(1) / math::sqrt(running_var(i, 0) + eps);
            for (size_t j = 0; j < M; ++j) y(i, j) = (x(i, j) - running_mean(i, 0)) * inv_std * gamma(i, 0) + beta(i, 0);
        }
        return y;
    }

    /// predict as y = s ⊙ x + t (the fold hook, fold.hpp): s = γ/√(running_var + eps),
    /// t = β − running_mean ⊙ s
    constexpr void inference_affine(matrix<T, F, 1>& s, matrix<T, F, 1>& t) const noexcept {
        for (size_t i = 0; i < F; ++i) {
            s(i, 0) = gamma(i, 0) / math::sqrt(running_var(i, 0) + eps);
            T ms = running_mean(i, 0) * s(i, 0);
            detail::arch::keep_rounded(ms);  // two roundings whatever the build's contraction
            t(i, 0) = beta(i, 0) - ms;
        }
    }

    /// training: the statistics of the first `count` columns (the rest is
    /// padding), and the running statistics updated (not for count < 2,
    /// whose unbiased variance does not exist)
    template <size_t M>
    constexpr void forward(const matrix<T, F, M>& x, cache_type<M>& c, size_t count) noexcept {
        const size_t n = count < 1 ? 1 : (count > M ? M : count);
        const T inv_n = T(1) / static_cast<T>(n);
        for (size_t i = 0; i < F; ++i) {
            T sum{};
            for (size_t j = 0; j < n; ++j) sum += x(i, j);
            const T mean = sum * inv_n;
            T sq{};
            for (size_t j = 0; j < n; ++j) sq += (x(i, j) - mean) * (x(i, j) - mean);
            const T var = sq * inv_n;
            const T inv_std = T(1) / math::sqrt(var + eps);
            c.inv_std(i, 0) = inv_std;
            for (size_t j = 0; j < M; ++j) {
                c.xhat(i, j) = (x(i, j) - mean) * inv_std;
                c.y(i, j) = c.xhat(i, j) * gamma(i, 0) + beta(i, 0);
            }
            if (n >= 2) {
                running_mean(i, 0) = (T(1) - momentum) * running_mean(i, 0) + momentum * mean;
                running_var(i, 0) = (T(1) - momentum) * running_var(i, 0) + momentum * (sq / static_cast<T>(n - 1));
            }
        }
    }
    template <size_t M>
    constexpr void forward(const matrix<T, F, M>& x, cache_type<M>& c) noexcept {
        forward(x, c, M);
    }

    /// dγ = mean of dy ⊙ x̂, dβ = mean of dy over the real samples;
    /// dx = γ/(σ·n) · (n·dy − Σdy − x̂·Σ(dy ⊙ x̂)) for them, 0 for padding
    template <size_t M, class... NoDx>
    CTNN_INLINE constexpr auto backward(const cache_type<M>& c, const matrix<T, F, M>&, const matrix<T, F, M>& dy,
                                        gradients_type& g, batch_scale<T> s, NoDx...) const noexcept {
        const size_t n = s.count < 1 ? 1 : (s.count > M ? M : s.count);
        matrix<T, F, M> dx{};
        for (size_t i = 0; i < F; ++i) {
            T sum_dy{}, sum_dy_xhat{};
            for (size_t j = 0; j < n; ++j) {
                sum_dy += dy(i, j);
                sum_dy_xhat += dy(i, j) * c.xhat(i, j);
            }
            g.dgamma(i, 0) = sum_dy_xhat * s.inv_m;
            g.dbeta(i, 0) = sum_dy * s.inv_m;
            if constexpr (sizeof...(NoDx) == 0) {
                const T k = gamma(i, 0) * c.inv_std(i, 0) / static_cast<T>(n);
                for (size_t j = 0; j < n; ++j)
                    dx(i, j) = k * (static_cast<T>(n) * dy(i, j) - sum_dy - c.xhat(i, j) * sum_dy_xhat);
            }
        }
        if constexpr (sizeof...(NoDx) == 0) return dx;
    }
};

/// Batch normalisation per feature (PyTorch's nn.BatchNorm1d): batch
/// statistics in training, running ones in predict.
struct batch_norm {
    template <class In>
    static constexpr bool accepts() noexcept {
        static_assert(is_vector_shape<In>, "ctnn: batch_norm takes a vector");
        return is_vector_shape<In>;
    }
    template <class T, class In>
    using bind = batch_norm_layer<T, In::features>;

    template <class Sink>
    static constexpr void spell(Sink& s) {
        s.header("ctnn/batch_norm.hpp");
        s.text("ctnn::batch_norm");
    }
};

} // namespace ctnn
