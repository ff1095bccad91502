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

/// a float or a SIMD vector of floats
template <class T>
concept float_lanes = std::is_same_v<T, float> || requires(T v) {
    requires !std::is_arithmetic_v<T>;
    requires std::is_same_v<std::remove_cvref_t<decltype(v[0])>, float>;
};

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
    /// A lanewise value() runs on explicit vectors of the products' width
    /// (their loads then match the stores just before them), other value()s
    /// in a loop the compilers may vectorise; a vector lane and a scalar give
    /// the same bits, so a sample's activation does not depend on its batch.
    /// Fewer than short_run elements are straight-line scalars; without SIMD,
    /// only a cheap value() is unrolled beyond that (code size on a
    /// microcontroller).
    template <class T, size_t R, size_t C>
    CTNN_INLINE static constexpr void apply_into(const matrix<T, R, C>& z, matrix<T, R, C>& a) noexcept {
        constexpr bool unroll = ctnn::detail::unroll_elements<R * C> && (Derived::cheap || R * C < short_run);
        if constexpr (Derived::lanewise) {
            ctnn::detail::map_n<R * C, unroll, !Derived::cheap>(
                a.elems, [](auto v) CTNN_INLINE { return Derived::value(v); }, z.elems);
        } else {
            ctnn::detail::loop<unroll, R * C>([&](size_t i) CTNN_INLINE { a.elems[i] = Derived::value(z.elems[i]); });
        }
    }
    /// Below this many elements a matrix is a few scalars, unrolled. A
    /// constant, not the target's vector width.
    static constexpr size_t short_run = 8;

    /// dZ = dA ⊙ g'(Z), from the scalar derivative (the activations with a
    /// cheaper form from A define their own)
    template <class T, size_t R, size_t C>
    CTNN_INLINE static constexpr matrix<T, R, C> backward(const matrix<T, R, C>& z, const matrix<T, R, C>&,
                                                          const matrix<T, R, C>& da) noexcept {
        matrix<T, R, C> dz{};
        ctnn::detail::loop<ctnn::detail::unroll_elements<R * C> && Derived::cheap, R * C>(
            [&](size_t i) CTNN_INLINE { dz.elems[i] = da.elems[i] * Derived::derivative(z.elems[i]); });
        return dz;
    }

    /// the C++ spelling (io/header.hpp): ctnn::act::<name>; for Derived, not
    /// for a type derived from it
    using spelled_as = Derived;
    template <class Sink>
    static constexpr void spell(Sink& s) {
        s.text("ctnn::act::");
        s.text(Derived::name);
    }
};

/// e^z − 1: float by ctnn's own exp (the same bits at compile and run time;
/// an absolute error of about one ulp of 1 near 0), double by math::expm1
template <class T>
CTNN_INLINE constexpr T exp_minus_one(T z) noexcept {
    if constexpr (std::is_same_v<T, float>) {
        return math::exp(z) - 1.0f;
    } else {
        return math::expm1(z);
    }
}

/// 1 / (1 + e^-z) as a scalar, for the activations built on it
template <class T>
CTNN_INLINE constexpr T logistic(T z) noexcept {
    return T(1) / (T(1) + math::exp(-z));
}

/// ln(1 + e^z) for z <= 20 in double with ctnn's own exp and log (so a float
/// result has the same bits at compile and run time), as log1p(e^z): for
/// e^z below double's epsilon the result is e^z itself
constexpr double softplus_core(double z) noexcept {
    const double u = math::detail::exp(z);
    const double w = 1.0 + u;
    return w == 1.0 ? u : math::detail::log(w) * (u / (w - 1.0));
}
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
    /// ctnn::act::leaky_relu for the default slope, else ctnn::act::basic_leaky_relu<Num, Den>
    template <class Sink>
    static constexpr void spell(Sink& s) {
        if constexpr (SlopeNum == 1 && SlopeDen == 100) {
            s.text("ctnn::act::leaky_relu");
        } else {
            s.text("ctnn::act::basic_leaky_relu<");
            s.integer(SlopeNum);
            s.text(", ");
            s.integer(SlopeDen);
            s.text(">");
        }
    }
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
        if constexpr (detail::float_lanes<T>) {
            return math::detail::sigmoid_f32(z);  // one chain for a float and, lane for lane, a vector
        } else if constexpr (std::is_floating_point_v<T>) {
            // e^-z overflows to inf for z < -709 (double), and 1/(1+inf) = 0: never NaN
            return T(1) / (T(1) + math::exp(-z));
        } else {
            return detail::per_lane(z, [](auto v) CTNN_INLINE { return value(v); });
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
    using spelled_as = softmax;
    template <class Sink>
    static constexpr void spell(Sink& s) {
        s.text("ctnn::act::softmax");
    }

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

/// ELU: z for z > 0, α·(e^z − 1) otherwise, α = AlphaNum / AlphaDen (as
/// PyTorch's nn.ELU(alpha)); g'(z) = α·e^z for z <= 0
template <int AlphaNum = 1, int AlphaDen = 1>
struct basic_elu : detail::elementwise<basic_elu<AlphaNum, AlphaDen>> {
    static_assert(AlphaDen > 0, "ctnn: elu's alpha denominator must be positive");
    static constexpr const char* name = "elu";
    static constexpr bool relu_like = true;
    template <class T> CTNN_INLINE static constexpr T alpha() noexcept { return T(AlphaNum) / T(AlphaDen); }
    template <class T> CTNN_INLINE static constexpr T value(T z) noexcept {
        return z > T(0) ? z : alpha<T>() * detail::exp_minus_one(z);
    }
    template <class T> CTNN_INLINE static constexpr T derivative(T z) noexcept {
        return z > T(0) ? T(1) : alpha<T>() * math::exp(z);
    }
    /// ctnn::act::elu for alpha 1, else ctnn::act::basic_elu<Num, Den>
    template <class Sink>
    static constexpr void spell(Sink& s) {
        if constexpr (AlphaNum == 1 && AlphaDen == 1) {
            s.text("ctnn::act::elu");
        } else {
            s.text("ctnn::act::basic_elu<");
            s.integer(AlphaNum);
            s.text(", ");
            s.integer(AlphaDen);
            s.text(">");
        }
    }
};
/// ELU with alpha 1
using elu = basic_elu<>;

/// GELU, tanh form (PyTorch's nn.GELU(approximate='tanh')):
/// ½·z·(1 + tanh(√(2/π)·(z + 0.044715·z³)))
struct gelu : detail::elementwise<gelu> {
    static constexpr const char* name = "gelu";
    static constexpr bool relu_like = true;
    template <class T> static constexpr T beta = T(0.79788456080286535587989211986876);  // √(2/π)
    template <class T> static constexpr T kappa = T(0.044715);
    template <class T> CTNN_INLINE static constexpr T value(T z) noexcept {
        const T inner = beta<T> * (z + kappa<T> * (z * z * z));
        return T(0.5) * z * (T(1) + math::tanh(inner));
    }
    /// as PyTorch's gelu_backward (tanh form)
    template <class T> CTNN_INLINE static constexpr T derivative(T z) noexcept {
        const T z2 = z * z;
        const T t = math::tanh(beta<T> * (z + kappa<T> * (z2 * z)));
        const T left = T(0.5) * z;
        const T right = T(1) + t;
        return T(0.5) * right + left * (T(1) - t * t) * beta<T> * (T(1) + T(3) * kappa<T> * z2);
    }
};

/// SiLU (swish): z·σ(z); g'(z) = σ(z)·(1 + z·(1 − σ(z)))
struct silu : detail::elementwise<silu> {
    static constexpr const char* name = "silu";
    static constexpr bool relu_like = true;
    template <class T> CTNN_INLINE static constexpr T value(T z) noexcept { return z * detail::logistic(z); }
    template <class T> CTNN_INLINE static constexpr T derivative(T z) noexcept {
        const T s = detail::logistic(z);
        return s * (T(1) + z * (T(1) - s));
    }
};

/// hard tanh: z limited to [−1, 1] (PyTorch's nn.Hardtanh()); g'(z) = 1
/// strictly inside, 0 at and beyond ±1, as PyTorch
struct hard_tanh : detail::elementwise<hard_tanh> {
    static constexpr const char* name = "hard_tanh";
    static constexpr bool relu_like = false;
    static constexpr bool cheap = true;
    template <class T> CTNN_INLINE static constexpr T value(T z) noexcept {
        return z < T(-1) ? T(-1) : (z > T(1) ? T(1) : z);
    }
    template <class T> CTNN_INLINE static constexpr T derivative(T z) noexcept {
        return (z > T(-1) && z < T(1)) ? T(1) : T(0);
    }
};

/// softplus: ln(1 + e^z), and z itself above 20 (PyTorch's nn.Softplus(),
/// beta 1, threshold 20); g'(z) = e^z / (e^z + 1), 1 above 20
struct softplus : detail::elementwise<softplus> {
    static constexpr const char* name = "softplus";
    static constexpr bool relu_like = true;
    template <class T> CTNN_INLINE static constexpr T value(T z) noexcept {
        return z > T(20) ? z : static_cast<T>(detail::softplus_core(static_cast<double>(z)));
    }
    template <class T> CTNN_INLINE static constexpr T derivative(T z) noexcept {
        if (z > T(20)) return T(1);
        const T e = math::exp(z);
        return e / (e + T(1));
    }
};

/// The fewest units an activation can act on (a layer of fewer is a compile
/// error, diagnostics.hpp): softmax over one unit is the constant 1, so it
/// passes no gradient and its cross-entropy is always 0.
template <class Act>
inline constexpr size_t min_units = 1;
template <>
inline constexpr size_t min_units<softmax> = 2;

} // namespace ctnn::act
