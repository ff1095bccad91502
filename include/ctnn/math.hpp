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

/// whether to use the portable implementations above: always in constant
/// evaluation, and at run time too when CTNN_PORTABLE_MATH is 1 (see config.hpp)
constexpr bool portable() noexcept { return CTNN_PORTABLE_MATH != 0 || std::is_constant_evaluated(); }

} // namespace detail

// Public entry points: constexpr; <cmath> at run time unless CTNN_PORTABLE_MATH.

/// e^x
constexpr double exp(double x) { return detail::portable() ? detail::exp(x) : std::exp(x); }
/// e^x
constexpr float exp(float x) {
    return detail::portable() ? static_cast<float>(detail::exp(x)) : std::exp(x);
}
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
/// hyperbolic tangent
constexpr float tanh(float x) {
    return detail::portable() ? static_cast<float>(detail::tanh(x)) : std::tanh(x);
}
/// square root
constexpr double sqrt(double x) { return detail::portable() ? detail::sqrt(x) : std::sqrt(x); }
/// square root
constexpr float sqrt(float x) {
    return detail::portable() ? static_cast<float>(detail::sqrt(x)) : std::sqrt(x);
}

} // namespace ctnn::math
