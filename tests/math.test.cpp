// math.test.cpp — the constexpr exp/log/tanh/expm1/sqrt against <cmath>.
//
// Bounds measured over the ranges below (2e5 samples each, g++ 12 and clang++ 14
// on x86-64 with glibc 2.36), in units in the last place of the <cmath> result:
// exp <= 1 ulp, log <= 1 ulp, expm1 <= 2 ulp, tanh <= 3 ulp, sqrt 0 ulp (double);
// every float result within 1 ulp of the double <cmath> result rounded to float.
// The float exp and tanh used at run time are measured separately below.
// The test asserts these bounds.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>

#include <ctnn/init.hpp>
#include <ctnn/math.hpp>

namespace cm = ctnn::math;

namespace {
template <class T>
double ulps(T got, T want) {
    if (got == want) return 0;
    if (std::isnan(got) && std::isnan(want)) return 0;
    const T gap = std::nextafter(std::fabs(want), std::numeric_limits<T>::infinity()) - std::fabs(want);
    return double(std::fabs(got - want) / gap);
}

struct range_check {
    double lo, hi;
    bool exponential;  // sample e^U(lo,hi) instead of U(lo,hi)
};

template <class T, class Ours, class Ref>
double worst_ulps(Ours ours, Ref ref, range_check r, int n = 200000) {
    ctnn::init::xoshiro256ss g{12345};
    double worst = 0;
    for (int i = 0; i < n; ++i) {
        double x = r.lo + (r.hi - r.lo) * g.uniform01();
        if (r.exponential) x = std::exp(x);
        const T xt = T(x);
        worst = std::fmax(worst, ulps<T>(ours(xt), ref(xt)));
    }
    return worst;
}
} // namespace

TEST_CASE("constexpr math is usable in constant expressions", "[math]") {
    STATIC_REQUIRE(cm::exp(0.0) == 1.0);
    STATIC_REQUIRE(cm::log(1.0) == 0.0);
    STATIC_REQUIRE(cm::tanh(0.0) == 0.0);
    STATIC_REQUIRE(cm::sqrt(4.0) == 2.0);
    STATIC_REQUIRE(cm::exp(1.0) > 2.718281828459045 && cm::exp(1.0) < 2.718281828459046);
    STATIC_REQUIRE(cm::log(cm::exp(3.0)) > 2.999999999999999 && cm::log(cm::exp(3.0)) < 3.000000000000001);
    STATIC_REQUIRE(cm::exp(-1000.0) == 0.0);
    STATIC_REQUIRE(cm::exp(1000.0) == std::numeric_limits<double>::infinity());
    STATIC_REQUIRE(cm::log(0.0) == -std::numeric_limits<double>::infinity());
    STATIC_REQUIRE(cm::tanh(1e4) == 1.0 && cm::tanh(-1e4) == -1.0);
    STATIC_REQUIRE(cm::exp(1.0f) == static_cast<float>(2.718281828459045));  // e rounded to float
}

TEST_CASE("constant-evaluation paths agree with <cmath> (double)", "[math]") {
    namespace d = ctnn::math::detail;
    CHECK(worst_ulps<double>(d::exp, [](double x) { return std::exp(x); }, {-745, 709.7, false}) <= 1);
    CHECK(worst_ulps<double>(d::exp, [](double x) { return std::exp(x); }, {-1, 1, false}) <= 1);
    CHECK(worst_ulps<double>(d::log, [](double x) { return std::log(x); }, {-740, 709, true}) <= 1);
    CHECK(worst_ulps<double>(d::log, [](double x) { return std::log(x); }, {0.5, 2, false}) <= 1);
    CHECK(worst_ulps<double>(d::expm1, [](double x) { return std::expm1(x); }, {-40, 40, false}) <= 2);
    CHECK(worst_ulps<double>(d::expm1, [](double x) { return std::expm1(x); }, {-1e-3, 1e-3, false}) <= 2);
    CHECK(worst_ulps<double>(d::tanh, [](double x) { return std::tanh(x); }, {-25, 25, false}) <= 3);
    CHECK(worst_ulps<double>(d::tanh, [](double x) { return std::tanh(x); }, {-1e-3, 1e-3, false}) <= 3);
    CHECK(worst_ulps<double>(d::sqrt, [](double x) { return std::sqrt(x); }, {-700, 700, true}) <= 0);
    CHECK(d::log(std::numeric_limits<double>::denorm_min()) == std::log(std::numeric_limits<double>::denorm_min()));
    CHECK(std::isnan(d::log(-1.0)));
    CHECK(std::isnan(d::exp(std::numeric_limits<double>::quiet_NaN())));
    CHECK(d::exp(-745.0) == std::exp(-745.0));  // subnormal result
}

TEST_CASE("constant-evaluation paths agree with <cmath> (float)", "[math]") {
    // Reference: the double <cmath> result rounded once to float (glibc's own
    // tanhf is up to 2 ulp from that, so it is not used as the reference).
    namespace d = ctnn::math::detail;
    auto ours = [](auto fn) { return [fn](float x) { return float(fn(double(x))); }; };
    auto ref = [](double (*fn)(double)) { return [fn](float x) { return float(fn(double(x))); }; };
    CHECK(worst_ulps<float>(ours(d::exp), ref(std::exp), {-87, 88, false}) <= 1);
    CHECK(worst_ulps<float>(ours(d::log), ref(std::log), {-80, 80, true}) <= 1);
    CHECK(worst_ulps<float>(ours(d::tanh), ref(std::tanh), {-10, 10, false}) <= 1);
    CHECK(worst_ulps<float>(ours(d::expm1), ref(std::expm1), {-10, 10, false}) <= 1);
}

TEST_CASE("run-time double calls are exactly <cmath>", "[math]") {
    volatile double x = 0.731;
    REQUIRE(cm::exp(double(x)) == std::exp(double(x)));
    REQUIRE(cm::log(double(x)) == std::log(double(x)));
    REQUIRE(cm::tanh(double(x)) == std::tanh(double(x)));
}

namespace {
/// ulps between two floats, counted on the bit patterns (0 for two NaNs)
long float_ulps(float got, float want) {
    if (std::isnan(got) || std::isnan(want)) return std::isnan(got) && std::isnan(want) ? 0 : 1L << 40;
    const auto key = [](float v) {
        const auto b = std::bit_cast<std::int32_t>(v);
        return b < 0 ? -static_cast<long>(b & 0x7fffffff) : static_cast<long>(b);
    };
    return std::labs(key(got) - key(want));
}
/// the worst error of f over every 2039th float bit pattern (2.1 million
/// values, all exponents, both signs, NaNs and infinities included), against
/// the double <cmath> function rounded once to float
template <class F>
long worst_over_all_floats(F f, double (*ref)(double)) {
    long worst = 0;
    for (std::uint64_t bits = 0; bits <= 0xffffffffu; bits += 2039) {
        const float x = std::bit_cast<float>(static_cast<std::uint32_t>(bits));
        worst = std::max(worst, float_ulps(f(x), static_cast<float>(ref(double(x)))));
    }
    return worst;
}
} // namespace

// The float exp and tanh are ctnn's own at run time too (branch-free, so that
// activation loops vectorise). Measured: both within 1 ulp of the correctly
// rounded result over all floats (an exhaustive run over 2^32 inputs gave 1 ulp
// for both; this test samples 2.1 million of them).
TEST_CASE("float exp and tanh: within 1 ulp over the whole float range", "[math]") {
    CHECK(worst_over_all_floats([](float x) { return cm::exp(x); }, [](double x) { return std::exp(x); }) <= 1);
    CHECK(worst_over_all_floats([](float x) { return cm::tanh(x); }, [](double x) { return std::tanh(x); }) <= 1);
}

TEST_CASE("float exp and tanh: overflow, underflow and NaN in constant evaluation", "[math]") {
    STATIC_REQUIRE(cm::exp(100.0f) == std::numeric_limits<float>::infinity());
    STATIC_REQUIRE(cm::exp(88.72283172607422f) < std::numeric_limits<float>::infinity());  // largest finite
    STATIC_REQUIRE(cm::exp(88.72283935546875f) == std::numeric_limits<float>::infinity());
    STATIC_REQUIRE(cm::exp(-std::numeric_limits<float>::infinity()) == 0.0f);
    STATIC_REQUIRE(cm::exp(-200.0f) == 0.0f);
    STATIC_REQUIRE(cm::exp(-103.0f) > 0.0f);  // subnormal
    STATIC_REQUIRE(cm::tanh(1e30f) == 1.0f);
}

TEST_CASE("float exp and tanh: special values", "[math]") {
    const float inf = std::numeric_limits<float>::infinity();
    const float nan = std::numeric_limits<float>::quiet_NaN();
    CHECK(cm::exp(-inf) == 0.0f);
    CHECK(cm::exp(inf) == inf);
    CHECK(cm::exp(88.8f) == inf);
    CHECK(cm::exp(-104.0f) == 0.0f);
    CHECK(cm::exp(-103.0f) == std::exp(-103.0f));  // subnormal, rounded once
    CHECK(std::isnan(cm::exp(nan)));
    CHECK(cm::exp(0.0f) == 1.0f);
    CHECK(cm::tanh(inf) == 1.0f);
    CHECK(cm::tanh(-inf) == -1.0f);
    CHECK(std::isnan(cm::tanh(nan)));
    CHECK(std::signbit(cm::tanh(-0.0f)));
    CHECK(cm::tanh(1e-30f) == 1e-30f);
}

TEST_CASE("float exp and tanh give the same bits at compile time and at run time", "[math]") {
    constexpr int n = 64;
    constexpr auto table = [] {
        std::array<float, 2 * n> t{};
        for (int i = 0; i < n; ++i) {
            const float x = -30.0f + 0.9375f * static_cast<float>(i) + 1.0f / static_cast<float>(i + 3);
            t[2 * i] = cm::exp(x);
            t[2 * i + 1] = cm::tanh(x / 8);
        }
        return t;
    }();
    for (int i = 0; i < n; ++i) {
        volatile float x = -30.0f + 0.9375f * static_cast<float>(i) + 1.0f / static_cast<float>(i + 3);
        CHECK(std::bit_cast<std::uint32_t>(cm::exp(float(x))) == std::bit_cast<std::uint32_t>(table[2 * i]));
        CHECK(std::bit_cast<std::uint32_t>(cm::tanh(float(x) / 8)) == std::bit_cast<std::uint32_t>(table[2 * i + 1]));
    }
}

#if defined(__GNUC__) || defined(__clang__)
// exp_f32 on a SIMD vector (what the activations run on batches) takes its
// limits with float min, max and a select, where the scalar form works on
// the bits: every lane must still give the scalar's bits, at every 2039th
// float bit pattern (NaNs and infinities included; a NaN is any NaN).
TEST_CASE("float exp on SIMD vectors gives the scalar's bits over the whole float range", "[math]") {
    typedef float v4 __attribute__((vector_size(16)));
    long mismatches = 0;
    float first = 0;  // the first x that differs
    for (std::uint64_t bits = 0; bits <= 0xffffffffu; bits += 4 * 2039) {
        v4 x;
        for (int l = 0; l < 4; ++l) x[l] = std::bit_cast<float>(static_cast<std::uint32_t>(bits + l * 2039));
        const v4 y = cm::detail::exp_f32(x);
        for (int l = 0; l < 4; ++l) {
            const float want = cm::detail::exp_f32(float(x[l]));
            const bool same = std::isnan(want) ? std::isnan(y[l])
                                               : std::bit_cast<std::uint32_t>(float(y[l])) == std::bit_cast<std::uint32_t>(want);
            if (!same && mismatches++ == 0) first = x[l];
        }
    }
    INFO("first differing x = " << first << " (bits " << std::bit_cast<std::uint32_t>(first) << ")");
    CHECK(mismatches == 0);
    // the limits themselves
    const float inf = std::numeric_limits<float>::infinity();
    const v4 edges{88.72283172607422f, 88.72283935546875f, -104.0f, -103.0f};
    const v4 got = cm::detail::exp_f32(edges);
    CHECK(got[0] < inf);
    CHECK(got[1] == inf);
    CHECK(got[2] == 0.0f);
    CHECK(got[3] == cm::detail::exp_f32(-103.0f));
}
#endif

#if defined(__GNUC__) || defined(__clang__)
namespace {
/// the scalar sigmoid in float, 1 / (1 + exp_f32(-z)), at run time
float sigmoid_scalar(float z) {
    volatile float v = z;  // never folded
    return 1.0f / (1.0f + cm::detail::exp_f32(-float(v)));
}
/// a vector of N floats (GCC ignores vector_size on a dependent typedef)
template <int N> struct float_vec;
template <> struct float_vec<4> { typedef float type __attribute__((vector_size(16))); };
template <> struct float_vec<8> { typedef float type __attribute__((vector_size(32))); };
template <> struct float_vec<16> { typedef float type __attribute__((vector_size(64))); };
/// counts the lanes of sigmoid_f32 on vectors of N floats that differ from
/// the scalar's bits (a NaN must give a NaN), over the floats `next` yields
template <int N, class Next>
long sigmoid_vector_mismatches(float from, Next next, float& first) {
    using vec = typename float_vec<N>::type;
    long mismatches = 0;
    bool done = false;
    float z = from;
    while (!done) {
        vec v{};
        int lanes = 0;
        for (; lanes < N && !done; ++lanes) {
            v[lanes] = z;
            done = !next(z);
        }
        const vec y = cm::detail::sigmoid_f32(v);
        for (int l = 0; l < lanes; ++l) {
            const float want = sigmoid_scalar(v[l]);
            const bool same = std::isnan(want) ? std::isnan(y[l])
                                               : std::bit_cast<std::uint32_t>(float(y[l])) == std::bit_cast<std::uint32_t>(want);
            if (!same && mismatches++ == 0) first = v[l];
        }
    }
    return mismatches;
}
template <int N>
void check_sigmoid_vectors() {
    INFO(N << " lanes");
    float first = 0;
    // every float with |z| in [80, 110]: e^-z near overflow (z < 0, where the
    // vector form lets the last product overflow by itself), and near the
    // subnormals (z > 0)
    const auto up_to = [](float end) {
        return [end](float& z) {
            z = std::nextafter(z, 1e30f);
            return z <= end;
        };
    };
    long bad = sigmoid_vector_mismatches<N>(-110.0f, up_to(-80.0f), first);
    bad += sigmoid_vector_mismatches<N>(80.0f, up_to(110.0f), first);
    // every 2039th bit pattern over all floats (infinities and NaNs included)
    std::uint64_t bits = 0;
    bad += sigmoid_vector_mismatches<N>(0.0f, [&](float& z) {
        bits += 2039;
        z = std::bit_cast<float>(static_cast<std::uint32_t>(bits));
        return bits <= 0xffffffffu;
    }, first);
    INFO("first differing z = " << first << " (bits " << std::bit_cast<std::uint32_t>(first) << ")");
    CHECK(bad == 0);
    const float inf = std::numeric_limits<float>::infinity();
    using vec = typename float_vec<N>::type;
    vec e{};
    e[0] = -88.72283935546875f;  // e^-z just above FLT_MAX: 1/(1 + inf) = +0
    if constexpr (N > 1) e[1] = -inf;
    if constexpr (N > 2) e[2] = inf;
    if constexpr (N > 3) e[3] = std::numeric_limits<float>::quiet_NaN();
    const vec y = cm::detail::sigmoid_f32(e);
    CHECK(std::bit_cast<std::uint32_t>(float(y[0])) == 0u);
    if constexpr (N > 1) CHECK(std::bit_cast<std::uint32_t>(float(y[1])) == 0u);
    if constexpr (N > 2) CHECK(y[2] == 1.0f);
    if constexpr (N > 3) CHECK(std::isnan(y[3]));
}
} // namespace

// The sigmoid's pass over a batch runs on vectors with a chain of its own
// (math.hpp, sigmoid_f32: two fused steps, one limit, natural overflow): every
// lane must give the bits of the scalar 1 / (1 + exp_f32(-z)). On this build's
// vectors (4 floats on SSE2; 8 and 16 in native.test, on AVX-512) that is
// maxps/minps or vrangeps. With the upper limit at 88 or the fused steps in another order, it fails.
TEST_CASE("sigmoid on SIMD vectors gives the scalar's bits, overflow and NaN included", "[math]") {
    check_sigmoid_vectors<4>();
#if defined(__AVX__)  // only the widths this build has registers for (no vector ABI of another target)
    check_sigmoid_vectors<8>();
#endif
#if defined(__AVX512F__)
    check_sigmoid_vectors<16>();
#endif
}
#endif
