// layers.test.cpp — the layer kinds beyond dense through the layer concept:
// gradients against central finite differences, a training step in constant
// evaluation equal to the same step at run time, dropout's and batch_norm's
// training and inference behaviour, and weight-file round trips.
// (PyTorch agreement: layers_reference.test.cpp; no heap: no_heap.test.cpp;
// header export: header_roundtrip/.)
#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <ctnn/ctnn.hpp>
#include <ctnn/io/weights.hpp>

#include "support.hpp"

using namespace ctnn;

namespace {

using block = residual<dense<5, act::elu>, activation<act::softplus>, dense<6, act::hard_tanh>>;
template <class T>
using every_kind_net = network<T, input<4>, dense<6, act::gelu>, batch_norm, prelu, dropout<1, 4>, block,
                               activation<act::silu>, dense<3, act::softmax>>;

/// a matrix of deterministic values in [-1, 1]
template <class T, std::size_t R, std::size_t C>
constexpr matrix<T, R, C> values(double phase) {
    matrix<T, R, C> m{};
    for (std::size_t i = 0; i < R * C; ++i) {
        const double x = 0.7 * static_cast<double>(i) + phase;
        m.elems[i] = static_cast<T>(x - 2.0 * static_cast<double>(static_cast<long>(x / 2.0)) - 1.0);
    }
    return m;
}

template <class T, std::size_t Classes, std::size_t M>
constexpr matrix<T, Classes, M> one_hot() {
    matrix<T, Classes, M> y{};
    for (std::size_t j = 0; j < M; ++j) y((j * 7 + 1) % Classes, j) = T(1);
    return y;
}

/// the network after one SGD step on (X, Y) from initialize(seed): the same
/// function at compile time and at run time
template <class Net, std::size_t M, class Loss>
constexpr Net one_step(std::uint64_t seed) {
    using T = typename Net::value_type;
    Net net{};
    net.initialize(seed);
    const auto x = values<T, Net::input_width, M>(0.3);
    const auto y = one_hot<T, Net::output_width, M>();
    const auto cache = net.forward(x);
    optim::sgd{0.1}.step(net, net.backward(cache, y, Loss{}));
    return net;
}

template <class T>
auto bits(T v) {
    if constexpr (sizeof(T) == 4) {
        return std::bit_cast<std::uint32_t>(v);
    } else {
        return std::bit_cast<std::uint64_t>(v);
    }
}

/// every parameter and buffer of a and b has the same bits
template <class Net>
bool same_bits(const Net& a, const Net& b) {
    std::vector<std::uint64_t> x, y;
    a.visit([&](const auto&, const auto& m, const auto&...) {
        for (auto v : m.elems) x.push_back(bits(v));
    });
    b.visit([&](const auto&, const auto& m, const auto&...) {
        for (auto v : m.elems) y.push_back(bits(v));
    });
    return x == y;
}

} // namespace

TEST_CASE("layer kinds: gradients agree with central finite differences (double)", "[layers][gradients]") {
    using ctnn_test::gradient_check;
    const auto x = values<double, 3, 5>(0.1);
    const auto y = one_hot<double, 3, 5>();
    const loss::cross_entropy ce{};
    // h = 1e-6: the central difference's error is about h² times the third derivative plus the rounding of the loss
    SECTION("the new activations, one after the other") {
        network<double, input<3>, dense<4, act::elu>, dense<4, act::gelu>, dense<4, act::silu>, dense<4, act::hard_tanh>,
                dense<4, act::softplus>, dense<3, act::softmax>>
            n{};
        n.initialize(1);
        CHECK(gradient_check(n, x, y, ce) < 1e-6);
    }
    SECTION("every layer kind in one network (prelu's slopes of both signs)") {
        every_kind_net<double> n{};
        n.initialize(11);
        n.layer<2>().alpha = matrix<double, 6, 1>{{0.1, -0.3, 0.7, 0.25, -0.05, 1.2}};
        CHECK(gradient_check(n, values<double, 4, 5>(0.2), y, ce) < 1e-6);
    }
}

TEST_CASE("layer kinds: a training step in constant evaluation gives the bits of the run-time step",
          "[layers][constexpr]") {
    // float: ctnn's own exp and tanh (the same bits at compile and run time);
    // the run-time step takes the same summation orders (kernels.hpp)
    constexpr auto at_compile_time = one_step<every_kind_net<float>, 6, loss::cross_entropy>(21);
    volatile std::uint64_t seed = 21;  // a run-time call
    const auto at_run_time = one_step<every_kind_net<float>, 6, loss::cross_entropy>(seed);
    CHECK(same_bits(at_compile_time, at_run_time));
    constexpr auto predicted = at_compile_time.predict(values<float, 4, 3>(0.9));
    CHECK(predicted == at_run_time.predict(values<float, 4, 3>(0.9)));
}

TEST_CASE("dropout: seeded masks in training, the identity in predict", "[layers][dropout]") {
    using net_t = network<double, input<8>, dense<8, act::tanh>, dropout<1, 2>>;
    net_t a{}, b{}, c{};
    a.initialize(3);
    b.initialize(3);
    c.initialize(4);
    const auto x = values<double, 8, 16>(0.5);
    const auto ya = a.forward(x).output(), yb = b.forward(x).output(), yc = c.forward(x).output();
    CHECK(ya == yb);  // the same seed: the same mask
    const auto second = a.forward(x);  // the next call: another mask
    const auto& mask = second.layer<1>().mask;
    std::size_t dropped = 0;
    for (double v : mask.elems) {
        CHECK((v == 0.0 || v == 2.0));  // kept ones scaled by 1/(1 - p)
        dropped += v == 0.0;
    }
    CHECK(dropped > 32);  // p = 1/2 of 128
    CHECK(dropped < 96);
    CHECK(!(a.forward(x).output() == ya));  // the stream moves on
    CHECK(a.predict(x) == a.layer<0>().predict(x));  // predict: dropout is the identity
    CHECK(!(yc == ya) );  // another seed: another mask (of the same weights up to the seed)
    CHECK(a == b);        // the stream is not a parameter
}

TEST_CASE("batch_norm: batch statistics in training, running statistics in predict", "[layers][batch_norm]") {
    using net_t = network<double, input<3>, batch_norm>;
    net_t net{};
    net.initialize(1);
    CHECK(net.layer<0>().gamma == matrix<double, 3, 1>{{1, 1, 1}});
    CHECK(net.layer<0>().running_var == matrix<double, 3, 1>{{1, 1, 1}});
    const auto x = values<double, 3, 8>(0.1);
    const auto y = net.forward(x).output();
    for (std::size_t i = 0; i < 3; ++i) {  // each feature normalised over the batch: mean 0, variance ≈ 1
        double mean = 0, var = 0;
        for (std::size_t j = 0; j < 8; ++j) mean += y(i, j) / 8;
        for (std::size_t j = 0; j < 8; ++j) var += (y(i, j) - mean) * (y(i, j) - mean) / 8;
        CHECK(std::abs(mean) < 1e-12);
        CHECK(var == Approx(1.0).epsilon(1e-3));  // eps = 1e-5 in the denominator
        double xm = 0;
        for (std::size_t j = 0; j < 8; ++j) xm += x(i, j) / 8;
        CHECK(net.layer<0>().running_mean(i, 0) == Approx(0.1 * xm));  // (1 - 0.1)·0 + 0.1·mean
    }
    // predict uses the running statistics, one sample at a time as well as in a batch
    const auto p = net.predict(x);
    for (std::size_t j = 0; j < 8; ++j) CHECK(net.predict(column(x, j)) == column(p, j));
    // a partial batch of one sample leaves the running statistics alone
    typename net_t::cache_type<8> cache{};
    const auto before = net.layer<0>().running_var;
    net.forward_into(x, cache, 1);
    CHECK(net.layer<0>().running_var == before);
}

TEMPLATE_TEST_CASE("layer kinds: save and load give back every parameter and buffer, bit for bit",
                   "[layers][io]", float, double) {
    every_kind_net<TestType> net{};
    net.initialize(5);
    init::xoshiro256ss rng{5};  // every value drawn, so that no start value (0, 1, 0.25) is left
    net.visit([&](const auto&, auto& m, auto&...) {
        for (auto& v : m.elems) v = static_cast<TestType>(0.5 + rng.uniform01());
    });
    const std::string path = "ctnn_layers_weights_" + std::to_string(sizeof(TestType)) + ".txt";
    REQUIRE(io::save(net, path));
    every_kind_net<TestType> loaded{};
    const auto s = io::load(loaded, path);
    INFO(s.error.what());
    REQUIRE(s);
    CHECK(same_bits(loaded, net));
    CHECK(loaded.predict(values<TestType, 4, 5>(0.4)) == net.predict(values<TestType, 4, 5>(0.4)));
    // a network of other kinds, with the same widths, does not take the file
    network<TestType, input<4>, dense<6, act::gelu>, dense<6>, prelu, dropout<1, 4>, block, activation<act::silu>,
            dense<3, act::softmax>>
        other{};
    const auto before = other;
    const auto wrong = io::load(other, path);
    CHECK(!wrong);
    INFO(wrong.error.what());
    CHECK(wrong.error.message.find("network: layer 1 is 'ctnn::batch_norm' in the file") != std::string::npos);
    CHECK(other == before);
    std::remove(path.c_str());
}
