// gradients.test.cpp — whole-network gradients against central finite differences
// (double precision) for architectures covering every activation and every
// loss pairing at batch sizes 1 and > 1.
#include <catch2/catch.hpp>

#include <cmath>
#include <type_traits>

#include <ctnn/ctnn.hpp>

#include "support.hpp"

using namespace ctnn;
using ctnn_test::gradient_check;
using ctnn_test::test_rng;

namespace {
constexpr double fd_tolerance = 1e-6;

/// Initialise, draw inputs and labels suited to the loss, and compare
/// backward() with finite differences.
template <class Net, std::size_t M, class Loss>
double check(std::uint64_t seed, Loss loss) {
    Net net{};
    net.initialize(seed);
    test_rng rng{seed + 100};
    // non-zero biases so the check covers them away from 0 too
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        ((net.template layer<I>().b = rng.template matrix<double, Net::template layer_type<I>::outputs, 1>(-0.3, 0.3)), ...);
    }(std::make_index_sequence<Net::depth>{});
    const auto X = rng.matrix<double, Net::input_width, M>(-2, 2);
    matrix<double, Net::output_width, M> Y{};
    if constexpr (std::is_same_v<Loss, loss::cross_entropy>) {
        Y = rng.one_hot<double, Net::output_width, M>();
    } else if constexpr (std::is_same_v<Loss, loss::binary_cross_entropy>) {
        Y = rng.binary<double, Net::output_width, M>();
    } else {
        Y = rng.matrix<double, Net::output_width, M>();
    }
    return gradient_check(net, X, Y, loss);
}

// The seeds' network
using seed_net = network<double, input<2>, dense<3, act::relu>, dense<3, act::relu>, dense<1, act::sigmoid>>;
using tanh_regressor = network<double, input<3>, dense<4, act::tanh>, dense<2, act::identity>>;
using leaky_classifier = network<double, input<4>, dense<5, act::leaky_relu>, dense<3, act::softmax>>;
using sigmoid_softmax_mse = network<double, input<2>, dense<4, act::sigmoid>, dense<3, act::softmax>>;
using deep_mixed = network<double, input<5>, dense<6, act::relu>, dense<4, act::tanh>, dense<3, act::softmax>>;
using sigmoid_mse = network<double, input<3>, dense<3, act::identity>, dense<2, act::sigmoid>>;
using tanh_out = network<double, input<2>, dense<5, act::leaky_relu>, dense<3, act::sigmoid>, dense<2, act::tanh>>;
} // namespace

TEST_CASE("gradients vs finite differences: seed 2-3-3-1 relu/relu/sigmoid + BCE", "[network][gradients]") {
    CHECK(check<seed_net, 1>(1, loss::binary_cross_entropy{}) < fd_tolerance);
    CHECK(check<seed_net, 8>(2, loss::binary_cross_entropy{}) < fd_tolerance);
    CHECK(check<seed_net, 8>(3, loss::mse{}) < fd_tolerance);
}

TEST_CASE("gradients vs finite differences: 3-4-2 tanh/identity + MSE", "[network][gradients]") {
    CHECK(check<tanh_regressor, 1>(4, loss::mse{}) < fd_tolerance);
    CHECK(check<tanh_regressor, 5>(5, loss::mse{}) < fd_tolerance);
}

TEST_CASE("gradients vs finite differences: 4-5-3 leaky_relu/softmax + CE", "[network][gradients]") {
    CHECK(check<leaky_classifier, 1>(6, loss::cross_entropy{}) < fd_tolerance);
    CHECK(check<leaky_classifier, 6>(7, loss::cross_entropy{}) < fd_tolerance);
}

TEST_CASE("gradients vs finite differences: 2-4-3 sigmoid/softmax + MSE (general path)", "[network][gradients]") {
    CHECK(check<sigmoid_softmax_mse, 1>(8, loss::mse{}) < fd_tolerance);
    CHECK(check<sigmoid_softmax_mse, 3>(9, loss::mse{}) < fd_tolerance);
}

TEST_CASE("gradients vs finite differences: 5-6-4-3 relu/tanh/softmax + CE", "[network][gradients]") {
    CHECK(check<deep_mixed, 1>(10, loss::cross_entropy{}) < fd_tolerance);
    CHECK(check<deep_mixed, 4>(11, loss::cross_entropy{}) < fd_tolerance);
}

TEST_CASE("gradients vs finite differences: 3-3-2 identity/sigmoid + MSE and BCE", "[network][gradients]") {
    CHECK(check<sigmoid_mse, 1>(12, loss::mse{}) < fd_tolerance);
    CHECK(check<sigmoid_mse, 7>(13, loss::mse{}) < fd_tolerance);
    CHECK(check<sigmoid_mse, 7>(14, loss::binary_cross_entropy{}) < fd_tolerance);
}

TEST_CASE("gradients vs finite differences: 2-5-3-2 leaky_relu/sigmoid/tanh + MSE", "[network][gradients]") {
    CHECK(check<tanh_out, 1>(15, loss::mse{}) < fd_tolerance);
    CHECK(check<tanh_out, 9>(16, loss::mse{}) < fd_tolerance);
}

TEST_CASE("the finite-difference check detects a wrong gradient", "[network][gradients]") {
    // Guard against a check that cannot fail: corrupt one gradient entry.
    seed_net net{};
    net.initialize(5);
    test_rng rng{5};
    const auto X = rng.matrix<double, 2, 4>(-2, 2);
    const auto Y = rng.binary<double, 1, 4>();
    auto grads = net.backward(net.forward(X), Y, loss::binary_cross_entropy{});
    const double h = 1e-6;
    auto probe = net;
    probe.layer<1>().W(2, 1) += h;
    const double up = loss::binary_cross_entropy{}.value(probe.forward(X).output(), Y);
    probe.layer<1>().W(2, 1) -= 2 * h;
    const double down = loss::binary_cross_entropy{}.value(probe.forward(X).output(), Y);
    const double fd = (up - down) / (2 * h);
    REQUIRE(std::fabs(fd - grads.layer<1>().dW(2, 1)) < 1e-8);
    REQUIRE(std::fabs(fd - (grads.layer<1>().dW(2, 1) + 1e-4)) > fd_tolerance);
}

