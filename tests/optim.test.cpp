// optim.test.cpp — momentum and Adam against torch.optim trajectories (double),
// six steps each, from reference/optim_reference.txt (made by
// reference/make_optim_reference.py). Agreement per element:
// |got − ref| <= 1e-9 · max(|ref|, 1e-3). Also: optimiser state is static memory
// shaped by the network, and the optimisers run in constant evaluation.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>

#include <ctnn/ctnn.hpp>

#include "reference_file.hpp"

using namespace ctnn;

namespace {
using net_t = network<double, input<3>, dense<5, act::tanh>, dense<2, act::softmax>>;

const ctnn_test::ref_file& reference() {
    static const ctnn_test::ref_file f = ctnn_test::parse_reference(CTNN_TEST_DATA_DIR "/reference/optim_reference.txt");
    return f;
}

template <std::size_t R, std::size_t C>
void load(const ctnn_test::ref_case& c, const std::string& key, matrix<double, R, C>& m) {
    INFO("array " << key);
    REQUIRE(c.arrays.count(key) == 1);
    const auto& a = c.arrays.at(key);
    REQUIRE((a.rows == R && a.cols == C));
    for (std::size_t i = 0; i < R * C; ++i) m.elems[i] = a.values[i];
}

template <std::size_t R, std::size_t C>
double worst(const matrix<double, R, C>& got, const matrix<double, R, C>& ref) {
    double w = 0;
    for (std::size_t i = 0; i < R * C; ++i)
        w = std::max(w, std::abs(got.elems[i] - ref.elems[i]) / std::max(std::abs(ref.elems[i]), 1e-3));
    return w;
}

/// "s<k>_<name>": the reference key of a parameter after step k (built with +=:
/// g++ 12 -O3 gives a false -Wrestrict for "literal" + std::string)
std::string step_key(int k, const char* name) {
    std::string key = "s";
    key += std::to_string(k);
    key += '_';
    key += name;
    return key;
}

/// runs opt for every step of case `name` and compares the parameters after each
template <class Opt>
void check_trajectory(const std::string& name, const std::string& description, Opt opt) {
    const auto& f = reference();
    REQUIRE(f.opened);
    INFO(f.error);
    REQUIRE(f.error.empty());
    REQUIRE(f.cases.count(name) == 1);
    const auto& c = f.cases.at(name);
    REQUIRE(c.meta.at("optimizer") == description);  // the C++ settings are the script's
    REQUIRE(c.meta.at("arch") == "3-5-2 tanh softmax");
    net_t net{};
    matrix<double, 3, 4> X{};
    matrix<double, 2, 4> Y{};
    load(c, "W0", net.layer<0>().W);
    load(c, "b0", net.layer<0>().b);
    load(c, "W1", net.layer<1>().W);
    load(c, "b1", net.layer<1>().b);
    load(c, "X", X);
    load(c, "Y", Y);
    int steps = 0;
    for (int k = 1; c.arrays.count(step_key(k, "W0")); ++k, ++steps) {
        opt.step(net, net.backward(net.forward(X), Y, loss::cross_entropy{}));
        net_t ref{};
        load(c, step_key(k, "W0"), ref.layer<0>().W);
        load(c, step_key(k, "b0"), ref.layer<0>().b);
        load(c, step_key(k, "W1"), ref.layer<1>().W);
        load(c, step_key(k, "b1"), ref.layer<1>().b);
        const double w = std::max({worst(net.layer<0>().W, ref.layer<0>().W), worst(net.layer<0>().b, ref.layer<0>().b),
                                   worst(net.layer<1>().W, ref.layer<1>().W), worst(net.layer<1>().b, ref.layer<1>().b)});
        INFO(name << " step " << k);
        CHECK(w <= 1e-9);
    }
    REQUIRE(steps == 6);
}
} // namespace

TEST_CASE("momentum matches torch.optim.SGD(momentum=0.9)", "[optim]") {
    check_trajectory("sgd_momentum", "momentum lr=0.1 beta=0.9 weight_decay=0", optim::momentum<net_t>{0.1, 0.9});
}

TEST_CASE("momentum with weight decay matches torch.optim.SGD(momentum=0.8, weight_decay=0.01)", "[optim]") {
    check_trajectory("sgd_momentum_wd", "momentum lr=0.05 beta=0.8 weight_decay=0.01",
                     optim::momentum<net_t>{0.05, 0.8, 0.01});
}

TEST_CASE("adam matches torch.optim.Adam with default settings", "[optim]") {
    check_trajectory("adam", "adam lr=0.01 beta1=0.9 beta2=0.999 eps=1e-08 weight_decay=0", optim::adam<net_t>{0.01});
}

TEST_CASE("adam matches torch.optim.Adam(betas=(0.8, 0.99), eps=1e-6, weight_decay=0.05)", "[optim]") {
    check_trajectory("adam_custom", "adam lr=0.02 beta1=0.8 beta2=0.99 eps=1e-06 weight_decay=0.05",
                     optim::adam<net_t>{.lr = 0.02, .beta1 = 0.8, .beta2 = 0.99, .eps = 1e-6, .weight_decay = 0.05});
}

TEST_CASE("optimiser state is static memory shaped by the network", "[optim]") {
    STATIC_REQUIRE(sizeof(optim::sgd) == sizeof(double));
    STATIC_REQUIRE(sizeof(optim::momentum<net_t>) == 3 * sizeof(double) + net_t::gradient_bytes);
    STATIC_REQUIRE(sizeof(optim::adam<net_t>) >= 2 * net_t::gradient_bytes);
    STATIC_REQUIRE(sizeof(optim::adam<net_t>) <= 2 * net_t::gradient_bytes + 8 * sizeof(double));
}

TEST_CASE("momentum and adam steps run in constant evaluation", "[optim][constexpr]") {
    constexpr auto trained = [] {
        using xor_net = network<double, input<2>, dense<4, act::tanh>, dense<1, act::sigmoid>>;
        xor_net a{}, m{};
        a.initialize(1);
        m.initialize(1);
        const matrix<double, 2, 4> X{{0, 0, 1, 1, 0, 1, 0, 1}};
        const matrix<double, 1, 4> Y{{0, 1, 1, 0}};
        optim::adam<xor_net> adam{0.05};
        optim::momentum<xor_net> mom{0.5, 0.9};
        const double before = loss::binary_cross_entropy{}.value(a.predict(X), Y);
        for (int i = 0; i < 20; ++i) {
            adam.step(a, a.backward(a.forward(X), Y, loss::binary_cross_entropy{}));
            mom.step(m, m.backward(m.forward(X), Y, loss::binary_cross_entropy{}));
        }
        struct result { double before, adam, momentum; };
        return result{before, loss::binary_cross_entropy{}.value(a.predict(X), Y),
                      loss::binary_cross_entropy{}.value(m.predict(X), Y)};
    }();
    STATIC_REQUIRE(trained.adam < trained.before);
    STATIC_REQUIRE(trained.momentum < trained.before);
}
