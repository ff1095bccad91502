// losses.test.cpp — loss values (by hand), their safety at A = 0 and 1, and every
// output delta against central finite differences of the summed per-sample loss.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include <ctnn/losses.hpp>

#include "support.hpp"

namespace act = ctnn::act;
namespace loss = ctnn::loss;
using ctnn::matrix;

namespace {
constexpr std::size_t R = 3, M = 4;

/// m · loss.value(g(Z), Y) is the sum of the per-sample losses; its gradient
/// with respect to Z must be Loss::output_delta (the per-sample dZ[L]).
template <class Loss, class Act, bool SoftLabels = false>
void check_output_delta(std::uint64_t seed) {
    ctnn_test::test_rng rng{seed};
    const auto Z = rng.matrix<double, R, M>(-3, 3);
    matrix<double, R, M> Y{};
    if constexpr (SoftLabels) {
        Y = rng.matrix<double, R, M>(0, 1);  // columns need not sum to 1
    } else if constexpr (std::is_same_v<Act, act::softmax>) {
        Y = rng.one_hot<double, R, M>();
    } else if constexpr (std::is_same_v<Act, act::sigmoid>) {
        Y = rng.binary<double, R, M>();
    } else {
        Y = rng.matrix<double, R, M>();
    }
    const auto dZ = Loss::template output_delta<Act>(Z, Act::apply(Z), Y);
    const double h = 1e-6;
    for (std::size_t k = 0; k < Z.size; ++k) {
        auto zp = Z, zm = Z;
        zp.elems[k] += h;
        zm.elems[k] -= h;
        const double fd = double(M) * (Loss{}.value(Act::apply(zp), Y) - Loss{}.value(Act::apply(zm), Y)) / (2 * h);
        INFO(Loss::name << " with " << Act::name << ", element " << k);
        REQUIRE(ctnn_test::close(dZ.elems[k], fd, 1e-7));
    }
}

/// output_gradient is ∂(per-sample loss)/∂A
template <class Loss>
void check_output_gradient(const matrix<double, R, M>& A, const matrix<double, R, M>& Y) {
    const auto dA = Loss::output_gradient(A, Y);
    const double h = 1e-7;
    for (std::size_t k = 0; k < A.size; ++k) {
        auto ap = A, am = A;
        ap.elems[k] += h;
        am.elems[k] -= h;
        const double fd = double(M) * (Loss{}.value(ap, Y) - Loss{}.value(am, Y)) / (2 * h);
        REQUIRE(ctnn_test::close(dA.elems[k], fd, 1e-6));
    }
}
} // namespace

TEST_CASE("output deltas against finite differences", "[losses]") {
    check_output_delta<loss::mse, act::identity>(1);
    check_output_delta<loss::mse, act::relu>(2);
    check_output_delta<loss::mse, act::leaky_relu>(3);
    check_output_delta<loss::mse, act::sigmoid>(4);
    check_output_delta<loss::mse, act::tanh>(5);
    check_output_delta<loss::mse, act::softmax>(6);  // general path through the softmax Jacobian
    check_output_delta<loss::binary_cross_entropy, act::sigmoid>(7);  // fused: A - Y
    check_output_delta<loss::cross_entropy, act::softmax>(8);        // fused: A - Y
    check_output_delta<loss::cross_entropy, act::softmax, true>(9);  // soft labels: A·Σy − Y
    check_output_delta<loss::binary_cross_entropy, act::sigmoid, true>(10);  // soft targets in [0, 1]
}

TEST_CASE("output gradients dA against finite differences", "[losses]") {
    ctnn_test::test_rng rng{21};
    const auto A = rng.matrix<double, R, M>(0.05, 0.95);
    check_output_gradient<loss::mse>(A, rng.matrix<double, R, M>());
    check_output_gradient<loss::binary_cross_entropy>(A, rng.binary<double, R, M>());
    check_output_gradient<loss::cross_entropy>(A, rng.one_hot<double, R, M>());
}

TEST_CASE("loss values worked by hand", "[losses]") {
    // two samples, two outputs
    constexpr matrix<double, 2, 2> A{{0.5, 0.25, 0.5, 0.75}};
    constexpr matrix<double, 2, 2> Y{{1, 0, 0, 1}};
    // mse: per sample ½‖a−y‖²: sample 0: ½(0.25+0.25)=0.25; sample 1: ½(0.0625+0.0625)=0.0625
    STATIC_REQUIRE(loss::mse{}.value(A, Y) == (0.25 + 0.0625) / 2);
    // bce: sample 0: −log .5 − log .5; sample 1: −log .75 − log .75
    REQUIRE(loss::binary_cross_entropy{}.value(A, Y) == Approx((-2 * std::log(0.5) - 2 * std::log(0.75)) / 2).epsilon(1e-15));
    // ce: sample 0: −log .5; sample 1: −log .75
    REQUIRE(loss::cross_entropy{}.value(A, Y) == Approx((-std::log(0.5) - std::log(0.75)) / 2).epsilon(1e-15));
    constexpr double ce = loss::cross_entropy{}.value(A, Y);  // and in constant evaluation
    REQUIRE(ce == Approx((-std::log(0.5) - std::log(0.75)) / 2).epsilon(1e-15));
}

TEMPLATE_TEST_CASE("loss values are finite at A = 0 and A = 1", "[losses]", float, double) {
    using T = TestType;
    const matrix<T, 2, 2> A{{0, 1, 1, 0}};
    const matrix<T, 2, 2> wrong{{1, 0, 0, 1}};
    const T bce = loss::binary_cross_entropy{}.value(A, wrong);
    REQUIRE(std::isfinite(bce));
    REQUIRE(bce == Approx(200.0));  // each log clamped at −100, as PyTorch's BCELoss
    REQUIRE(loss::binary_cross_entropy{}.value(A, A) == T(0));
    const T ce = loss::cross_entropy{}.value(A, wrong);
    REQUIRE(std::isfinite(ce));
    REQUIRE(ce == Approx(100.0));
    REQUIRE(loss::cross_entropy{}.value(A, A) == T(0));
}

TEMPLATE_TEST_CASE("a NaN output gives a NaN loss; only finite values are clamped", "[losses]", float, double) {
    // Base commit e8ad0a7: clamped_log(NaN) was −100, so BCE and cross-entropy of
    // a NaN output were finite (50.35 here) and training on NaN looked normal.
    using T = TestType;
    const T nan = std::numeric_limits<T>::quiet_NaN(), inf = std::numeric_limits<T>::infinity();
    // two samples, one output: sample 0 a = 0.5, sample 1 a = NaN; both labels 1
    const matrix<T, 1, 2> A{{T(0.5), nan}}, Y{{1, 1}};
    CHECK(std::isnan(loss::binary_cross_entropy{}.value(A, Y)));
    CHECK(std::isnan(loss::cross_entropy{}.value(A, Y)));
    CHECK(std::isnan(loss::mse{}.value(A, Y)));
    // NaN with label 0 too: BCE's (1 − y) log(1 − a) term is 1 · NaN
    const matrix<T, 1, 2> Y0{{0, 0}};
    CHECK(std::isnan(loss::binary_cross_entropy{}.value(A, Y0)));
    // by hand: per sample −[y log a + (1 − y) log(1 − a)]; a = +inf is no
    // probability: log(+inf) = +inf stays infinite, log(1 − inf) = log(−inf) is NaN
    const matrix<T, 1, 1> big{{inf}}, one{{1}};
    CHECK(std::isnan(loss::binary_cross_entropy{}.value(big, one)));
    CHECK(loss::cross_entropy{}.value(big, one) == -inf);
    // finite values are still clamped: a = 0 with y = 1 costs 100, a = −0.5 (finite,
    // outside [0, 1]) also 100, as before
    const matrix<T, 1, 2> low{{0, T(-0.5)}}, ones{{1, 1}};
    CHECK(loss::binary_cross_entropy{}.value(low, ones) == Approx(100.0));
    CHECK(loss::cross_entropy{}.value(low, ones) == Approx(100.0));
    // and a finite output gives the hand value: −log 0.5 per sample
    const matrix<T, 1, 2> half{{T(0.5), T(0.5)}};
    CHECK(loss::binary_cross_entropy{}.value(half, ones) == Approx(-std::log(0.5)).epsilon(1e-6));
    STATIC_REQUIRE(loss::detail::clamped_log(std::numeric_limits<double>::quiet_NaN()) !=
                   loss::detail::clamped_log(std::numeric_limits<double>::quiet_NaN()));  // NaN, at compile time too
}
