// walkthrough.test.cpp — the seeds' back-propagation walkthrough for the 2-3-3-1
// network, written step by step with ctnn's algebra, with the type of every
// dZ, dW, db and dA asserted at compile time (m = 1 and m = 8), and the result
// compared with network::backward.
#include <catch2/catch.hpp>

#include <type_traits>

#include <ctnn/ctnn.hpp>

#include "support.hpp"

using namespace ctnn;

namespace {
using seed_net = network<double, input<2>, dense<3, act::relu>, dense<3, act::relu>, dense<1, act::sigmoid>>;

template <class A, class B>
constexpr bool same = std::is_same_v<std::remove_cvref_t<A>, B>;

// (inside this template the members are dependent, hence `.template layer<I>()`;
// in non-generic code it is plain `cache.layer<0>()`)
template <std::size_t m>
void walkthrough() {
    seed_net net{};
    net.initialize(5 + m);
    ctnn_test::test_rng rng{m};
    const auto X = rng.matrix<double, 2, m>(-2, 2);
    const auto Y = rng.binary<double, 1, m>();
    const auto cache = net.forward(X);

    const auto& W2 = net.template layer<1>().W;  // the seeds number layers from 1: W2 is layer<1>
    const auto& W3 = net.template layer<2>().W;
    const auto& A0 = cache.input();
    const auto& [Z1, A1] = cache.template layer<0>();
    const auto& [Z2, A2] = cache.template layer<1>();
    const auto& A3 = cache.output();
    const auto relu_prime = [](const auto& Z) { return map(Z, [](double z) { return act::relu::derivative(z); }); };
    const double inv_m = 1.0 / m;

    // Output layer: dZ3 = A3 − Y (sigmoid + binary cross-entropy)
    const auto dZ3 = A3 - Y;
    const auto dW3 = inv_m * (dZ3 * transpose(A2));
    const auto db3 = inv_m * sum_columns(dZ3);
    const auto dA2 = transpose(W3) * dZ3;
    STATIC_REQUIRE(same<decltype(dZ3), matrix<double, 1, m>>);
    STATIC_REQUIRE(same<decltype(dW3), matrix<double, 1, 3>>);
    STATIC_REQUIRE(same<decltype(db3), matrix<double, 1, 1>>);
    STATIC_REQUIRE(same<decltype(dA2), matrix<double, 3, m>>);

    // Second hidden layer: dZ2 = dA2 ⊙ g'(Z2)
    const auto dZ2 = hadamard(dA2, relu_prime(Z2));
    const auto dW2 = inv_m * (dZ2 * transpose(A1));
    const auto db2 = inv_m * sum_columns(dZ2);
    const auto dA1 = transpose(W2) * dZ2;
    STATIC_REQUIRE(same<decltype(dZ2), matrix<double, 3, m>>);
    STATIC_REQUIRE(same<decltype(dW2), matrix<double, 3, 3>>);
    STATIC_REQUIRE(same<decltype(db2), matrix<double, 3, 1>>);
    STATIC_REQUIRE(same<decltype(dA1), matrix<double, 3, m>>);

    // First hidden layer: no dA0, the input is not learned
    const auto dZ1 = hadamard(dA1, relu_prime(Z1));
    const auto dW1 = inv_m * (dZ1 * transpose(A0));
    const auto db1 = inv_m * sum_columns(dZ1);
    STATIC_REQUIRE(same<decltype(dZ1), matrix<double, 3, m>>);
    STATIC_REQUIRE(same<decltype(dW1), matrix<double, 3, 2>>);
    STATIC_REQUIRE(same<decltype(db1), matrix<double, 3, 1>>);
    STATIC_REQUIRE(same<decltype(A0), matrix<double, 2, m>>);

    // The library's backward pass computes exactly these
    const auto g = net.backward(cache, Y, loss::binary_cross_entropy{});
    STATIC_REQUIRE(same<decltype(g.template layer<2>().dW), matrix<double, 1, 3>>);
    STATIC_REQUIRE(same<decltype(g.template layer<1>().db), matrix<double, 3, 1>>);
    CHECK(ctnn_test::max_rel_diff(g.template layer<2>().dW, dW3) < 1e-14);
    CHECK(ctnn_test::max_rel_diff(g.template layer<2>().db, db3) < 1e-14);
    CHECK(ctnn_test::max_rel_diff(g.template layer<1>().dW, dW2) < 1e-14);
    CHECK(ctnn_test::max_rel_diff(g.template layer<1>().db, db2) < 1e-14);
    CHECK(ctnn_test::max_rel_diff(g.template layer<0>().dW, dW1) < 1e-14);
    CHECK(ctnn_test::max_rel_diff(g.template layer<0>().db, db1) < 1e-14);
    // and they are not all zero (dead relus would make the comparison vacuous)
    double norm = 0;
    for (double v : g.template layer<0>().dW.elems) norm += v * v;
    CHECK(norm > 1e-12);
}
} // namespace

TEST_CASE("seed walkthrough 2-3-3-1, m = 1", "[walkthrough]") { walkthrough<1>(); }
TEST_CASE("seed walkthrough 2-3-3-1, m = 8", "[walkthrough]") { walkthrough<8>(); }
