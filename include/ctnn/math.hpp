// math.hpp — exp, log, tanh, expm1 and sqrt that work in constant evaluation
// and call <cmath> at run time (or not: CTNN_PORTABLE_MATH).
//
// The constant-evaluation versions compute in double (also for float, then
// round once), with Cody-Waite range reduction and truncated series whose
// truncation error is far below one ulp, so they track <cmath> to a few ulps
// (tests/math.test.cpp measures and states the bound). They never touch errno
// or the floating-point environment, and need no heap and no exceptions.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include <ctnn/config.hpp>
#include <ctnn/detail/arch.hpp>

namespace ctnn::math {

namespace detail {

inline constexpr double ln2_hi = 6.93147180369123816490e-01;  // low 21 bits zero: k*ln2_hi is exact
inline constexpr double ln2_lo = 1.90821492927058770002e-10;
inline constexpr double inv_ln2 = 1.44269504088896338700e+00;
inline constexpr double inf = std::numeric_limits<double>::infinity();
inline constexpr double nan = std::numeric_limits<double>::quiet_NaN();

constexpr bool is_nan(double x) { return x != x; }

/// 2^k for -1074 <= k <= 1023, built from its bit pattern.
constexpr double pow2i(int k) {
    if (k >= -1022) return std::bit_cast<double>(static_cast<std::uint64_t>(k + 1023) << 52);
    return std::bit_cast<double>(std::uint64_t{1} << (k + 1074));
}

/// round-to-nearest integer of a double known to be well inside int range
constexpr int round_to_int(double v) { return static_cast<int>(v >= 0 ? v + 0.5 : v - 0.5); }

/// x - k*ln2 with the two-part constant, exact to about one ulp of the result
constexpr double reduce_ln2(double x, int k) {
    const double kd = static_cast<double>(k);
    return (x - kd * ln2_hi) - kd * ln2_lo;
}

/// e^r - 1 for |r| <= ln2/2 by its Taylor series in Horner form (terms to r^17/17!).
constexpr double expm1_small(double r) {
    double p = 1.0;
    for (int n = 17; n >= 2; --n) p = 1.0 + r * p / n;
    return r * p;
}

/// multiply by 2^k for any k the callers produce (-1100 < k < 1100)
constexpr double scale2(double v, int k) {
    if (k > 1023) return v * pow2i(k - 1023) * pow2i(1023);
    if (k < -1022) return v * pow2i(k + 54) * pow2i(-54);  // first product exact, one rounding
    return v * pow2i(k);
}

constexpr double exp(double x) {
    if (is_nan(x)) return x;
    if (x > 709.782712893383973096) return inf;
    if (x < -745.133219101941108420) return 0.0;
    const int k = round_to_int(x * inv_ln2);
    const double r = reduce_ln2(x, k);
    return scale2(1.0 + expm1_small(r), k);
}

constexpr double expm1(double x) {
    if (is_nan(x)) return x;
    if (x > -0.34657359027997264 && x < 0.34657359027997264) return expm1_small(x);
    if (x > 700.0 || x < -40.0) return exp(x) - 1.0;
    const int k = round_to_int(x * inv_ln2);
    const double em = expm1_small(reduce_ln2(x, k));
    const double two_k = pow2i(k);
    // 2^k * (1 + em) - 1 = (2^k - 1) + 2^k*em; 2^k - 1 is exact for -54 < k < 53
    return (two_k - 1.0) + two_k * em;
}

constexpr double log(double x) {
    if (is_nan(x) || x < 0.0) return nan;
    if (x == 0.0) return -inf;
    if (x == inf) return inf;
    int e = 0;
    if (x < 2.2250738585072014e-308) {  // subnormal: scale into the normal range first
        x *= pow2i(54);
        e = -54;
    }
    const std::uint64_t bits = std::bit_cast<std::uint64_t>(x);
    e += static_cast<int>((bits >> 52) & 0x7ff) - 1023;
    double m = std::bit_cast<double>((bits & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL);  // [1, 2)
    if (m > 1.41421356237309504880) {
        m *= 0.5;
        ++e;
    }
    // log(1+f) = 2 atanh(s), s = f/(2+f), |s| <= 0.1716; written as in fdlibm so
    // that the leading terms are exact: f - (f²/2 - s(f²/2 + R)).
    const double f = m - 1.0;
    const double s = f / (2.0 + f);
    const double z = s * s;
    double R = 0.0;
    for (int n = 12; n >= 1; --n) R = z * (2.0 / (2 * n + 1) + R);
    const double hfsq = 0.5 * f * f;
    const double ed = static_cast<double>(e);
    return ed * ln2_hi + (f - (hfsq - (s * (hfsq + R) + ed * ln2_lo)));
}

constexpr double tanh(double x) {
    if (is_nan(x)) return x;
    const double ax = x < 0 ? -x : x;
    double t = 0.0;
    if (ax > 22.0) {
        t = 1.0;
    } else if (ax < 3.7252902984e-09) {  // 2^-28: tanh(x) == x to double precision
        t = ax;
    } else if (ax >= 1.0) {
        t = 1.0 - 2.0 / (expm1(2.0 * ax) + 2.0);
    } else {
        const double u = expm1(-2.0 * ax);
        t = -u / (u + 2.0);
    }
    return x < 0 ? -t : t;
}

/// Exact product a*b = p + err (Dekker / Veltkamp), for the sqrt correction step.
struct two_product { double p, err; };
constexpr two_product exact_mul(double a, double b) {
    constexpr double split = 134217729.0;  // 2^27 + 1
    const double ca = split * a, cb = split * b;
    const double ah = ca - (ca - a), al = a - ah;
    const double bh = cb - (cb - b), bl = b - bh;
    const double p = a * b;
    return {p, ((ah * bh - p) + ah * bl + al * bh) + al * bl};
}

constexpr double sqrt(double x) {
    if (is_nan(x) || x < 0.0) return nan;
    if (x == 0.0 || x == inf) return x;
    // bring x into [1, 4) by an even power of two, Newton from a linear guess
    int e = 0;
    while (x >= 4.0) { x *= 0.25; ++e; }
    while (x < 1.0) { x *= 4.0; --e; }
    double y = 0.5 + 0.5 * x * 0.5 + 0.25;  // within 30% of sqrt on [1,4)
    for (int i = 0; i < 6; ++i) y = 0.5 * (y + x / y);
    // one correction with the exact residual x - y² makes the result correctly rounded
    // in all but pathological cases
    const two_product sq = exact_mul(y, y);
    y += ((x - sq.p) - sq.err) / (2.0 * y);
    return scale2(y, e);
}

// Float exp and tanh in float arithmetic, branch-free, the same code in
// constant evaluation and at run time. Each is written once for a float and
// for a SIMD vector of floats (GCC/Clang vector extensions): the activations
// run them on explicit vectors of the configured width, lane by lane the same
// operations as for one float. Error bounds: tests/math.test.cpp.

/// the unsigned and signed integers of a float, or of a float vector's lanes
template <class V>
struct lane_ints {
    using u = std::uint32_t;
    using i = std::int32_t;
};
#if defined(__GNUC__) || defined(__clang__)
template <class V>
    requires(!std::is_arithmetic_v<V>)
struct lane_ints<V> {
    typedef std::uint32_t u __attribute__((vector_size(sizeof(V))));
    typedef std::int32_t i __attribute__((vector_size(sizeof(V))));
};
#endif
template <class V> using lane_u = typename lane_ints<V>::u;
template <class V> using lane_i = typename lane_ints<V>::i;

/// all ones where the comparison c holds, else 0 (c: a bool, or a vector comparison's lanes)
template <class V, class C>
CTNN_MATH_INLINE constexpr lane_u<V> lane_mask(C c) noexcept {
    if constexpr (std::is_same_v<C, bool>) {
        return c ? 0xffffffffu : 0u;
    } else {
        return std::bit_cast<lane_u<V>>(c);
    }
}
/// where m is all ones a, else b (on the bits)
template <class V>
CTNN_MATH_INLINE constexpr V select_bits(lane_u<V> m, V a, V b) noexcept {
    return std::bit_cast<V>((std::bit_cast<lane_u<V>>(a) & m) | (std::bit_cast<lane_u<V>>(b) & ~m));
}

/// |x| limited to `limit` (a float's bit pattern), sign kept. Done on the bits
/// with an integer min, not with a float comparison: GCC splits a loop at a
/// float clamp whose far side is a constant result, and the loop no longer
/// vectorises. A NaN is caught separately by nan_bits.
template <class V>
CTNN_MATH_INLINE constexpr V clamp_abs(V x, std::uint32_t limit) noexcept {
    const lane_u<V> bits = std::bit_cast<lane_u<V>>(x);
    const lane_u<V> mag = bits & 0x7fffffffu;
    const lane_u<V> lim = lane_u<V>{} + limit;
    const lane_u<V> below = lane_mask<V>(mag < lim);
    return std::bit_cast<V>((mag & below) | (lim & ~below) | (bits & 0x80000000u));
}
/// the bits of a quiet NaN where x is a NaN, else 0 (to OR into a result)
template <class V>
CTNN_MATH_INLINE constexpr lane_u<V> nan_bits(V x) noexcept {
    return lane_mask<V>((std::bit_cast<lane_u<V>>(x) & 0x7fffffffu) > (lane_u<V>{} + 0x7f800000u)) & 0x7fc00000u;
}
/// 2^k as a float (or float vector V) for -126 <= k <= 127
template <class V = float>
CTNN_MATH_INLINE constexpr V pow2f(lane_i<V> k) noexcept {
    return std::bit_cast<V>(std::bit_cast<lane_u<V>>(k + 127) << 23);
}

/// the largest x whose e^x is finite in float (just below ln FLT_MAX)
inline constexpr float exp_last_finite = 0x1.62e42ep+6f;

/// e^x = (1 + q)·2^k for |x| <= 104 (Cephes' expf scheme): n = round(x/ln2) via
/// the 1.5*2^23 shifter, r = x - n*ln2 in two parts, q = e^r - 1 by a
/// degree-7 polynomial; returns q and sets k = n
template <class V>
CTNN_MATH_INLINE constexpr V exp_f32_reduced(V x, lane_i<V>& k) noexcept {
    constexpr float shifter = 0x1.8p23f;
    const V t = x * 1.44269504088896341f + shifter;
    const V n = t - shifter;
    const V r = (x - n * 0.693359375f) - n * -2.12194440e-4f;
    // p = c2 + c3·r + ... + c7·r^5 by Estrin's scheme (three independent pairs,
    // then r² and r⁴): about half the dependent steps of Horner's
    const V r2 = r * r;
    const V r4 = r2 * r2;
    const V p23 = 1.6666665459e-1f * r + 5.0000001201e-1f;
    const V p45 = 8.3334519073e-3f * r + 4.1665795894e-2f;
    const V p67 = 1.9875691500e-4f * r + 1.3981999507e-3f;
    const V p = (p45 * r2 + p23) + p67 * r4;
    k = std::bit_cast<lane_i<V>>(std::bit_cast<lane_u<V>>(t) - 0x4b400000u);
    return p * r2 + r;
}

/// e^x for |x| <= 104: (1 + q)·2^k from exp_f32_reduced, with 2^k in two
/// factors so that subnormal results round once, correctly (one factor
/// suffices when the caller knows |x| < 87, as tanh does)
template <bool TwoFactors = true, class V>
CTNN_MATH_INLINE constexpr V exp_f32_core(V x) noexcept {
    lane_i<V> k{};
    const V e = exp_f32_reduced(x, k) + 1.0f;
    if constexpr (TwoFactors) {
        const lane_i<V> k1 = k >> 1;  // floor(k/2): an arithmetic shift since C++20
        return e * pow2f<V>(k1) * pow2f<V>(k - k1);
    } else {
        return e * pow2f<V>(k);
    }
}

/// e^x for float: overflow to inf, underflow through the subnormals to 0, NaN kept
template <class V>
CTNN_MATH_INLINE constexpr V exp_f32(V x) noexcept {
    if constexpr (!std::is_arithmetic_v<V>) {
        // A vector: its limits as float comparisons and three selects, about
        // five operations per vector fewer than the bit masks below; the
        // same results, NaN for NaN (a test compares every lane with the
        // scalar's bits). The bit masks are for the scalar form, which
        // compilers vectorise in loops only without float clamps. (Sigmoid
        // over a batch comes here only where sigmoid_f32 has no shorter
        // chain of its own: targets other than x86, and 64-byte vectors
        // without AVX-512DQ.)
        const V lo = V{} + -104.0f, hi = V{} + exp_last_finite;
        const V above = select_bits<V>(lane_mask<V>(x > lo), x, lo);  // a NaN gives -104
        const V xc = select_bits<V>(lane_mask<V>(above < hi), above, hi);
        // x + inf: inf above the range, the NaN itself for a NaN
        return select_bits<V>(lane_mask<V>(x <= hi), exp_f32_core(xc), x + std::numeric_limits<float>::infinity());
    }
    // x >= 0x1.62e430p+6 (just above ln FLT_MAX) gives inf. That is decided on
    // the bits, as a mask: the core never overflows (constant evaluation
    // rejects a float overflow) and no branch splits a loop over it.
    const lane_u<V> bits = std::bit_cast<lane_u<V>>(x);
    const lane_u<V> over = lane_mask<V>(bits - 0x42b17218u <= (lane_u<V>{} + (0x7f800000u - 0x42b17218u)));
    // |x| <= 104: e^-104 rounds to 0 in float
    const V xc = std::bit_cast<V>(std::bit_cast<lane_u<V>>(clamp_abs(x, 0x42d00000u)) & ~over);
    const lane_u<V> y = std::bit_cast<lane_u<V>>(exp_f32_core(xc));
    return std::bit_cast<V>((y & ~over) | (0x7f800000u & over) | nan_bits(x));
}

/// 1 / (1 + e^-z) on a float or a SIMD vector of floats: the sigmoid of a
/// batch. The bits of 1 / (1 + exp_f32(-z)), lane for lane; at run time on x86
/// on a shorter chain (no selects, 3 steps fewer), because two of its steps are fused
/// multiply-adds that round exactly as the separate steps did (2^j scales
/// exactly, for normal results):
/// - (1 + q)·s1 becomes q·s1 + s1 (e^x = (1 + q)·s1·s2, exp_f32_core), and
/// - 1 + e·s2 becomes one step from e = (1 + q)·s1: rounding the product first
///   changes nothing, since it is exact or (below the normal range) far under
///   half an ulp of 1, or overflows to inf either way.
/// The only limit on the chain is |x| <= 104 (detail/arch.hpp, limit_104):
/// above ln FLT_MAX the last product overflows to inf by itself (math.test
/// checks every float from there to 104), and a NaN, which the limit turns
/// into a number, is ORed into s2 off the chain. The compilers fuse the two
/// steps by themselves (GCC's default -ffp-contract=fast, Clang's
/// per-expression contraction); with contraction off they are separate steps
/// of the same bits. (docs/performance-notes.md: what it pays.)
template <class V>
CTNN_MATH_INLINE constexpr V sigmoid_f32(V z) noexcept {
    if constexpr (ctnn::detail::arch::has_limit_104<V>) {
        if (!std::is_constant_evaluated()) {
            const V x = -z;
            const V xc = ctnn::detail::arch::limit_104(x);  // |x| <= 104, x's sign
            lane_i<V> k{};
            const V q = exp_f32_reduced(xc, k);
            const lane_i<V> k1 = k >> 1;
            const V s1 = pow2f<V>(k1);
            // a NaN's bits ORed into the power of two s2 are the NaN's (quieted by the product)
            const lane_u<V> x_if_nan = lane_mask<V>(x != x) & std::bit_cast<lane_u<V>>(x);
            const V s2 = std::bit_cast<V>(std::bit_cast<lane_u<V>>(pow2f<V>(k - k1)) | x_if_nan);
            const V e1 = q * s1 + s1;
            return 1.0f / (e1 * s2 + 1.0f);
        }
    }
    return 1.0f / (1.0f + exp_f32(-z));
}

/// tanh for float (Cephes' tanhf scheme): an odd polynomial for |x| < 0.625,
/// 1 - 2/(e^2|x| + 1) above; the sign is copied from x (so tanh(-0) = -0)
template <class V>
CTNN_MATH_INLINE constexpr V tanh_f32(V x) noexcept {
    const lane_u<V> bits = std::bit_cast<lane_u<V>>(x);
    const V a = clamp_abs(std::bit_cast<V>(bits & 0x7fffffffu), 0x41200000u);  // |x| <= 10: tanh(10) rounds to 1
    const V z = a * a;
    V p = V{} + -5.70498872745e-3f;
    p = p * z + 2.06390887954e-2f;
    p = p * z - 5.37397155531e-2f;
    p = p * z + 1.33314422036e-1f;
    p = p * z - 3.33332819422e-1f;
    const V small = p * z * a + a;
    const V big = 1.0f - 2.0f / (exp_f32_core<false>(2.0f * a) + 1.0f);  // 2|x| <= 20
    // a select on the bits: both sides are computed anyway, and written as a
    // float ternary GCC turns the sides into masked code with a longer chain
    const V t = select_bits<V>(lane_mask<V>(a < (V{} + 0.625f)), small, big);
    return std::bit_cast<V>(std::bit_cast<lane_u<V>>(t) | (bits & 0x80000000u) | nan_bits(x));
}

/// whether to use the portable implementations above: always in constant
/// evaluation, and at run time too when CTNN_PORTABLE_MATH is 1 (see config.hpp)
constexpr bool portable() noexcept { return CTNN_PORTABLE_MATH != 0 || std::is_constant_evaluated(); }

} // namespace detail

/// z > 0 ? z : +0 (a NaN or -0 gives +0) for a float or double, or a SIMD
/// vector of them: ReLU. At run time as the target's max instruction where it
/// has one (detail/arch.hpp), which is this select exactly.
template <class V>
CTNN_INLINE constexpr V positive_part(V z) noexcept {
    if constexpr (ctnn::detail::arch::has_relu<V>) {
        if (!std::is_constant_evaluated()) return ctnn::detail::arch::max0(z);
    }
    return z > V{} ? z : V{};
}

/// z > 0 ? d : +0 for a float or double, or SIMD vectors of them: ReLU's
/// backward step, dZ = dA ⊙ g'(Z) as a select (as PyTorch's threshold_backward).
/// Branch-free: vectors and (on x86) scalars through a compare mask and an
/// AND (detail/arch.hpp), so that the time does not depend on the data.
template <class V>
CTNN_INLINE constexpr V mask_positive(V z, V d) noexcept {
    if (!std::is_constant_evaluated()) {
        if constexpr (!std::is_arithmetic_v<V>) {
            using M = decltype(z > V{});
            return (V)((z > V{}) & (M)d);
        } else if constexpr (ctnn::detail::arch::has_relu<V>) {
            return ctnn::detail::arch::mask_positive(z, d);
        }
    }
    return z > V{} ? d : V{};
}

// Public entry points: constexpr; <cmath> at run time unless CTNN_PORTABLE_MATH.

/// e^x
constexpr double exp(double x) { return detail::portable() ? detail::exp(x) : std::exp(x); }
/// e^x (ctnn's own, vectorisable, the same bits at compile and run time)
CTNN_MATH_INLINE constexpr float exp(float x) { return detail::exp_f32(x); }
/// e^x - 1, accurate near 0
constexpr double expm1(double x) { return detail::portable() ? detail::expm1(x) : std::expm1(x); }
/// e^x - 1, accurate near 0
constexpr float expm1(float x) {
    return detail::portable() ? static_cast<float>(detail::expm1(x)) : std::expm1(x);
}
/// natural logarithm
constexpr double log(double x) { return detail::portable() ? detail::log(x) : std::log(x); }
/// natural logarithm
constexpr float log(float x) {
    return detail::portable() ? static_cast<float>(detail::log(x)) : std::log(x);
}
/// hyperbolic tangent
constexpr double tanh(double x) { return detail::portable() ? detail::tanh(x) : std::tanh(x); }
/// hyperbolic tangent (ctnn's own, vectorisable, the same bits at compile and run time)
CTNN_MATH_INLINE constexpr float tanh(float x) { return detail::tanh_f32(x); }
/// square root
constexpr double sqrt(double x) { return detail::portable() ? detail::sqrt(x) : std::sqrt(x); }
/// square root
constexpr float sqrt(float x) {
    return detail::portable() ? static_cast<float>(detail::sqrt(x)) : std::sqrt(x);
}

} // namespace ctnn::math
