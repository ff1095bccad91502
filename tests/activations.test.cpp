// activations.test.cpp — every activation's derivative against central finite
// differences, and the numerical stability of sigmoid and softmax.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>

#include <ctnn/activations.hpp>

#include "support.hpp"

namespace act = ctnn::act;
using ctnn::matrix;

namespace {
template <class Act>
void check_elementwise_derivative() {
    const double h = 1e-6;
    for (double z = -4.05; z < 4.0; z += 0.1) {  // the grid avoids the kink at 0
        const double fd = (Act::value(z + h) - Act::value(z - h)) / (2 * h);
        INFO(Act::name << " at z = " << z);
        REQUIRE(ctnn_test::close(Act::derivative(z), fd, 1e-8));
    }
    // backward(Z, A, dA) = dA ⊙ g'(Z), whichever of Z and A it uses
    ctnn_test::test_rng rng{3};
    auto Z = rng.matrix<double, 3, 4>(-3, 3);
    auto dA = rng.matrix<double, 3, 4>();
    const auto dZ = Act::backward(Z, Act::apply(Z), dA);
    for (std::size_t i = 0; i < Z.size; ++i) REQUIRE(ctnn_test::close(dZ.elems[i], dA.elems[i] * Act::derivative(Z.elems[i]), 1e-12));
}
} // namespace

TEST_CASE("element-wise activations: derivative against finite differences", "[activations]") {
    check_elementwise_derivative<act::identity>();
    check_elementwise_derivative<act::relu>();
    check_elementwise_derivative<act::leaky_relu>();
    check_elementwise_derivative<act::sigmoid>();
    check_elementwise_derivative<act::tanh>();
    check_elementwise_derivative<act::basic_leaky_relu<1, 5>>();
}

TEST_CASE("activation values", "[activations]") {
    STATIC_REQUIRE(act::relu::value(-2.0) == 0.0);
    STATIC_REQUIRE(act::relu::value(2.0) == 2.0);
    STATIC_REQUIRE(act::leaky_relu::value(-2.0) == -0.02);
    STATIC_REQUIRE(act::sigmoid::value(0.0) == 0.5);
    STATIC_REQUIRE(act::tanh::value(0.0) == 0.0);
    REQUIRE(act::sigmoid::value(1.5) == Approx(1.0 / (1.0 + std::exp(-1.5))).epsilon(1e-15));
    REQUIRE(act::tanh::value(0.3) == std::tanh(0.3));
    // PyTorch's conventions at the kink
    REQUIRE(act::relu::derivative(0.0) == 0.0);
    REQUIRE(act::leaky_relu::derivative(0.0) == 0.01);
}

TEST_CASE("softmax: columns sum to 1 and backward is the Jacobian-vector product", "[activations]") {
    ctnn_test::test_rng rng{11};
    const auto Z = rng.matrix<double, 4, 3>(-5, 5);
    const auto dA = rng.matrix<double, 4, 3>();
    const auto A = act::softmax::apply(Z);
    for (std::size_t j = 0; j < 3; ++j) {
        double s = 0;
        for (std::size_t i = 0; i < 4; ++i) s += A(i, j);
        REQUIRE(s == Approx(1.0).epsilon(1e-15));
    }
    // f(Z) = Σ dA ⊙ softmax(Z); ∂f/∂Z must equal backward(Z, A, dA)
    const auto dZ = act::softmax::backward(Z, A, dA);
    const double h = 1e-6;
    for (std::size_t k = 0; k < Z.size; ++k) {
        auto zp = Z, zm = Z;
        zp.elems[k] += h;
        zm.elems[k] -= h;
        const auto ap = act::softmax::apply(zp), am = act::softmax::apply(zm);
        double fp = 0, fm = 0;
        for (std::size_t i = 0; i < Z.size; ++i) {
            fp += dA.elems[i] * ap.elems[i];
            fm += dA.elems[i] * am.elems[i];
        }
        REQUIRE(ctnn_test::close(dZ.elems[k], (fp - fm) / (2 * h), 1e-8));
    }
}

TEMPLATE_TEST_CASE("sigmoid and softmax are finite for |z| up to 1e4", "[activations]", float, double) {
    using T = TestType;
    const matrix<T, 3, 2> Z{{T(1e4), T(-1e4), T(0), T(-1e4), T(-1e4), T(1e4)}};
    const auto s = act::sigmoid::apply(Z);
    for (T v : s.elems) REQUIRE(std::isfinite(v));
    REQUIRE(s(0, 0) == T(1));
    REQUIRE(s(0, 1) == T(0));
    REQUIRE(s(1, 0) == T(0.5));
    const auto p = act::softmax::apply(Z);
    for (T v : p.elems) REQUIRE(std::isfinite(v));
    REQUIRE(p(0, 0) == T(1));
    REQUIRE(p(2, 1) == T(1));
    REQUIRE(p(1, 0) == T(0));
    // and their backward passes stay finite there too
    const auto one = matrix<T, 3, 2>{{1, 1, 1, 1, 1, 1}};
    for (T v : act::sigmoid::backward(Z, s, one).elems) REQUIRE(std::isfinite(v));
    for (T v : act::softmax::backward(Z, p, one).elems) REQUIRE(std::isfinite(v));
    // and in constant evaluation
    STATIC_REQUIRE(act::sigmoid::value(T(1e4)) == T(1));
    STATIC_REQUIRE(act::sigmoid::value(T(-1e4)) == T(0));
}

namespace {
/// Act::apply over an R x C matrix of inputs spread over [-12, 12] plus the
/// special values, at run time (SIMD vectors and their scalar tail, the table
/// exp for fewer than 8 elements) and in constant evaluation (scalars): the
/// same bits, element for element
template <class Act, class T, std::size_t R, std::size_t C>
void check_run_time_bits() {
    constexpr auto inputs = [] {
        matrix<T, R, C> z{};
        for (std::size_t i = 0; i < R * C; ++i)
            z.elems[i] = T(-12) + T(24) * T(i) / T(R * C) + T(1) / T(i + 3);
        if constexpr (R * C > 4) {
            z.elems[0] = T(0);
            z.elems[1] = -T(0);
            z.elems[2] = T(100);
            z.elems[3] = T(-100);
        }
        return z;
    }();
    constexpr auto expected = Act::apply(inputs);
    matrix<T, R, C> z{};
    for (std::size_t i = 0; i < R * C; ++i) {
        volatile T v = inputs.elems[i];  // not constant-folded
        z.elems[i] = v;
    }
    const auto got = Act::apply(z);
    for (std::size_t i = 0; i < R * C; ++i) {
        INFO(Act::name << " " << R << "x" << C << " element " << i << " z = " << inputs.elems[i]);
        CHECK(std::memcmp(&got.elems[i], &expected.elems[i], sizeof(T)) == 0);
    }
}
template <class Act>
void check_run_time_bits_all_shapes() {
    check_run_time_bits<Act, float, 1, 1>();    // one scalar (predict of one output)
    check_run_time_bits<Act, float, 1, 7>();    // the short-run limit
    check_run_time_bits<Act, float, 4, 4>();    // 16: vectors of every width
    check_run_time_bits<Act, float, 3, 13>();   // a scalar tail
    check_run_time_bits<Act, float, 16, 32>();  // 512: the wide registers where there are any
    check_run_time_bits<Act, float, 7, 19>();   // 133: wide, narrow and scalar parts
    // double: exp and tanh are <cmath>'s at run time (math.hpp), so only the
    // activations without them promise the same bits
    if constexpr (std::is_same_v<Act, act::relu> || std::is_same_v<Act, act::leaky_relu>)
        check_run_time_bits<Act, double, 5, 11>();
}
} // namespace

TEST_CASE("activations give the same bits at run time as in constant evaluation, at every size", "[activations]") {
    check_run_time_bits_all_shapes<act::sigmoid>();
    check_run_time_bits_all_shapes<act::tanh>();
    check_run_time_bits_all_shapes<act::relu>();
    check_run_time_bits_all_shapes<act::leaky_relu>();
    check_run_time_bits_all_shapes<act::softmax>();
}

namespace {
/// relu::backward at run time (scalars, vectors, tails) against constant
/// evaluation, bit for bit: dA where z > 0 and +0 elsewhere, also for z = ±0,
/// NaN z, and a negative, -0 or infinite dA
template <class T, std::size_t R, std::size_t C>
void check_relu_backward_bits() {
    constexpr auto zs = [] {
        matrix<T, R, C> z{};
        for (std::size_t i = 0; i < R * C; ++i) z.elems[i] = T(i % 3 == 0 ? -1 : 1) * T(i + 1) / T(4);
        z.elems[0] = T(0);
        if constexpr (R * C > 2) z.elems[1] = -T(0);
        if constexpr (R * C > 3) z.elems[2] = std::numeric_limits<T>::quiet_NaN();
        return z;
    }();
    constexpr auto das = [] {
        matrix<T, R, C> d{};
        for (std::size_t i = 0; i < R * C; ++i) d.elems[i] = T(i % 2 == 0 ? -1 : 1) * T(i + 2) / T(8);
        if constexpr (R * C > 4) d.elems[4] = -T(0);
        if constexpr (R * C > 5) d.elems[5] = std::numeric_limits<T>::infinity();
        return d;
    }();
    constexpr auto expected = act::relu::backward(zs, zs, das);
    matrix<T, R, C> z{}, d{};
    for (std::size_t i = 0; i < R * C; ++i) {
        volatile T zv = zs.elems[i], dv = das.elems[i];  // not constant-folded
        z.elems[i] = zv;
        d.elems[i] = dv;
    }
    const auto got = act::relu::backward(z, z, d);
    for (std::size_t i = 0; i < R * C; ++i) {
        INFO("relu backward " << R << "x" << C << " element " << i << " z = " << zs.elems[i] << " dA = " << das.elems[i]);
        CHECK(std::memcmp(&got.elems[i], &expected.elems[i], sizeof(T)) == 0);
        const bool pass = zs.elems[i] > T(0);
        CHECK(std::memcmp(&got.elems[i], pass ? &das.elems[i] : &zs.elems[0], sizeof(T)) == 0);  // dA or +0
    }
}
} // namespace

TEST_CASE("relu's backward step selects dA where z > 0, else +0, with the same bits at run time", "[activations]") {
    check_relu_backward_bits<float, 1, 1>();
    check_relu_backward_bits<float, 1, 3>();
    check_relu_backward_bits<float, 4, 4>();
    check_relu_backward_bits<float, 3, 13>();
    check_relu_backward_bits<double, 1, 3>();
    check_relu_backward_bits<double, 5, 11>();
}
