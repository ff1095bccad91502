// network.test.cpp — whole-network gradients against central finite differences
// (double precision) for architectures covering every activation and every
// loss pairing at batch sizes 1 and > 1; initialisation; sizes.
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

TEST_CASE("layer and gradient types follow the architecture", "[network]") {
    using net_t = network<float, input<2>, dense<3, act::relu>, dense<3, act::relu>, dense<1, act::sigmoid>>;
    net_t net{};
    STATIC_REQUIRE(std::is_same_v<decltype(net.layer<0>().W), matrix<float, 3, 2>>);
    STATIC_REQUIRE(std::is_same_v<decltype(net.layer<0>().b), matrix<float, 3, 1>>);
    STATIC_REQUIRE(std::is_same_v<decltype(net.layer<2>().W), matrix<float, 1, 3>>);
    const matrix<float, 2, 4> X{};
    const matrix<float, 1, 4> Y{};
    auto cache = net.forward(X);
    STATIC_REQUIRE(std::is_same_v<std::remove_cvref_t<decltype(cache.output())>, matrix<float, 1, 4>>);
    auto grads = net.backward(cache, Y, loss::binary_cross_entropy{});
    STATIC_REQUIRE(std::is_same_v<decltype(grads.layer<0>().dW), matrix<float, 3, 2>>);
    STATIC_REQUIRE(std::is_same_v<decltype(grads.layer<0>().db), matrix<float, 3, 1>>);
    STATIC_REQUIRE(std::is_same_v<decltype(net.predict(X)), matrix<float, 1, 4>>);
    REQUIRE(net.predict(X) == cache.output());
}

TEST_CASE("parameter and memory sizes are compile-time constants", "[network]") {
    using net_t = network<float, input<2>, dense<3, act::relu>, dense<3, act::relu>, dense<1, act::sigmoid>>;
    // (3·2+3) + (3·3+3) + (1·3+1) = 9 + 12 + 4
    STATIC_REQUIRE(net_t::parameter_count == 25);
    STATIC_REQUIRE(net_t::parameter_bytes == 100);
    STATIC_REQUIRE(sizeof(net_t) == 100);  // the object is its parameters, nothing else
    STATIC_REQUIRE(net_t::gradient_bytes == 100);
    // cache for m = 4: X (2·4) + Z,A per layer (3·4·2 + 3·4·2 + 1·4·2) = 8 + 56 floats
    STATIC_REQUIRE(net_t::cache_bytes<4> == (8 + 56) * 4);
    // backward temporaries: dZ of each layer (3+3+1)·4 and dA of layers 1 and 2 (3+3)·4
    STATIC_REQUIRE(net_t::backward_temporary_bytes<4> == (28 + 24) * 4);
    STATIC_REQUIRE(net_t::training_step_bytes<4> == (64 + 25 + 52) * 4);
    using big = network<double, input<64>, dense<32, act::relu>, dense<10, act::softmax>>;
    STATIC_REQUIRE(big::parameter_count == 64 * 32 + 32 + 32 * 10 + 10);
}

TEST_CASE("initialize is deterministic, seeded, He for relu-like and Glorot otherwise", "[network][init]") {
    using net_t = network<double, input<50>, dense<40, act::relu>, dense<30, act::tanh>>;
    net_t a{}, b{}, c{};
    a.initialize(42);
    b.initialize(42);
    c.initialize(43);
    REQUIRE(a == b);
    REQUIRE(!(a == c));
    const double he = std::sqrt(6.0 / 50), glorot = std::sqrt(6.0 / (40 + 30));
    double max0 = 0, max1 = 0, mean0 = 0;
    for (double w : a.layer<0>().W.elems) {
        max0 = std::fmax(max0, std::fabs(w));
        mean0 += w / a.layer<0>().W.size;
    }
    for (double w : a.layer<1>().W.elems) max1 = std::fmax(max1, std::fabs(w));
    REQUIRE(max0 <= he);
    REQUIRE(max0 > 0.95 * he);  // 2000 uniform draws reach close to the limit
    REQUIRE(max1 <= glorot);
    REQUIRE(max1 > 0.95 * glorot);
    REQUIRE(std::fabs(mean0) < 0.05 * he);
    for (double v : a.layer<0>().b.elems) REQUIRE(v == 0.0);
    // the same weights in constant evaluation
    constexpr net_t k = [] {
        net_t n{};
        n.initialize(42);
        return n;
    }();
    REQUIRE(k == a);
    // float weights are the double draws rounded: the same seed agrees across types
    network<float, input<50>, dense<40, act::relu>, dense<30, act::tanh>> f{};
    f.initialize(42);
    REQUIRE(f.layer<0>().W(3, 7) == float(a.layer<0>().W(3, 7)));
}

TEST_CASE("network parameters can be set and compared; copies are independent", "[network]") {
    using net_t = network<float, input<2>, dense<2, act::identity>>;
    net_t net{};
    net.layer<0>().W = matrix<float, 2, 2>{{1, 2, 3, 4}};
    net.layer<0>().b = matrix<float, 2, 1>{{10, 20}};
    const matrix<float, 2, 1> x{{1, 1}};
    REQUIRE(net.predict(x) == matrix<float, 2, 1>{{13, 27}});
    auto copy = net;
    copy.layer<0>().W(0, 0) = 0;
    REQUIRE(net.layer<0>().W(0, 0) == 1);
}
