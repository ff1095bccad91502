// losses.hpp — loss::*: the batch-mean loss value and the output delta dZ[L].
//
// Every loss is the mean over the batch (columns) of a per-sample loss summed
// over the output units. Its output delta is the per-sample dZ[L]; the 1/m of
// the mean is applied once, in dW and db. Which output activation a loss
// accepts is part of its type: binary_cross_entropy needs sigmoid and
// cross_entropy needs softmax, because their fused delta dZ = A - Y is only
// right for those; each loss checks that itself (check_output), when the
// network's backward pass asks it.
#pragma once

#include <type_traits>

#include <ctnn/activations.hpp>
#include <ctnn/diagnostics.hpp>
#include <ctnn/math.hpp>
#include <ctnn/matrix.hpp>

namespace ctnn::loss {

namespace detail {
/// log clamped below at -100, as PyTorch's BCELoss does, so a finite A = 0 or
/// 1 gives a large finite loss instead of inf. Only finite arguments are
/// clamped: a NaN (or -inf) gives NaN and +inf gives +inf, so a network whose
/// output went non-finite never reports a finite loss.
template <class T>
CTNN_INLINE constexpr T clamped_log(T x) noexcept {
    if (x != x) return x;                                       // NaN stays NaN
    if (x - x != T(0)) return x > T(0) ? x : (x - x);           // +inf -> +inf, -inf -> NaN
    if (!(x > T(0))) return T(-100);
    const T l = math::log(x);
    return l < T(-100) ? T(-100) : l;
}

/// (1/m) Σ f(a, y) over all elements of two outputs x batch matrices: the
/// batch mean of a per-sample loss summed over the output units
template <class T, size_t R, size_t C, class F>
CTNN_INLINE constexpr T batch_mean(const matrix<T, R, C>& a, const matrix<T, R, C>& y, F f) noexcept {
    T s{};
    for (size_t i = 0; i < R * C; ++i) s += f(a.elems[i], y.elems[i]);
    return s / T(C);
}

/// whether loss.value(A, Y) gets two matrices of one shape and type
template <class A, class Y> inline constexpr bool same_shape = std::is_same_v<A, Y>;

} // namespace detail

/// mean squared error, per sample ½‖a − y‖², so that dA = A − Y
struct mse {
    static constexpr const char* name = "mse";
    /// any output activation: the general path dZ = dA ⊙ g'(Z)
    template <class Act> static constexpr bool accepts = true;
    template <class Act> static constexpr bool check_output() noexcept { return true; }

    template <class T, size_t R, size_t C, class U, size_t R2, size_t C2>
    CTNN_INLINE constexpr T value(const matrix<T, R, C>& a, const matrix<U, R2, C2>& y) const noexcept {
        static_assert(detail::same_shape<matrix<T, R, C>, matrix<U, R2, C2>>, CTNN_MSG_LOSS_VALUE_SHAPES);
        if constexpr (!detail::same_shape<matrix<T, R, C>, matrix<U, R2, C2>>) return T{};
        else return detail::batch_mean(a, y, [](T av, T yv) { return T(0.5) * (av - yv) * (av - yv); });
    }

    /// ∂(per-sample loss)/∂A
    template <class T, size_t R, size_t C>
    CTNN_INLINE static constexpr matrix<T, R, C> output_gradient(const matrix<T, R, C>& a, const matrix<T, R, C>& y) noexcept {
        return a - y;
    }

    /// dZ[L] = dA ⊙ g'(Z) through the output activation Act
    template <class Act, class T, size_t R, size_t C>
    CTNN_INLINE static constexpr matrix<T, R, C> output_delta(const matrix<T, R, C>& z, const matrix<T, R, C>& a,
                                                  const matrix<T, R, C>& y) noexcept {
        return Act::backward(z, a, output_gradient(a, y));
    }
};

/// binary cross-entropy −[y log a + (1 − y) log(1 − a)] summed over the output
/// units; for a sigmoid output only, where the fused delta is dZ = A − Y
struct binary_cross_entropy {
    static constexpr const char* name = "binary_cross_entropy";
    template <class Act> static constexpr bool accepts = std::is_same_v<Act, act::sigmoid>;
    /// the network's backward pass asks this first; false stops it after this message
    template <class Act> static constexpr bool check_output() noexcept {
        static_assert(accepts<Act>, CTNN_MSG_BCE_OUTPUT);
        return accepts<Act>;
    }

    template <class T, size_t R, size_t C, class U, size_t R2, size_t C2>
    CTNN_INLINE constexpr T value(const matrix<T, R, C>& a, const matrix<U, R2, C2>& y) const noexcept {
        static_assert(detail::same_shape<matrix<T, R, C>, matrix<U, R2, C2>>, CTNN_MSG_LOSS_VALUE_SHAPES);
        if constexpr (!detail::same_shape<matrix<T, R, C>, matrix<U, R2, C2>>) return T{};
        else return detail::batch_mean(a, y, [](T av, T yv) {
            return -(yv * detail::clamped_log(av) + (T(1) - yv) * detail::clamped_log(T(1) - av));
        });
    }

    /// ∂(per-sample loss)/∂A = (a − y) / (a(1 − a)); not used by backward, which fuses
    template <class T, size_t R, size_t C>
    CTNN_INLINE static constexpr matrix<T, R, C> output_gradient(const matrix<T, R, C>& a, const matrix<T, R, C>& y) noexcept {
        matrix<T, R, C> g{};
        ctnn::detail::zip_into(g, a, y, [](auto av, auto yv) CTNN_INLINE { return (av - yv) / (av * (T(1) - av)); });
        return g;
    }

    /// dZ[L] = A − Y (sigmoid output)
    template <class Act, class T, size_t R, size_t C>
    CTNN_INLINE static constexpr matrix<T, R, C> output_delta(const matrix<T, R, C>&, const matrix<T, R, C>& a,
                                                  const matrix<T, R, C>& y) noexcept {
        return a - y;
    }
};

/// categorical cross-entropy −Σ y log a over the output units; for a softmax
/// output only, where the fused delta is dZ = A − Y (for label columns summing to 1)
struct cross_entropy {
    static constexpr const char* name = "cross_entropy";
    template <class Act> static constexpr bool accepts = std::is_same_v<Act, act::softmax>;
    /// the network's backward pass asks this first; false stops it after this message
    template <class Act> static constexpr bool check_output() noexcept {
        static_assert(accepts<Act>, CTNN_MSG_CE_OUTPUT);
        return accepts<Act>;
    }

    template <class T, size_t R, size_t C, class U, size_t R2, size_t C2>
    CTNN_INLINE constexpr T value(const matrix<T, R, C>& a, const matrix<U, R2, C2>& y) const noexcept {
        static_assert(detail::same_shape<matrix<T, R, C>, matrix<U, R2, C2>>, CTNN_MSG_LOSS_VALUE_SHAPES);
        if constexpr (!detail::same_shape<matrix<T, R, C>, matrix<U, R2, C2>>) return T{};
        else return detail::batch_mean(a, y, [](T av, T yv) { return yv != T(0) ? -yv * detail::clamped_log(av) : T(0); });
    }

    /// ∂(per-sample loss)/∂A = −y / a; not used by backward, which fuses
    template <class T, size_t R, size_t C>
    CTNN_INLINE static constexpr matrix<T, R, C> output_gradient(const matrix<T, R, C>& a, const matrix<T, R, C>& y) noexcept {
        matrix<T, R, C> g{};
        ctnn::detail::zip_into(g, a, y, [](auto av, auto yv) CTNN_INLINE { return -yv / av; });
        return g;
    }

    /// dZ[L] = A·Σy − Y per column (softmax output): A − Y for one-hot or any
    /// label columns that sum to 1, and still the exact gradient when they do not
    template <class Act, class T, size_t R, size_t C>
    CTNN_INLINE static constexpr matrix<T, R, C> output_delta(const matrix<T, R, C>&, const matrix<T, R, C>& a,
                                                  const matrix<T, R, C>& y) noexcept {
        matrix<T, R, C> dz{};
        for (size_t j = 0; j < C; ++j) {
            T total{};
            for (size_t i = 0; i < R; ++i) total += y(i, j);
            for (size_t i = 0; i < R; ++i) dz(i, j) = a(i, j) * total - y(i, j);
        }
        return dz;
    }
};

} // namespace ctnn::loss
