// train.test.cpp — fit(): every sample once per epoch in a seeded order, the
// partial last batch averaged over its real samples (checked against a
// full-batch step on those samples alone), convergence on two moons, evaluation
// and confusion counts, and the allocation-free shuffle.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <vector>

#include <ctnn/ctnn.hpp>

#include "../examples/two_moons.hpp"
#include "support.hpp"

using namespace ctnn;

TEST_CASE("the shuffle is a permutation, differs per seed and is deterministic", "[train]") {
    for (std::size_t n : {1u, 2u, 3u, 7u, 64u, 100u, 1797u}) {
        const detail::permutation p{n, 42};
        std::vector<int> hits(n, 0);
        for (std::size_t i = 0; i < n; ++i) ++hits[p(i)];
        REQUIRE(std::all_of(hits.begin(), hits.end(), [](int h) { return h == 1; }));
    }
    const detail::permutation a{1000, 1}, b{1000, 1}, c{1000, 2};
    int same_as_b = 0, same_as_c = 0, fixed = 0;
    for (std::size_t i = 0; i < 1000; ++i) {
        same_as_b += a(i) == b(i);
        same_as_c += a(i) == c(i);
        fixed += a(i) == i;
    }
    REQUIRE(same_as_b == 1000);
    REQUIRE(same_as_c < 20);  // two seeds: nearly independent orders (expected about 1 match)
    REQUIRE(fixed < 20);      // not close to the identity
    STATIC_REQUIRE(detail::permutation{10, 3}(4) < 10);  // constexpr
}

TEST_CASE("a partial last batch gives the mean gradient over its real samples", "[train]") {
    using net_t = network<double, input<3>, dense<4, act::tanh>, dense<2, act::softmax>>;
    net_t net{};
    net.initialize(3);
    ctnn_test::test_rng rng{9};
    const auto X3 = rng.matrix<double, 3, 3>();
    const auto Y3 = rng.one_hot<double, 2, 3>();
    // the same 3 samples padded to a batch of 5 with arbitrary columns
    matrix<double, 3, 5> X5 = rng.matrix<double, 3, 5>();
    matrix<double, 2, 5> Y5 = rng.one_hot<double, 2, 5>();
    for (std::size_t j = 0; j < 3; ++j) {
        for (std::size_t i = 0; i < 3; ++i) X5(i, j) = X3(i, j);
        for (std::size_t i = 0; i < 2; ++i) Y5(i, j) = Y3(i, j);
    }
    const auto full = net.backward(net.forward(X3), Y3, loss::cross_entropy{});
    const auto padded = net.backward(net.forward(X5), Y5, loss::cross_entropy{}, 3);
    CHECK(ctnn_test::max_rel_diff(padded.layer<0>().dW, full.layer<0>().dW) < 1e-15);
    CHECK(ctnn_test::max_rel_diff(padded.layer<0>().db, full.layer<0>().db) < 1e-15);
    CHECK(ctnn_test::max_rel_diff(padded.layer<1>().dW, full.layer<1>().dW) < 1e-15);
    CHECK(ctnn_test::max_rel_diff(padded.layer<1>().db, full.layer<1>().db) < 1e-15);
    // and without the count the padding does change them (the test can fail)
    const auto unmasked = net.backward(net.forward(X5), Y5, loss::cross_entropy{});
    CHECK(ctnn_test::max_rel_diff(unmasked.layer<1>().dW, full.layer<1>().dW) > 1e-6);
}

TEST_CASE("fit visits every sample once per epoch, in order or shuffled, partial batch included", "[train]") {
    // identity network, lr = 1, mse: each step moves b by the batch mean of (Y - A);
    // with W fixed at 0 (zero gradient since X = 0), b after an epoch depends on
    // every target exactly once per batch.
    using net_t = network<double, input<1>, dense<1, act::identity>>;
    std::vector<double> xs(10, 0.0), ys(10);
    for (std::size_t i = 0; i < 10; ++i) ys[i] = double(i + 1);
    const dataset_view<double, 1, 1> data{xs.data(), ys.data(), 10};
    struct counting_sgd {
        int steps = 0;
        void step(net_t& n, const net_t::gradients_type& g) {
            ++steps;
            optim::sgd{1.0}.step(n, g);
        }
    };
    for (bool shuffle : {false, true}) {
        net_t net{};
        counting_sgd opt;
        std::vector<epoch_report> reports;
        fit<4>(net, data, loss::mse{}, opt, fit_options{.epochs = 3, .seed = 5, .shuffle = shuffle},
               [&](const epoch_report& r) { reports.push_back(r); });
        REQUIRE(reports.size() == 3);
        REQUIRE(opt.steps == 9);  // 10 samples in batches of 4: 4 + 4 + 2, three epochs
        REQUIRE(reports.back().epoch == 3);
        // lr 1 on b with mse: b becomes the mean of each batch's targets, so the
        // final b is the mean of the last batch's targets: a real sample mean
        REQUIRE(net.layer<0>().b(0, 0) >= 1.0);
        REQUIRE(net.layer<0>().b(0, 0) <= 10.0);
        if (!shuffle) REQUIRE(net.layer<0>().b(0, 0) == Approx(9.5));  // last batch {9, 10}
    }
    net_t net{};
    counting_sgd opt;
    fit<4>(net, data, loss::mse{}, opt, fit_options{.epochs = 2, .shuffle = false, .drop_last = true});
    REQUIRE(opt.steps == 4);  // 2 full batches per epoch
    REQUIRE(net.layer<0>().b(0, 0) == Approx(6.5));  // last batch {5, 6, 7, 8}
}

TEST_CASE("fit trains the seed network on two moons; evaluate reports accuracy and confusion", "[train]") {
    using seed_net = network<float, input<2>, dense<3, act::relu>, dense<3, act::relu>, dense<1, act::sigmoid>>;
    constexpr std::size_t n = 250;  // not a multiple of the batch: the last batch is partial
    const auto train = two_moons::make<float, n>(1);
    const auto test = two_moons::make<float, n>(2);
    // sample-major copies for dataset_view
    std::vector<float> tx(2 * n), ty(n), vx(2 * n), vy(n);
    for (std::size_t j = 0; j < n; ++j) {
        tx[2 * j] = train.X(0, j), tx[2 * j + 1] = train.X(1, j), ty[j] = train.Y(0, j);
        vx[2 * j] = test.X(0, j), vx[2 * j + 1] = test.X(1, j), vy[j] = test.Y(0, j);
    }
    const dataset_view<float, 2, 1> train_set{tx.data(), ty.data(), n}, test_set{vx.data(), vy.data(), n};
    seed_net net{};
    net.initialize(7);
    optim::adam<seed_net> opt{0.01};
    double first_loss = 0;
    const auto last = fit<8>(net, train_set, loss::binary_cross_entropy{}, opt, fit_options{.epochs = 40, .seed = 1},
                             [&](const epoch_report& r) {
                                 if (r.epoch == 1) first_loss = r.loss;
                             });
    std::printf("two moons with fit<8> and Adam: epoch 1 loss %.4f, epoch 40 loss %.4f, train accuracy %.3f\n",
                first_loss, last.loss, last.accuracy);
    CHECK(last.loss < first_loss / 5);
    const auto e = evaluate(net, test_set, loss::binary_cross_entropy{});
    std::printf("held-out accuracy %.3f, loss %.4f\n", e.accuracy, e.loss);
    CHECK(e.accuracy >= 0.95);
    CHECK(e.samples == n);
    std::size_t total = 0, diagonal = 0;
    for (std::size_t a = 0; a < 2; ++a)
        for (std::size_t p = 0; p < 2; ++p) total += e.confusion[a][p], diagonal += a == p ? e.confusion[a][p] : 0;
    CHECK(total == n);
    CHECK(double(diagonal) / double(n) == Approx(e.accuracy));
    CHECK(e.confusion[0][0] + e.confusion[0][1] == n / 2);  // classes alternate: 125 of each
}
