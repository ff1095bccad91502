// activations.hpp — act::*: each activation's value g(Z) and its backward step
// dZ = dA ⊙ g'(Z) (a Jacobian-vector product for softmax).
//
// An activation is a stateless type with
//   apply(Z)            -> A = g(Z), same shape (apply_into(Z, A) in place)
//   backward(Z, A, dA)  -> dZ, same shape (uses whichever of Z and A is cheaper)
// and, for the element-wise ones, scalar value(z) and derivative(z).
#pragma once

#include <ctnn/math.hpp>
#include <ctnn/matrix.hpp>

namespace ctnn::act {

namespace detail {
/// f applied to each lane of the SIMD vector v (for lanes with no vector form)
template <class V, class F>
CTNN_INLINE constexpr V per_lane(V v, F f) noexcept {
    constexpr size_t n = sizeof(V) / sizeof(v[0]);
    V r{};
    for (size_t l = 0; l < n; ++l) r[l] = f(v[l]);
    return r;
}

/// Common part of the element-wise activations: matrix forms from the scalar ones.
template <class Derived>
struct elementwise {
    static constexpr bool is_elementwise = true;
    /// Flags an activation may redefine (defaults for a user's own): `cheap`,
    /// a value() of a few operations; `lanewise`, a value() that also takes a
    /// SIMD vector of T (written with +, *, comparisons and ?: alone).
    static constexpr bool cheap = false;
    static constexpr bool lanewise = false;

    /// A = g(Z)
    template <class T, size_t R, size_t C>
    CTNN_INLINE static constexpr matrix<T, R, C> apply(const matrix<T, R, C>& z) noexcept {
        matrix<T, R, C> a{};
        apply_into(z, a);
        return a;
    }
    /// a = g(z), written in place (the forward pass fills its cache this way).
    /// Fewer than short_run elements: straight-line scalars, value_short() if
    /// the activation has one. Otherwise a lanewise value() runs on explicit
    /// vectors of the products' width (their loads then match the stores just
    /// before them), other value()s in a loop the compilers may vectorise.
    /// Without SIMD, only a cheap value() is unrolled beyond short_run
    /// elements (code size on a microcontroller).
    template <class T, size_t R, size_t C>
    CTNN_INLINE static constexpr void apply_into(const matrix<T, R, C>& z, matrix<T, R, C>& a) noexcept {
        constexpr bool unroll = ctnn::detail::unroll_elements<R * C> && (Derived::cheap || R * C < short_run);
        if constexpr (R * C < short_run && requires(T v) { Derived::value_short(v); }) {
            ctnn::detail::loop<true, R * C>([&](size_t i) CTNN_INLINE { a.elems[i] = Derived::value_short(z.elems[i]); });
        } else if constexpr (Derived::lanewise) {
            ctnn::detail::map_n<R * C, unroll, !Derived::cheap>(
                a.elems, [](auto v) CTNN_INLINE { return Derived::value(v); }, z.elems);
        } else {
            ctnn::detail::loop<unroll, R * C>([&](size_t i) CTNN_INLINE { a.elems[i] = Derived::value(z.elems[i]); });
        }
    }
    /// Below this many elements a matrix is a few scalars: unrolled, and an
    /// activation's value_short() (if it has one) is used instead of value().
    /// A constant, not the target's vector width, so that a network gives the
    /// same bits on every target.
    static constexpr size_t short_run = 8;
};
} // namespace detail

/// g(z) = z
struct identity : detail::elementwise<identity> {
    static constexpr const char* name = "identity";
    static constexpr bool relu_like = false;
    static constexpr bool cheap = true;
    template <class T> CTNN_INLINE static constexpr T value(T z) noexcept { return z; }
    template <class T> CTNN_INLINE static constexpr T derivative(T) noexcept { return T(1); }
    template <class T, size_t R, size_t C>
    CTNN_INLINE static constexpr matrix<T, R, C> backward(const matrix<T, R, C>&, const matrix<T, R, C>&,
                                              const matrix<T, R, C>& da) noexcept {
        return da;
    }
};

/// g(z) = max(0, z); g'(0) is taken as 0, as PyTorch does. The backward step
/// selects dA where z > 0 and +0 elsewhere (math::mask_positive, branch-free).
struct relu : detail::elementwise<relu> {
    static constexpr const char* name = "relu";
    static constexpr bool relu_like = true;
    static constexpr bool cheap = true;
    static constexpr bool lanewise = true;  // value() takes a float/double or a SIMD vector of them
    template <class T> CTNN_INLINE static constexpr T value(T z) noexcept { return math::positive_part(z); }
    template <class T> CTNN_INLINE static constexpr T derivative(T z) noexcept { return z > T(0) ? T(1) : T(0); }
    template <class T, size_t R, size_t C>
    CTNN_INLINE static constexpr matrix<T, R, C> backward(const matrix<T, R, C>& z, const matrix<T, R, C>&,
                                              const matrix<T, R, C>& da) noexcept {
        matrix<T, R, C> dz{};
        ctnn::detail::zip_into(dz, z, da, [](auto zv, auto d) CTNN_INLINE { return math::mask_positive(zv, d); });
        return dz;
    }
};

/// g(z) = z for z > 0, Num/Den·z otherwise (default slope 0.01, as PyTorch)
template <int SlopeNum = 1, int SlopeDen = 100>
struct basic_leaky_relu : detail::elementwise<basic_leaky_relu<SlopeNum, SlopeDen>> {
    static_assert(SlopeDen > 0, "ctnn: leaky_relu slope denominator must be positive");
    static constexpr const char* name = "leaky_relu";
    static constexpr bool cheap = true;
    static constexpr bool relu_like = true;
    template <class T> CTNN_INLINE static constexpr T slope() noexcept { return T(SlopeNum) / T(SlopeDen); }
    template <class T> CTNN_INLINE static constexpr T value(T z) noexcept { return z > T(0) ? z : slope<T>() * z; }
    template <class T> CTNN_INLINE static constexpr T derivative(T z) noexcept { return z > T(0) ? T(1) : slope<T>(); }
    template <class T, size_t R, size_t C>
    CTNN_INLINE static constexpr matrix<T, R, C> backward(const matrix<T, R, C>& z, const matrix<T, R, C>&,
                                              const matrix<T, R, C>& da) noexcept {
        matrix<T, R, C> dz{};
        ctnn::detail::zip_into(dz, z, da, [](auto zv, auto d) CTNN_INLINE { return zv > T(0) ? d : slope<T>() * d; });
        return dz;
    }
};
/// leaky ReLU with slope 0.01
using leaky_relu = basic_leaky_relu<>;

/// g(z) = 1 / (1 + e^-z). For very negative z, e^-z is inf and the result is
/// exactly 0; |z| up to and beyond 1e4 gives 0 or 1, never NaN
struct sigmoid : detail::elementwise<sigmoid> {
    static constexpr const char* name = "sigmoid";
    static constexpr bool relu_like = false;
    static constexpr bool lanewise = true;  // value() takes a float/double or a SIMD vector of them
    template <class T> CTNN_INLINE static constexpr T value(T z) noexcept {
        if constexpr (std::is_floating_point_v<T>) {
            // e^-z overflows to inf for z < -88.7 (float), and 1/(1+inf) = 0: never NaN
            return T(1) / (T(1) + math::exp(-z));
        } else if constexpr (std::is_same_v<std::remove_cvref_t<decltype(z[0])>, float>) {
            return math::detail::sigmoid_f32(z);  // lane for lane as for one float
        } else {
            return detail::per_lane(z, [](auto v) CTNN_INLINE { return value(v); });
        }
    }
    /// value() for a few scalars (fewer than short_run): float uses a sigmoid
    /// on the table-driven exp, whose chain is about half as long (2 ulp at
    /// most over all floats; math.hpp, sigmoid_f32_short); double is value()
    /// itself
    template <class T> CTNN_INLINE static constexpr T value_short(T z) noexcept {
        if constexpr (std::is_same_v<T, float>) {
            return math::detail::sigmoid_f32_short(z);
        } else {
            return value(z);
        }
    }
    template <class T> CTNN_INLINE static constexpr T derivative(T z) noexcept {
        const T s = value(z);
        return s * (T(1) - s);
    }
    template <class T, size_t R, size_t C>
    CTNN_INLINE static constexpr matrix<T, R, C> backward(const matrix<T, R, C>&, const matrix<T, R, C>& a,
                                              const matrix<T, R, C>& da) noexcept {
        matrix<T, R, C> dz{};
        ctnn::detail::zip_into(dz, a, da, [](auto av, auto d) CTNN_INLINE { return d * av * (T(1) - av); });
        return dz;
    }
};

/// g(z) = tanh z
struct tanh : detail::elementwise<tanh> {
    static constexpr const char* name = "tanh";
    static constexpr bool relu_like = false;
    static constexpr bool lanewise = true;  // value() takes a float/double or a SIMD vector of them
    template <class T> CTNN_INLINE static constexpr T value(T z) noexcept {
        if constexpr (std::is_floating_point_v<T>) {
            return math::tanh(z);
        } else if constexpr (std::is_same_v<std::remove_cvref_t<decltype(z[0])>, float>) {
            return math::detail::tanh_f32(z);  // lane for lane as for one float
        } else {
            return detail::per_lane(z, [](auto v) CTNN_INLINE { return math::tanh(v); });
        }
    }
    template <class T> CTNN_INLINE static constexpr T derivative(T z) noexcept {
        const T t = math::tanh(z);
        return T(1) - t * t;
    }
    template <class T, size_t R, size_t C>
    CTNN_INLINE static constexpr matrix<T, R, C> backward(const matrix<T, R, C>&, const matrix<T, R, C>& a,
                                              const matrix<T, R, C>& da) noexcept {
        matrix<T, R, C> dz{};
        ctnn::detail::zip_into(dz, a, da, [](auto av, auto d) CTNN_INLINE { return d * (T(1) - av * av); });
        return dz;
    }
};

/// Column-wise softmax: a_i = e^(z_i - max z) / Σ_k e^(z_k - max z). Subtracting
/// the column maximum keeps every exponent <= 0, so no overflow for any finite z.
struct softmax {
    static constexpr const char* name = "softmax";
    static constexpr bool relu_like = false;
    static constexpr bool is_elementwise = false;

    // Each pass runs along a row, over all columns at once (the contiguous
    // direction, so it vectorises); every column still sees its own operations
    // in the order of the textbook loop over i.
    template <class T, size_t R, size_t C>
    CTNN_INLINE static constexpr matrix<T, R, C> apply(const matrix<T, R, C>& z) noexcept {
        matrix<T, R, C> a{};
        apply_into(z, a);
        return a;
    }
    template <class T, size_t R, size_t C>
    CTNN_INLINE static constexpr void apply_into(const matrix<T, R, C>& z, matrix<T, R, C>& a) noexcept {
        constexpr bool u = ctnn::detail::unroll_elements<R * C>;
        T mx[C]{};
        T sum[C]{};
        ctnn::detail::loop<u, C>([&](size_t j) CTNN_INLINE { mx[j] = z(0, j); });
        ctnn::detail::loop<u, R - 1>([&](size_t i) CTNN_INLINE {
            ctnn::detail::loop<u, C>([&](size_t j) CTNN_INLINE { mx[j] = z(i + 1, j) > mx[j] ? z(i + 1, j) : mx[j]; });
        });
        ctnn::detail::loop<u, R>([&](size_t i) CTNN_INLINE {
            ctnn::detail::loop<u, C>([&](size_t j) CTNN_INLINE {
                a(i, j) = math::exp(z(i, j) - mx[j]);
                sum[j] += a(i, j);
            });
        });
        ctnn::detail::loop<u, C>([&](size_t j) CTNN_INLINE { sum[j] = T(1) / sum[j]; });
        ctnn::detail::loop<u, R>([&](size_t i) CTNN_INLINE {
            ctnn::detail::loop<u, C>([&](size_t j) CTNN_INLINE { a(i, j) *= sum[j]; });
        });
    }

    /// dZ_i = a_i (dA_i - Σ_k a_k dA_k) per column: the softmax Jacobian times dA
    template <class T, size_t R, size_t C>
    CTNN_INLINE static constexpr matrix<T, R, C> backward(const matrix<T, R, C>&, const matrix<T, R, C>& a,
                                              const matrix<T, R, C>& da) noexcept {
        constexpr bool u = ctnn::detail::unroll_elements<R * C>;
        matrix<T, R, C> dz{};
        T dot[C]{};
        ctnn::detail::loop<u, R>([&](size_t i) CTNN_INLINE {
            ctnn::detail::loop<u, C>([&](size_t j) CTNN_INLINE { dot[j] += a(i, j) * da(i, j); });
        });
        ctnn::detail::loop<u, R>([&](size_t i) CTNN_INLINE {
            ctnn::detail::loop<u, C>([&](size_t j) CTNN_INLINE { dz(i, j) = a(i, j) * (da(i, j) - dot[j]); });
        });
        return dz;
    }
};

} // namespace ctnn::act
