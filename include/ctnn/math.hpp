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

#if defined(__SSE2__)
#include <emmintrin.h>  // exp_f32_short: scalar min, max and masks without branches
#endif

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

/// 2^(j/32) for j = 0..31 as {hi, rel}, 2^(j/32) = hi·(1 + rel) (hi rounded
/// to float, rel the relative rest); generated by tools/make_exp_table.py
inline constexpr float exp2_32nds[32][2] = {
    {0x1p+0f, 0x0p+0f}, {0x1.059b0ep+0f, -0x1.947414p-25f}, {0x1.0b5586p+0f, 0x1.8d96d4p-25f},
    {0x1.11301ep+0f, -0x1.dda2fcp-25f}, {0x1.172b84p+0f, -0x1.9c0c22p-27f}, {0x1.1d4874p+0f, -0x1.a2fbb2p-25f},
    {0x1.2387a6p+0f, 0x1.964904p-25f}, {0x1.29e9ep+0f, -0x1.2b0dbcp-25f}, {0x1.306fep+0f, 0x1.125002p-25f},
    {0x1.371a74p+0f, -0x1.cde8cep-26f}, {0x1.3dea64p+0f, 0x1.370be4p-25f}, {0x1.44e086p+0f, 0x1.336de2p-30f},
    {0x1.4bfdaep+0f, -0x1.0a355p-25f}, {0x1.5342b6p+0f, -0x1.c541b4p-26f}, {0x1.5ab07ep+0f, -0x1.00d8acp-27f},
    {0x1.6247ecp+0f, -0x1.6cb284p-25f}, {0x1.6a09e6p+0f, 0x1.26055cp-26f}, {0x1.71f75ep+0f, 0x1.8b2bb8p-26f},
    {0x1.7a1148p+0f, -0x1.05cb44p-25f}, {0x1.82589ap+0f, -0x1.1c2142p-26f}, {0x1.8ace54p+0f, 0x1.67a1cap-28f},
    {0x1.93737cp+0f, -0x1.348e56p-25f}, {0x1.9c4918p+0f, 0x1.a3b5e4p-28f}, {0x1.a5503cp+0f, -0x1.0b7ec8p-25f},
    {0x1.ae89fap+0f, -0x1.f9c304p-27f}, {0x1.b7f77p+0f, -0x1.e4c886p-26f}, {0x1.c199bep+0f, -0x1.6961b4p-28f},
    {0x1.cb720ep+0f, -0x1.b5151ep-28f}, {0x1.d5818ep+0f, -0x1.a5217cp-28f}, {0x1.dfc974p+0f, -0x1.ab7132p-26f},
    {0x1.ea4afap+0f, 0x1.61428ep-28f}, {0x1.f50766p+0f, -0x1.2ad5f8p-27f},
};

/// e^x for |x| <= 104, table-driven for a short dependency chain (about half
/// the latency of exp_f32_core, as one scalar): n = round(32x/ln2), r = x -
/// n·ln2/32 in two parts (|r| <= ln2/64), 2^(n/32) = 2^floor(n/32)·hi·(1 + rel)
/// with {hi, rel} = exp2_32nds[n mod 32], and
/// e^x = 2^floor(n/32) · (hi + hi·q), q = (r + rel) + r²(1/2 + r/6) (the table's
/// correction rides on the polynomial's first term: no step of its own).
/// 2^floor(n/32) comes in two factors (it is not a float at both ends of the
/// range): the first scales hi, exactly and off the chain; the second,
/// returned as `scale`, rounds once at the end: e^x = y · scale.
/// A loop over it vectorises only with gathers, hence its use for short runs.
struct exp_parts {
    float y, scale;
};
/// e^x = (h + h·q)·2^e2: exp_f32_short_core without its last step, h =
/// hi·2^e1 (exact), e1 = floor(floor(n/32)/2) and e2 = floor(n/32) - e1
struct exp_split {
    float h, q;
    std::int32_t e2;
};
CTNN_MATH_INLINE constexpr exp_split exp_f32_short_split(float x) noexcept {
    constexpr float shifter = 0x1.8p23f;
    const float t = x * 46.1662413084468283841f + shifter;  // 32/ln2
    const float n = t - shifter;
    const float r = (x - n * 0x1.63p-6f) - n * -0x1.bd0106p-18f;  // ln2/32 = 0x1.63p-6 (9 bits) + the rest
    const std::int32_t k = static_cast<std::int32_t>(std::bit_cast<std::uint32_t>(t) - 0x4b400000u);
    const float* entry = exp2_32nds[k & 31];
    const float q = (0.5f + r * 0.166666672f) * (r * r) + (r + entry[1]);
    const std::int32_t e = k >> 5;  // floor(k/32): an arithmetic shift since C++20
    const std::int32_t e1 = e >> 1;
    return {entry[0] * pow2f(e1), q, e - e1};
}
CTNN_MATH_INLINE constexpr exp_parts exp_f32_short_core(float x) noexcept {
    const exp_split s = exp_f32_short_split(x);
    return {s.h * s.q + s.h, pow2f(s.e2)};
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

/// 1 / (1 + e^-z) on a SIMD vector of floats: the sigmoid's pass over a
/// batch. The bits of 1 / (1 + exp_f32(-z)), lane for lane; at run time on x86
/// on a shorter chain (no selects, 3 steps fewer), because two of its steps are fused
/// multiply-adds that round exactly as the separate steps did (2^j scales
/// exactly, for normal results):
/// - (1 + q)·s1 becomes q·s1 + s1 (e^x = (1 + q)·s1·s2, exp_f32_core), and
/// - 1 + e·s2 becomes one step from e = (1 + q)·s1: rounding the product first
///   changes nothing, since it is exact or (below the normal range) far under
///   half an ulp of 1, or overflows to inf either way.
/// The only limit on the chain is |x| <= 104 (vrangeps, or maxps then minps),
/// as in exp_f32_short: above ln FLT_MAX the last product overflows to inf
/// by itself (math.test checks every float from there to 104), and a NaN,
/// which the limit turns into a number, is ORed into s2 off the chain. The
/// compilers fuse the two steps by themselves (GCC's default
/// -ffp-contract=fast, Clang's per-expression contraction); with contraction
/// off they are separate steps of the same bits. Seed network, batch 32,
/// side by side (compare.sh, g++ -O3 -march=native, AVX-512): forward pass
/// 34.3 -> 27.1 ns, training step 84.4 -> 76.2 ns (clang++: 30.9 -> 28.1 and
/// 79.1 -> 76.5); with -march=x86-64-v3 (AVX2) 61.9 -> 53.7 and 104.2 -> 100.6.
template <class V>
CTNN_MATH_INLINE constexpr V sigmoid_f32(V z) noexcept {
#if defined(__SSE2__) && (defined(__GNUC__) || defined(__clang__))
    if (!std::is_constant_evaluated()) {
#if defined(__AVX512DQ__) && defined(__AVX512VL__)
        constexpr bool range = sizeof(V) == 16 || sizeof(V) == 32 || sizeof(V) == 64;
#elif defined(__AVX512DQ__)
        constexpr bool range = sizeof(V) == 64;
#else
        constexpr bool range = false;
#endif
#if defined(__AVX__)
        constexpr bool minmax = sizeof(V) == 16 || sizeof(V) == 32;
#else
        constexpr bool minmax = sizeof(V) == 16;
#endif
        if constexpr (range || minmax) {
            const V x = -z;
            V xc;
            if constexpr (range) {
                asm("vrangeps $2, %2, %1, %0" : "=v"(xc) : "v"(x), "vm"(V{} + 104.0f));  // |x| <= 104, x's sign
            } else if constexpr (sizeof(V) == 16) {
                xc = (V)__builtin_ia32_minps(__builtin_ia32_maxps((__v4sf)x, (__v4sf)(V{} - 104.0f)),
                                             (__v4sf)(V{} + 104.0f));
            } else {
#if defined(__AVX__)
                typedef float v8sf __attribute__((vector_size(32)));
                xc = (V)__builtin_ia32_minps256(__builtin_ia32_maxps256((v8sf)x, (v8sf)(V{} - 104.0f)),
                                                (v8sf)(V{} + 104.0f));
#endif
            }
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
#endif
    return 1.0f / (1.0f + exp_f32(-z));
}

#if defined(__SSE2__)
/// x limited to |x| <= 104 at run time on x86, the one limit the short exp
/// and sigmoid apply on their chains, and, off the chain, the bits of x where
/// x is a NaN (else 0): ORed into a power of two by which the result is
/// scaled or divided, they make the result that NaN, quieted. The limit is
/// vrangess with AVX-512DQ (the smaller magnitude of x and 104, with the
/// sign of x; 2 cycles; a NaN gives ±104), else maxss then minss with x
/// first (a NaN gives -104). (The asm keeps GCC from zeroing the vector's
/// upper lanes first, one more step on the chain.)
struct limited {
    float x;
    std::uint32_t x_nan;
};
CTNN_MATH_INLINE inline limited limit_104(float x) noexcept {
    float xc;
#if defined(__AVX512DQ__) && (defined(__GNUC__) || defined(__clang__))
    asm("vrangess $2, %2, %1, %0" : "=v"(xc) : "v"(x), "vm"(104.0f));
#else
    xc = _mm_cvtss_f32(_mm_min_ss(_mm_max_ss(_mm_set_ss(x), _mm_set_ss(-104.0f)), _mm_set_ss(104.0f)));
#endif
    return {xc, x != x ? std::bit_cast<std::uint32_t>(x) : 0u};
}
#endif
/// the power of two p with a NaN's bits (limited::x_nan) ORed in
CTNN_MATH_INLINE constexpr float with_nan(float p, std::uint32_t x_nan) noexcept {
    return std::bit_cast<float>(std::bit_cast<std::uint32_t>(p) | x_nan);
}

/// e^x for float, table-driven: the shorter chain for a few scalars. The
/// library itself calls only its pieces (exp_f32_short_split, limit_104 and
/// with_nan, in sigmoid_f32_short); math.test checks this whole form to 1 ulp.
///
/// At run time on x86 its only limit is |x| <= 104 (limit_104; a NaN is put
/// back into the scale, off the chain). Nothing else is selected: e^-104 rounds to 0, and
/// above ln FLT_MAX (x > exp_last_finite) the final product y·scale
/// overflows to inf by itself (a test checks every float from there to
/// 104 at run time). The constant-evaluation path below keeps the clamp to
/// [-104, exp_last_finite] and selects inf or the NaN afterwards, since a float
/// overflow there is an error, not inf; both paths give the same bits.
/// Against that form at run time, seed network, side by side (compare.sh):
/// with vrangess (g++ -O3 -march=native, AVX-512) predict 6.86 -> 6.49 ns, the
/// batch-1 training step 37.8 -> 36.2 ns (clang++: 7.72 -> 7.11, 42.0 -> 41.0);
/// with maxss/minss (-march=x86-64-v3) predict 8.0 -> 7.7 ns and the value
/// forms' batch-1 step 37.0 -> 36.0 ns, but the in-place one 38.3 -> 39.0 ns.
CTNN_MATH_INLINE constexpr float exp_f32_short(float x) noexcept {
    constexpr float infinity = std::numeric_limits<float>::infinity();
#if defined(__SSE2__)
    if (!std::is_constant_evaluated()) {
        const limited l = limit_104(x);
        const exp_parts p = exp_f32_short_core(l.x);
        return p.y * with_nan(p.scale, l.x_nan);  // y·x is x quieted, as x + inf gives it below
    }
#endif
    const float above = x > -104.0f ? x : -104.0f;               // max: a NaN gives -104
    const float xc = above < exp_last_finite ? above : exp_last_finite;  // min
    const exp_parts p = exp_f32_short_core(xc);
    // x + inf: inf above the range, the NaN itself for a NaN (p.y > 0 either way)
    return p.y * (x <= exp_last_finite ? p.scale : x + infinity);
}

/// 1 / (1 + e^-z) for float, for a few scalars (the sigmoid of fewer than
/// short_run elements, activations.hpp): from e^x = (h + h·q)·2^e2 (x = -z,
/// exp_f32_short_split), 1 + e^x = 2^e2·(h·q + (h + c)) with the power of two
/// c = 2^-e2, so the sigmoid is c / (h·q + (h + c)). After q that is one
/// multiply-add and the division, where 1 / (1 + exp_f32_short(x)) has two
/// multiply-adds and the division; h + c is computed while q is. The price:
/// for z > 0, h + c rounds at the scale of c, the larger term, where
/// h + h·q rounded at the scale of e^x, so 1- and 2-ulp errors are more
/// frequent (worst 2 ulp either way; counts in tests/tools/float_math_exhaustive.cpp). With |x| <= 104, h, c and every
/// sum are normal floats, and results below the normal range are rounded
/// once, by the division: for z down to -104, where 1 / (1 + e^x) is 0 from
/// z = -88.7 on (e^x overflows). A NaN's bits are ORed into c (a power of
/// two), so the result is that NaN, quieted. Seed network, side by side
/// (benchmark binaries, g++ -O3 -march=native): predict 7.39 -> 7.06 ns, the
/// batch-1 training step 31.3 -> 30.5 ns in place, 30.1 -> 29.4 ns in the value forms.
CTNN_MATH_INLINE constexpr float sigmoid_f32_short(float z) noexcept {
    const float x = -z;
    float xc = x;
    std::uint32_t x_nan = 0;
#if defined(__SSE2__)
    if (!std::is_constant_evaluated()) {
        const limited l = limit_104(x);
        xc = l.x;
        x_nan = l.x_nan;
    } else
#endif
    {
        if (x != x) return x + 1.0f;  // the NaN, quieted, as at run time
        xc = x < -104.0f ? -104.0f : (x > 104.0f ? 104.0f : x);
    }
    const exp_split s = exp_f32_short_split(xc);
    const float c = with_nan(pow2f(-s.e2), x_nan);
    return c / (s.h * s.q + (s.h + c));
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

#if defined(__SSE2__) && defined(__GNUC__) && !defined(__clang__)
/// Scalar max(z, +0) and (0 < z ? d : +0) as the x86 instructions themselves.
/// GCC widens a scalar to a vector for an SSE intrinsic by zeroing the other
/// lanes (a vinsertps or movss per value, on the critical path; written out,
/// single-sample predict of the seed network took 6.9 ns instead of 8.0);
/// these instructions never use the other lanes. (Clang emits them alone.)
template <class T>
CTNN_INLINE inline T max0_sse(T z) noexcept {
    T r;
#if defined(__AVX__)
    if constexpr (sizeof(T) == 4) {
        __asm__("vmaxss %2, %1, %0" : "=x"(r) : "x"(z), "x"(T(0)));
    } else {
        __asm__("vmaxsd %2, %1, %0" : "=x"(r) : "x"(z), "x"(T(0)));
    }
#else
    r = z;
    if constexpr (sizeof(T) == 4) {
        __asm__("maxss %1, %0" : "+x"(r) : "x"(T(0)));
    } else {
        __asm__("maxsd %1, %0" : "+x"(r) : "x"(T(0)));
    }
#endif
    return r;
}
template <class T>
CTNN_INLINE inline T mask_positive_sse(T z, T d) noexcept {
    T r;
#if defined(__AVX__)
    if constexpr (sizeof(T) == 4) {
        __asm__("vcmpltss %2, %3, %0\n\tvandps %1, %0, %0" : "=&x"(r) : "x"(d), "x"(z), "x"(T(0)));
    } else {
        __asm__("vcmpltsd %2, %3, %0\n\tvandpd %1, %0, %0" : "=&x"(r) : "x"(d), "x"(z), "x"(T(0)));
    }
#else
    if constexpr (sizeof(T) == 4) {
        __asm__("xorps %0, %0\n\tcmpltss %2, %0\n\tandps %1, %0" : "=&x"(r) : "x"(d), "x"(z));
    } else {
        __asm__("xorpd %0, %0\n\tcmpltsd %2, %0\n\tandpd %1, %0" : "=&x"(r) : "x"(d), "x"(z));
    }
#endif
    return r;
}
#endif
} // namespace detail

/// z > 0 ? z : +0 (a NaN or -0 gives +0) for a float or double, or a SIMD
/// vector of them: ReLU. On x86 this select is exactly what maxps/maxpd do
/// (they return the second operand when either is NaN or both are zero), so
/// vectors get the one instruction; the compilers would emit a compare and a
/// blend, and GCC on AVX-512 then keeps the compare's mask alive for the
/// backward pass's g'(z) > 0 and spills it.
template <class V>
CTNN_INLINE constexpr V positive_part(V z) noexcept {
#if defined(__SSE2__) && (defined(__GNUC__) || defined(__clang__))
    if (!std::is_constant_evaluated()) {
        if constexpr (!std::is_arithmetic_v<V>) {
            using E = std::remove_cvref_t<decltype(z[0])>;
            if constexpr (std::is_same_v<E, float> && sizeof(V) == 16) {
                return (V)_mm_max_ps((__m128)z, __m128{});
            } else if constexpr (std::is_same_v<E, double> && sizeof(V) == 16) {
                return (V)_mm_max_pd((__m128d)z, __m128d{});
#if defined(__AVX__)
            } else if constexpr (std::is_same_v<E, float> && sizeof(V) == 32) {
                typedef float v8sf __attribute__((vector_size(32)));
                return (V)__builtin_ia32_maxps256((v8sf)z, v8sf{});
            } else if constexpr (std::is_same_v<E, double> && sizeof(V) == 32) {
                typedef double v4df __attribute__((vector_size(32)));
                return (V)__builtin_ia32_maxpd256((v4df)z, v4df{});
#endif
            }
#if defined(__clang__)
        } else if constexpr (std::is_same_v<V, float>) {
            return _mm_cvtss_f32(_mm_max_ss(_mm_set_ss(z), _mm_setzero_ps()));
        } else if constexpr (std::is_same_v<V, double>) {
            return _mm_cvtsd_f64(_mm_max_sd(_mm_set_sd(z), _mm_setzero_pd()));
#else
        } else if constexpr (std::is_same_v<V, float> || std::is_same_v<V, double>) {
            return detail::max0_sse(z);
#endif
        }
    }
#endif
    return z > V{} ? z : V{};
}

/// z > 0 ? d : +0 for a float or double, or SIMD vectors of them: ReLU's
/// backward step, dZ = dA ⊙ g'(Z) as a select (as PyTorch's threshold_backward).
/// Branch-free everywhere: vectors and (on x86) scalars through a compare mask
/// and an AND; GCC turns a scalar select, and even a multiplication by a
/// selected 0 or 1, into jumps, whose timing would depend on the data.
template <class V>
CTNN_INLINE constexpr V mask_positive(V z, V d) noexcept {
    if (!std::is_constant_evaluated()) {
        if constexpr (!std::is_arithmetic_v<V>) {
            using M = decltype(z > V{});
            return (V)((z > V{}) & (M)d);
#if defined(__SSE2__) && defined(__clang__)
        } else if constexpr (std::is_same_v<V, float>) {
            return _mm_cvtss_f32(_mm_and_ps(_mm_cmplt_ss(_mm_setzero_ps(), _mm_set_ss(z)), _mm_set_ss(d)));
        } else if constexpr (std::is_same_v<V, double>) {
            return _mm_cvtsd_f64(_mm_and_pd(_mm_cmplt_sd(_mm_setzero_pd(), _mm_set_sd(z)), _mm_set_sd(d)));
#elif defined(__SSE2__) && defined(__GNUC__)
        } else if constexpr (std::is_same_v<V, float> || std::is_same_v<V, double>) {
            return detail::mask_positive_sse(z, d);
#endif
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
