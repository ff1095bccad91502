// training.test.cpp — training converges: XOR with a 2-4-1 network, and the
// seeds' 2-3-3-1 network on the deterministic two-moons data set, for several
// initialisation seeds, to the accuracies stated in the test names.
#include <catch2/catch.hpp>

#include <cstdio>

#include <ctnn/ctnn.hpp>

#include "../examples/two_moons.hpp"

using namespace ctnn;

namespace {
template <class T>
int xor_correct(std::uint64_t seed, double lr, int epochs) {
    network<T, input<2>, dense<4, act::tanh>, dense<1, act::sigmoid>> net{};
    net.initialize(seed);
    const matrix<T, 2, 4> X{{0, 0, 1, 1, 0, 1, 0, 1}};
    const matrix<T, 1, 4> Y{{0, 1, 1, 0}};
    optim::sgd opt{lr};
    for (int e = 0; e < epochs; ++e) opt.step(net, net.backward(net.forward(X), Y, loss::binary_cross_entropy{}));
    const auto out = net.predict(X);
    int correct = 0;
    for (std::size_t j = 0; j < 4; ++j) correct += (out(0, j) >= T(0.5)) == (Y(0, j) == T(1));
    return correct;
}

double moons_accuracy(std::uint64_t seed) {
    using seed_net = network<float, input<2>, dense<3, act::relu>, dense<3, act::relu>, dense<1, act::sigmoid>>;
    constexpr std::size_t n = 256, batch = 8;
    const auto train = two_moons::make<float, n>(1);
    const auto test = two_moons::make<float, n>(2);
    seed_net net{};
    net.initialize(seed);
    optim::sgd opt{0.2};
    for (int epoch = 0; epoch < 100; ++epoch)
        for (std::size_t first = 0; first < n; first += batch) {
            const auto X = two_moons::columns<batch>(train.X, first);
            const auto Y = two_moons::columns<batch>(train.Y, first);
            opt.step(net, net.backward(net.forward(X), Y, loss::binary_cross_entropy{}));
        }
    return two_moons::accuracy(net.predict(test.X), test.Y);
}
} // namespace

TEST_CASE("XOR 2-4-1 learns all four cases (float and double, 5 seeds)", "[training]") {
    for (std::uint64_t seed = 1; seed <= 5; ++seed) {
        INFO("seed " << seed);
        CHECK(xor_correct<float>(seed, 0.5, 1000) == 4);
        CHECK(xor_correct<double>(seed, 0.5, 1000) == 4);
    }
}

TEST_CASE("seed 2-3-3-1 network on two moons: held-out accuracy >= 0.95 for 8 of 10 seeds, >= 0.85 for all", "[training]") {
    // Three ReLUs per layer can die at a bad start; measured with SGD lr 0.2,
    // batch 8, 100 epochs: seeds 2 and 10 settle at 0.887 and 0.910, the other
    // eight reach 0.996-1.000. The accuracies are printed.
    int good = 0;
    for (std::uint64_t seed = 1; seed <= 10; ++seed) {
        const double acc = moons_accuracy(seed);
        std::printf("two moons, init seed %d: held-out accuracy %.3f\n", int(seed), acc);
        CHECK(acc >= 0.85);
        good += acc >= 0.95;
    }
    CHECK(good >= 8);
    CHECK(moons_accuracy(7) >= 0.95);  // the example's seed
}
