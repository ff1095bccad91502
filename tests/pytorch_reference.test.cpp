// pytorch_reference.test.cpp — forward outputs, loss values and every dW / db of
// ctnn networks in double precision against PyTorch autograd.
//
// The reference values are in reference/pytorch_reference.txt, made by
// reference/make_reference.py (torch.float64, fixed seeds; see that script for the
// file format). Each TEST_CASE below writes out the network type of one case,
// loads the case's W, b, X and Y, and compares forward(X).output(), predict(X),
// loss.value(A, Y) and backward(...) with the file.
//
// Agreement rule, per element: |got - ref| <= 1e-9 * max(|ref|, 1e-3), i.e. a
// relative error of at most 1e-9, with values below 1e-3 in magnitude held to an
// absolute error of 1e-12 (a gradient entry that is a sum of cancelling terms can
// legitimately lose relative accuracy near zero). Run with -s to see the largest
// scaled error of every compared array.
//
// The test cannot pass vacuously: a missing or unreadable file, a missing case,
// a missing key, an extra key, or an array whose shape differs from the C++
// network's fails the test.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <fstream>
#include <iomanip>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <ctnn/ctnn.hpp>

#include "reference_checks.hpp"

namespace {

using ctnn_test::parse_reference;
using ctnn_test::ref_array;
using ctnn_test::ref_case;
using ctnn_test::ref_file;

constexpr double rel_tol = 1e-9;
constexpr double abs_floor = 1e-3;

/// |got - ref| scaled by max(|ref|, abs_floor); agreement means <= rel_tol
double scaled_error(double got, double ref) { return std::abs(got - ref) / std::max(std::abs(ref), abs_floor); }

const ctnn_test::reference_source source{CTNN_TEST_DATA_DIR "/reference/pytorch_reference.txt",
                                          "tests/reference/make_reference.py"};
const ref_file& reference() { return ctnn_test::reference(source); }
const ref_case& require_case(const std::string& name) { return ctnn_test::require_case(source, name); }
using ctnn_test::require_array;

/// m = the reference array `key`, after checking that it has m's shape
template <std::size_t R, std::size_t C>
void load(ctnn::matrix<double, R, C>& m, const ref_case& c, const std::string& key) {
    const ref_array& a = require_array(c, key, R, C);
    for (std::size_t i = 0; i < R * C; ++i) m.elems[i] = a.values[i];
}

/// every element of `got` agrees with the reference array `key` (see the rule at the top)
template <std::size_t R, std::size_t C>
void check_close(const ctnn::matrix<double, R, C>& got, const ref_case& c, const std::string& key) {
    const ref_array& a = require_array(c, key, R, C);
    double worst = 0.0;
    std::size_t worst_i = 0;
    for (std::size_t i = 0; i < R * C; ++i) {
        const double e = std::isfinite(got.elems[i]) ? scaled_error(got.elems[i], a.values[i]) : INFINITY;
        if (!(e <= worst)) {
            worst = e;
            worst_i = i;
        }
    }
    std::ostringstream msg;
    msg.precision(17);
    msg << key << ": worst element (" << worst_i / C << ", " << worst_i % C << "): got " << got.elems[worst_i]
        << ", PyTorch " << a.values[worst_i] << std::scientific << std::setprecision(3)
        << ", scaled error " << worst;
    INFO(msg.str());
    CHECK(worst <= rel_tol);
}

template <class Act>
std::string act_name() {
    return Act::name;
}

/// "n0-n1-...-nL act1,act2,...,actL" of a network type, as the script writes "arch"
template <class Net>
std::string arch_string() {
    std::string widths = std::to_string(Net::input_width);
    std::string acts;
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        ((widths += "-" + std::to_string(Net::template layer_type<I>::output_shape::size),
          acts += (I == 0 ? "" : ",") + act_name<typename Net::template layer_type<I>::activation>()),
         ...);
    }(std::make_index_sequence<Net::depth>{});
    return widths + " " + acts;
}

/// Load case `name` into a Net, run it on a batch of M and compare everything with PyTorch.
template <class Net, std::size_t M, class Loss>
void run_case(const std::string& name, const Loss& loss) {
    const ref_case& c = require_case(name);
    INFO("case " << name);

    // The case in the file is the network written out in the TEST_CASE.
    REQUIRE(c.meta.count("arch") == 1);
    REQUIRE(c.meta.count("loss_name") == 1);
    REQUIRE(c.meta.count("batch") == 1);
    CHECK(c.meta.at("arch") == arch_string<Net>());
    CHECK(c.meta.at("loss_name") == std::string(Loss::name));
    CHECK(c.meta.at("batch") == std::to_string(M));

    // Exactly the expected keys: nothing missing (checked below), nothing extra.
    std::set<std::string> expected{"X", "Y", "A", "loss"};
    for (std::size_t i = 0; i < Net::depth; ++i)
        for (const char* k : {"W", "b", "dW", "db"}) expected.insert(k + std::to_string(i));
    std::set<std::string> present;
    for (const auto& kv : c.arrays) present.insert(kv.first);
    CHECK(present == expected);

    // every parameter from the key <name><layer> (W0, b0, ...), through the network's visit
    Net net{};
    // appended, not concatenated (a const char* + std::string trips g++ 12's -Wrestrict)
    const auto key = [](const char* prefix, const char* parameter, std::size_t i) {
        std::string k = prefix;
        k += parameter;
        k += std::to_string(i);
        return k;
    };
    net.visit_indexed([&](std::size_t i, const auto& info, auto& p, auto&...) { load(p, c, key("", info.name, i)); });
    ctnn::matrix<double, Net::input_width, M> X{};
    ctnn::matrix<double, Net::output_width, M> Y{};
    load(X, c, "X");
    load(Y, c, "Y");

    const auto cache = net.forward(X);
    check_close(cache.output(), c, "A");
    check_close(net.predict(X), c, "A");
    check_close(ctnn::matrix<double, 1, 1>{{loss.value(cache.output(), Y)}}, c, "loss");

    // every gradient against the key d<name><layer> (dW0, db0, ...)
    auto g = net.backward(cache, Y, loss);
    net.visit_indexed(
        [&](std::size_t i, const auto& info, const auto&, const auto& d) {
            check_close(d, c, key("d", info.name, i));
        },
        g);
}

using ctnn::dense;
using ctnn::input;
namespace act = ctnn::act;
namespace loss = ctnn::loss;

} // namespace

TEST_CASE("pytorch reference: the file is present and holds every case", "[pytorch][reference]") {
    const ref_file& f = reference();
    INFO("reference file: " CTNN_TEST_DATA_DIR "/reference/pytorch_reference.txt");
    REQUIRE(f.opened);
    INFO(f.error);
    REQUIRE(f.error.empty());
    // one TEST_CASE below per case in the file, no more, no fewer
    const std::set<std::string> tested{"seed_2_3_3_1_bce_m1",      "seed_2_3_3_1_bce_m8",     "tanh_identity_mse_m4",
                                       "leaky_sigmoid_mse_m7",     "sigmoid_softmax_mse_m1",  "identity_relu_tanh_mse_m7",
                                       "leaky_relu_output_mse_m4", "relu_output_mse_m1",      "tanh_sigmoid_bce_m4",
                                       "relu_tanh_softmax_ce_m7",  "leaky_softmax_ce_m1",     "sigmoid_softmax_ce_m4"};
    std::set<std::string> in_file;
    for (const auto& kv : f.cases) in_file.insert(kv.first);
    CHECK(in_file == tested);
}

TEST_CASE("pytorch reference: seed 2-3-3-1 relu,relu,sigmoid, BCE, m=1", "[pytorch][reference]") {
    using net_t = ctnn::network<double, input<2>, dense<3, act::relu>, dense<3, act::relu>, dense<1, act::sigmoid>>;
    run_case<net_t, 1>("seed_2_3_3_1_bce_m1", loss::binary_cross_entropy{});
}

TEST_CASE("pytorch reference: seed 2-3-3-1 relu,relu,sigmoid, BCE, m=8", "[pytorch][reference]") {
    using net_t = ctnn::network<double, input<2>, dense<3, act::relu>, dense<3, act::relu>, dense<1, act::sigmoid>>;
    run_case<net_t, 8>("seed_2_3_3_1_bce_m8", loss::binary_cross_entropy{});
}

TEST_CASE("pytorch reference: 3-5-2 tanh,identity, MSE, m=4", "[pytorch][reference]") {
    using net_t = ctnn::network<double, input<3>, dense<5, act::tanh>, dense<2, act::identity>>;
    run_case<net_t, 4>("tanh_identity_mse_m4", loss::mse{});
}

TEST_CASE("pytorch reference: 4-6-3 leaky_relu,sigmoid, MSE, m=7", "[pytorch][reference]") {
    using net_t = ctnn::network<double, input<4>, dense<6, act::leaky_relu>, dense<3, act::sigmoid>>;
    run_case<net_t, 7>("leaky_sigmoid_mse_m7", loss::mse{});
}

TEST_CASE("pytorch reference: 3-4-3 sigmoid,softmax, MSE, m=1", "[pytorch][reference]") {
    using net_t = ctnn::network<double, input<3>, dense<4, act::sigmoid>, dense<3, act::softmax>>;
    run_case<net_t, 1>("sigmoid_softmax_mse_m1", loss::mse{});
}

TEST_CASE("pytorch reference: 4-5-6-2 identity,relu,tanh, MSE, m=7", "[pytorch][reference]") {
    using net_t =
        ctnn::network<double, input<4>, dense<5, act::identity>, dense<6, act::relu>, dense<2, act::tanh>>;
    run_case<net_t, 7>("identity_relu_tanh_mse_m7", loss::mse{});
}

TEST_CASE("pytorch reference: 3-4-3 tanh,leaky_relu, MSE, m=4", "[pytorch][reference]") {
    using net_t = ctnn::network<double, input<3>, dense<4, act::tanh>, dense<3, act::leaky_relu>>;
    run_case<net_t, 4>("leaky_relu_output_mse_m4", loss::mse{});
}

TEST_CASE("pytorch reference: 2-4-2 leaky_relu,relu, MSE, m=1", "[pytorch][reference]") {
    using net_t = ctnn::network<double, input<2>, dense<4, act::leaky_relu>, dense<2, act::relu>>;
    run_case<net_t, 1>("relu_output_mse_m1", loss::mse{});
}

TEST_CASE("pytorch reference: 3-4-2 tanh,sigmoid, BCE, m=4", "[pytorch][reference]") {
    using net_t = ctnn::network<double, input<3>, dense<4, act::tanh>, dense<2, act::sigmoid>>;
    run_case<net_t, 4>("tanh_sigmoid_bce_m4", loss::binary_cross_entropy{});
}

TEST_CASE("pytorch reference: 5-6-4-3 relu,tanh,softmax, cross-entropy, m=7", "[pytorch][reference]") {
    using net_t =
        ctnn::network<double, input<5>, dense<6, act::relu>, dense<4, act::tanh>, dense<3, act::softmax>>;
    run_case<net_t, 7>("relu_tanh_softmax_ce_m7", loss::cross_entropy{});
}

TEST_CASE("pytorch reference: 4-5-3 leaky_relu,softmax, cross-entropy, m=1", "[pytorch][reference]") {
    using net_t = ctnn::network<double, input<4>, dense<5, act::leaky_relu>, dense<3, act::softmax>>;
    run_case<net_t, 1>("leaky_softmax_ce_m1", loss::cross_entropy{});
}

TEST_CASE("pytorch reference: 2-3-4 sigmoid,softmax, cross-entropy, m=4", "[pytorch][reference]") {
    using net_t = ctnn::network<double, input<2>, dense<3, act::sigmoid>, dense<4, act::softmax>>;
    run_case<net_t, 4>("sigmoid_softmax_ce_m4", loss::cross_entropy{});
}
