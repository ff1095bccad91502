// train.test.cpp — fit(): every sample once per epoch in a seeded order, the
// partial last batch averaged over its real samples (checked against a
// full-batch step on those samples alone), convergence on two moons, evaluation
// and confusion counts, and the allocation-free shuffle. Faults: data sets whose
// size is derived and checked, NaN/inf data, loss and parameters reported where
// they happen, runs with no batch, unclassified outputs, and a batch too big for
// the stack through a caller's workspace.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <span>
#include <string>
#include <tuple>
#include <limits>
#include <memory>
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
    const auto data = dataset_view<double, 1, 1>::samples_as_rows(xs, ys);
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
    const auto train_set = dataset_view<float, 2, 1>::samples_as_columns(train.X, train.Y);  // batch layout
    const auto test_set = dataset_view<float, 2, 1>::samples_as_rows(vx, vy);
    const auto train_rows = dataset_view<float, 2, 1>::samples_as_rows(tx, ty);
    REQUIRE(train_set.size() == n);
    for (std::size_t s = 0; s < n; ++s) {  // the two layouts are the same samples
        REQUIRE(train_set.feature(s, 1) == train_rows.feature(s, 1));
        REQUIRE(train_set.target(s, 0) == train_rows.target(s, 0));
    }
    seed_net net{};
    net.initialize(7);
    optim::adam<seed_net> opt{0.01};
    double first_loss = 0;
    seed_net twin = net;
    optim::adam<seed_net> twin_opt{0.01};
    const auto last = fit<8>(net, train_set, loss::binary_cross_entropy{}, opt, fit_options{.epochs = 40, .seed = 1},
                             [&](const epoch_report& r) {
                                 if (r.epoch == 1) first_loss = r.loss;
                             });
    REQUIRE(last.ok());
    fit<8>(twin, train_rows, loss::binary_cross_entropy{}, twin_opt, fit_options{.epochs = 40, .seed = 1});
    CHECK(twin == net);  // either layout trains the same network, bit for bit
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
    CHECK(e.unclassified == 0);
    CHECK(e.fault == training_fault::none);
}


// ---------------------------------------------------------------------------
// Faults (issue 19). Each of these ran silently on the base commit e8ad0a7.

namespace {
using small_net = network<float, input<4>, dense<8, act::relu>, dense<3, act::softmax>>;

/// 40 samples of 4 features in [0, 0.8], one-hot labels of 3 classes, sample-major
struct small_data {
    std::vector<float> xs = std::vector<float>(4 * 40), ys = std::vector<float>(3 * 40, 0.f);
    small_data() {
        for (std::size_t i = 0; i < xs.size(); ++i) xs[i] = float(i % 5) / 5.f;
        for (std::size_t s = 0; s < 40; ++s) ys[3 * s + s % 3] = 1.f;
    }
    dataset_view<float, 4, 3> view() const { return dataset_view<float, 4, 3>::samples_as_rows(xs, ys); }
};

/// fit for 3 epochs, SGD 0.1, batch 8; every report the callback saw
struct run {
    std::vector<epoch_report> seen;
    epoch_report last;
    run(small_net& net, const dataset_view<float, 4, 3>& d, fit_options o = {.epochs = 3, .shuffle = false}) {
        optim::sgd opt{0.1};
        last = fit<8>(net, d, loss::cross_entropy{}, opt, o, [&](const epoch_report& r) { seen.push_back(r); });
    }
};
} // namespace

TEST_CASE("dataset_view derives its size from the storage; storage of no whole number of samples is invalid", "[train]") {
    const std::vector<double> x8(8), y4(4), y3(3), x9(9);
    using view2 = dataset_view<double, 2, 1>;
    CHECK(view2::samples_as_rows(x8, y4).size() == 4);
    CHECK(view2::samples_as_rows(x8, y4).valid());
    CHECK_FALSE(view2::samples_as_rows(x8, y3).valid());  // 4 samples of features, 3 of targets
    CHECK_FALSE(view2::samples_as_rows(x9, y4).valid());  // 4.5 samples
    CHECK(view2::samples_as_rows(x9, y4).size() == 0);    // nothing can be read from an invalid view
    CHECK(view2{}.valid());
    CHECK(view2{}.size() == 0);
    // rows of flat storage and columns of matrices: the same samples, and constexpr
    static constexpr double rows[] = {1, 2, 3, 4, 5, 6};
    static constexpr double labels[] = {0, 1, 0};
    static constexpr matrix<double, 2, 3> X{{1, 3, 5, 2, 4, 6}};
    static constexpr matrix<double, 1, 3> Y{{0, 1, 0}};
    constexpr auto a = view2::samples_as_rows(rows, labels);
    constexpr auto b = view2::samples_as_columns(X, Y);
    STATIC_REQUIRE(a.size() == 3);
    STATIC_REQUIRE(b.size() == 3);
    STATIC_REQUIRE(a.feature(2, 1) == 6);
    STATIC_REQUIRE(b.feature(2, 1) == 6);
    STATIC_REQUIRE(b.feature(1, 0) == 3);
    STATIC_REQUIRE(b.target(1, 0) == 1);
}

TEST_CASE("fit and evaluate report an invalid data set as bad_data and read nothing", "[train]") {
    small_data d;
    // a size in elements where samples were meant: on the base commit,
    // dataset_view{xs, ys, 160} read 4x past the end (a heap overflow under ASan)
    const auto bad = dataset_view<float, 4, 3>::samples_as_rows(d.xs, std::span<const float>(d.ys).first(3 * 39));
    small_net net{};
    net.initialize(1);
    const small_net before = net;
    run r(net, bad);
    CHECK(r.last.fault == training_fault::bad_data);
    REQUIRE(r.seen.size() == 1);  // the callback saw the failing report
    CHECK(r.seen[0].fault == training_fault::bad_data);
    CHECK(r.last.epoch == 0);
    CHECK(std::isnan(r.last.loss));
    CHECK(net == before);
    const auto e = evaluate(net, bad, loss::cross_entropy{});
    CHECK(e.fault == training_fault::bad_data);
    CHECK(e.samples == 0);
    CHECK(std::isnan(e.loss));
}

TEST_CASE("fit finds a NaN or infinite feature or target before it trains, and names the sample", "[train]") {
    for (float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                      -std::numeric_limits<float>::infinity()}) {
        for (bool target : {false, true}) {
            INFO("value " << bad << (target ? " in a target" : " in a feature"));
            small_data d;
            if (target) d.ys[3 * 13 + 2] = bad;  // sample 13, target 2 = element 4 + 2
            else d.xs[4 * 13 + 1] = bad;         // sample 13, feature 1
            small_net net{};
            net.initialize(1);
            const small_net before = net;
            run r(net, d.view());
            CHECK(r.last.fault == training_fault::non_finite_data);
            CHECK(r.last.sample == 13);
            CHECK(r.last.element == (target ? 6u : 1u));
            CHECK(r.last.epoch == 0);  // before epoch 1: no step ran
            CHECK(r.seen.size() == 1);
            CHECK(net == before);
            CHECK_FALSE(r.last.ok());
        }
    }
}

TEST_CASE("a 1e30 feature into a relu net: fit stops in epoch 1 and names the non-finite parameter", "[train]") {
    // On the base commit the first epoch ended with every W of layer 0 NaN
    // and a reported loss of 82.7 (cross-entropy's clamp hid it).
    small_data d;
    d.xs[4 * 3 + 1] = 1e30f;  // sample 3, in the first batch
    small_net net{};
    net.initialize(1);
    run r(net, d.view());
    REQUIRE(r.seen.size() == 1);
    CHECK(r.last.epoch == 1);
    REQUIRE((r.last.fault == training_fault::non_finite_parameter || r.last.fault == training_fault::non_finite_loss));
    if (r.last.fault == training_fault::non_finite_parameter) {
        // the named element is indeed non-finite, and it is the first one in visit order
        const std::string name = r.last.parameter;
        REQUIRE((name == "W" || name == "b"));
        const float v = r.last.layer == 0 ? (name == "W" ? net.layer<0>().W.elems[r.last.element] : net.layer<0>().b.elems[r.last.element])
                                          : (name == "W" ? net.layer<1>().W.elems[r.last.element] : net.layer<1>().b.elems[r.last.element]);
        CHECK_FALSE(std::isfinite(v));
    }
    std::printf("1e30 feature: %s in epoch %zu, batch %zu (layer %zu, %s[%zu])\n", describe(r.last.fault), r.last.epoch,
                r.last.batch, r.last.layer, r.last.parameter, r.last.element);
}

TEST_CASE("a non-finite batch loss stops fit before its step; a non-finite parameter is named with its path", "[train]") {
    // identity output, mse: W = 1e20 makes a = 1e20 and ½(a − y)² = 5e39, inf in float
    using id_net = network<float, input<1>, dense<1>>;
    const std::vector<float> xs{1, 1, 1, 1}, ys{0, 0, 0, 0};
    const auto d = dataset_view<float, 1, 1>::samples_as_rows(xs, ys);
    id_net net{};
    net.layer<0>().W(0, 0) = 1e20f;
    const id_net before = net;
    optim::sgd opt{0.1};
    const auto r = fit<2>(net, d, loss::mse{}, opt, fit_options{.epochs = 2});
    CHECK(r.fault == training_fault::non_finite_loss);
    CHECK(r.epoch == 1);
    CHECK(r.batch == 1);
    CHECK(std::isinf(r.loss));  // the loss of the batch, not hidden
    CHECK(net == before);       // its step was not applied

    // lr 1e38 on finite gradients of about 1e4: the first step overflows the
    // weights of the residual block's inner layer; the report says layer 0, "0.W"
    using res_net = network<float, input<2>, residual<dense<2>>, dense<1>>;
    const std::vector<float> x2{100, 200, 300, 400}, y2{100, 0};
    res_net rn{};
    rn.initialize(3);
    optim::sgd huge{1e38};
    const auto q = fit<2>(rn, dataset_view<float, 2, 1>::samples_as_rows(x2, y2), loss::mse{}, huge, fit_options{.epochs = 3});
    CHECK(q.fault == training_fault::non_finite_parameter);
    CHECK(q.epoch == 1);
    CHECK(q.layer == 0);
    CHECK(std::string(q.parameter) == "0.W");
    CHECK_FALSE(std::isfinite(boost::hana::at_c<0>(rn.layer<0>().layers).W.elems[q.element]));
}

TEST_CASE("a run with no batch is an error, not loss 0", "[train]") {
    small_data d;
    const std::vector<float> x3(4 * 3), y3(3 * 3);
    for (const auto& [what, view, options] :
         {std::tuple{"epochs = 0", d.view(), fit_options{.epochs = 0}},
          std::tuple{"an empty data set", dataset_view<float, 4, 3>{}, fit_options{.epochs = 2}},
          std::tuple{"drop_last with a batch of 8 > 3 samples", dataset_view<float, 4, 3>::samples_as_rows(x3, y3),
                     fit_options{.epochs = 2, .drop_last = true}}}) {
        INFO(what);
        small_net net{};
        net.initialize(1);
        const small_net before = net;
        run r(net, view, options);
        CHECK(r.last.fault == training_fault::no_batch);
        CHECK(r.last.epoch == 0);
        CHECK(std::isnan(r.last.loss));
        CHECK(std::isnan(r.last.accuracy));
        CHECK(r.seen.size() == 1);
        CHECK(net == before);
    }
    const auto e = evaluate(small_net{}, dataset_view<float, 4, 3>{}, loss::cross_entropy{});
    CHECK(e.fault == training_fault::no_batch);
    CHECK(std::isnan(e.loss));
}

TEST_CASE("evaluate counts a NaN output as unclassified, not as class 0", "[train]") {
    // one output, identity: out = x; labels 1 for x >= 0.5. Samples: x = 0.9 (1, right),
    // 0.2 (0, right), 0.7 labelled 0 (wrong), NaN labelled 0 (no class).
    using id_net = network<double, input<1>, dense<1>>;
    id_net net{};
    net.layer<0>().W(0, 0) = 1;
    const std::vector<double> xs{0.9, 0.2, 0.7, std::nan("")}, ys{1, 0, 0, 0};
    const auto e = evaluate<2>(net, dataset_view<double, 1, 1>::samples_as_rows(xs, ys), loss::mse{});
    CHECK(e.samples == 4);
    CHECK(e.unclassified == 1);
    CHECK(e.confusion[1][1] == 1);
    CHECK(e.confusion[0][0] == 1);  // on the base commit: 2 (the NaN sample counted as class 0, correct)
    CHECK(e.confusion[0][1] == 1);
    CHECK(e.accuracy == 2.0 / 4.0);  // on the base commit: 3/4
    CHECK(std::isnan(e.loss));
}

namespace {
using digits_like = network<float, input<64>, dense<32, act::relu>, dense<10, act::softmax>>;
// the examples' batches fit under the default limit without a workspace
static_assert(fit_stack_bytes<digits_like, 32> <= CTNN_FIT_STACK_LIMIT);
static_assert(fit_stack_bytes<network<float, input<30>, dense<16, act::relu>, dense<16, act::relu>, dense<1, act::sigmoid>>, 16> <=
              CTNN_FIT_STACK_LIMIT);
// the digits network at batch 256 does not (tests/compile_fail/fit_stack_limit.cpp)
static_assert(fit_stack_bytes<digits_like, 256> > CTNN_FIT_STACK_LIMIT);
// small_net (4-8-3) at a batch whose workspace the stack limit refuses: small
// layers keep this test quick to compile, a big batch makes the workspace big
constexpr std::size_t big_batch = 1024;
static_assert(fit_stack_bytes<small_net, big_batch> > CTNN_FIT_STACK_LIMIT);
static_assert(fit_workspace_stack_bytes<small_net, big_batch> <= CTNN_FIT_STACK_LIMIT);
} // namespace

TEST_CASE("fit with a batch too big for the stack runs through the caller's workspace, as fit without one would", "[train]") {
    constexpr std::size_t n = 2 * big_batch + 100;  // two full batches and a partial one
    std::vector<float> xs(4 * n), ys(3 * n, 0.f);
    for (std::size_t i = 0; i < xs.size(); ++i) xs[i] = float((i * 37) % 101) / 101.f - 0.5f;
    for (std::size_t s = 0; s < n; ++s) ys[3 * s + (s * 7) % 3] = 1.f;
    const auto d = dataset_view<float, 4, 3>::samples_as_rows(xs, ys);
    static small_net net{};
    net.initialize(5);
    static optim::adam<small_net> opt{0.01};
    static fit_workspace<small_net, big_batch> ws;  // in static storage
    std::printf("fit<%zu> on 4-8-3: %zu bytes of workspace, %zu bytes of stack for the backward pass\n", big_batch,
                sizeof(ws), fit_workspace_stack_bytes<small_net, big_batch>);
    const auto r = fit(net, d, loss::cross_entropy{}, opt, fit_options{.epochs = 3, .seed = 2}, ws);
    CHECK(r.ok());
    CHECK(r.epoch == 3);
    CHECK(r.batch == 3);
    CHECK(std::isfinite(r.loss));

    // the same run with a small batch, with and without a workspace: the same bits
    auto heap_ws = std::make_unique<fit_workspace<small_net, 8>>();
    static small_net a{}, b{};
    a.initialize(5);
    b.initialize(5);
    static optim::adam<small_net> oa{0.01}, ob{0.01};
    fit<8>(a, d, loss::cross_entropy{}, oa, fit_options{.epochs = 1, .seed = 2});
    fit(b, d, loss::cross_entropy{}, ob, fit_options{.epochs = 1, .seed = 2}, *heap_ws);
    CHECK(a == b);
}
