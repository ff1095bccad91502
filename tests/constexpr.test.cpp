// constexpr.test.cpp — a forward pass and a full training step evaluated by the
// compiler: everything the core does is usable in constant expressions.
#include <catch2/catch.hpp>

#include <ctnn/ctnn.hpp>

using namespace ctnn;

namespace {
using xor_net = network<double, input<2>, dense<3, act::tanh>, dense<1, act::sigmoid>>;
constexpr matrix<double, 2, 4> X{{0, 0, 1, 1, 0, 1, 0, 1}};
constexpr matrix<double, 1, 4> Y{{0, 1, 1, 0}};

struct step_result {
    double loss_before, loss_after, dW0, w_moved;
};

constexpr step_result one_step() {
    xor_net net{};
    net.initialize(7);
    const auto cache = net.forward(X);
    const double before = loss::binary_cross_entropy{}.value(cache.output(), Y);
    const auto grads = net.backward(cache, Y, loss::binary_cross_entropy{});
    const double w = net.layer<0>().W(0, 0);
    optim::sgd{0.5}.step(net, grads);
    const double after = loss::binary_cross_entropy{}.value(net.predict(X), Y);
    return {before, after, grads.layer<0>().dW(0, 0), net.layer<0>().W(0, 0) - w};
}

constexpr auto compile_time = one_step();
} // namespace

TEST_CASE("forward pass in a static_assert", "[constexpr]") {
    constexpr auto out = [] {
        xor_net net{};
        net.initialize(7);
        return net.predict(X);
    }();
    static_assert(out(0, 0) > 0.0 && out(0, 0) < 1.0, "sigmoid output in (0, 1)");
    STATIC_REQUIRE(out(0, 3) > 0.0);
    xor_net net{};
    net.initialize(7);
    const auto run_time = net.predict(X);
    for (std::size_t j = 0; j < 4; ++j) REQUIRE(out(0, j) == Approx(run_time(0, j)).epsilon(1e-14));
}

TEST_CASE("one training step in a static_assert", "[constexpr]") {
    static_assert(compile_time.loss_after < compile_time.loss_before, "one SGD step lowers the loss");
    static_assert(compile_time.w_moved == -0.5 * compile_time.dW0, "W moved by -lr * dW");
    // the same step at run time gives the same numbers (up to the math library's last bits)
    volatile int guard = 0;  // keeps this evaluation at run time
    const auto run_time = guard == 0 ? one_step() : step_result{};
    REQUIRE(run_time.loss_before == Approx(compile_time.loss_before).epsilon(1e-14));
    REQUIRE(run_time.loss_after == Approx(compile_time.loss_after).epsilon(1e-14));
    REQUIRE(run_time.dW0 == Approx(compile_time.dW0).epsilon(1e-12));
}
