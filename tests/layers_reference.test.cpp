// layers_reference.test.cpp — every layer kind beyond dense (activation layers,
// elu, gelu, silu, hard_tanh, softplus, dropout, batch_norm, prelu, residual
// blocks) in double precision against PyTorch autograd: the training pass's
// output, the loss, every parameter's gradient, the running statistics after
// the pass and predict's output.
//
// The reference values are in reference/layers_reference.txt, made by
// reference/make_layers_reference.py (torch.float64; see its docstring for the
// format). Each TEST_CASE writes out one case's network type; the file spells
// the same type, and the test checks that it does. Parameters and buffers go
// in and gradients come out through the network's visit, by name.
//
// Agreement rule, per element: |got - ref| <= 1e-9 * max(|ref|, 1e-3) (as in
// pytorch_reference.test.cpp). A missing file, case or key, an extra key or a
// shape that differs fails the test.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>

#include <ctnn/ctnn.hpp>
#include <ctnn/io/header.hpp>

#include "reference_checks.hpp"

namespace {

using ctnn_test::ref_array;
using ctnn_test::ref_case;
using ctnn_test::ref_file;

constexpr double rel_tol = 1e-9;
constexpr double abs_floor = 1e-3;

const ctnn_test::reference_source source{CTNN_TEST_DATA_DIR "/reference/layers_reference.txt",
                                          "tests/reference/make_layers_reference.py"};
const ref_file& reference() { return ctnn_test::reference(source); }
const ref_case& require_case(const std::string& name) { return ctnn_test::require_case(source, name); }
using ctnn_test::require_array;

template <std::size_t R, std::size_t C>
void load(ctnn::matrix<double, R, C>& m, const ref_case& c, const std::string& key) {
    const ref_array& a = require_array(c, key, R, C);
    std::copy(a.values.begin(), a.values.end(), m.elems);
}

/// the first `cols` columns of got agree with the reference array `key` (cols columns)
template <std::size_t R, std::size_t C>
void check_close(const ctnn::matrix<double, R, C>& got, const ref_case& c, const std::string& key,
                 std::size_t cols = C) {
    const ref_array& a = require_array(c, key, R, cols);
    double worst = 0;
    for (std::size_t i = 0; i < R; ++i)
        for (std::size_t j = 0; j < cols; ++j) {
            const double ref = a.values[i * cols + j], g = got(i, j);
            const double e = std::isfinite(g) ? std::abs(g - ref) / std::max(std::abs(ref), abs_floor) : INFINITY;
            worst = std::max(worst, e);
        }
    INFO(key << ": worst scaled error " << worst);
    CHECK(worst <= rel_tol);
}

template <class Info>
std::string key_of(const Info& info, std::size_t layer) {
    return ctnn::io::detail::qualified_name(info) + ":" + std::to_string(layer);
}

/// the first Count columns of m
template <std::size_t Count, class T, std::size_t R, std::size_t C>
ctnn::matrix<T, R, Count> first_columns(const ctnn::matrix<T, R, C>& m) {
    ctnn::matrix<T, R, Count> out{};
    for (std::size_t i = 0; i < R; ++i)
        for (std::size_t j = 0; j < Count; ++j) out(i, j) = m(i, j);
    return out;
}

/// Loads case `name` into a Net, runs a training pass on a batch of M (Count
/// real samples), the backward pass and predict, and compares all with PyTorch.
template <class Net, std::size_t M, std::size_t Count, class Loss>
void run_case(const std::string& name, const Loss& loss) {
    const ref_case& c = require_case(name);
    INFO("case " << name);
    REQUIRE(c.meta.count("layers") == 1);
    CHECK("ctnn::network<double, " + c.meta.at("layers") + ">" == ctnn::io::detail::network_spelling<Net>().text_);
    CHECK(c.meta.at("loss_name") == std::string(Loss::name));
    CHECK(c.meta.at("batch") == std::to_string(M));
    CHECK(c.meta.at("count") == std::to_string(Count));
    REQUIRE(c.meta.count("seed") == 1);

    Net net{};
    net.initialize(std::stoull(c.meta.at("seed")));  // seeds dropout's stream
    std::set<std::string> expected{"X", "Y", "A", "loss", "P"};
    net.visit_indexed([&](std::size_t i, const auto& info, auto& p, auto&...) {
        load(p, c, key_of(info, i));
        expected.insert(key_of(info, i));
        expected.insert((std::remove_cvref_t<decltype(info)>::trainable ? "d." : "after.") + key_of(info, i));
    });
    std::set<std::string> present;
    for (const auto& kv : c.arrays) present.insert(kv.first);
    CHECK(present == expected);

    ctnn::matrix<double, Net::input_width, M> X{};
    ctnn::matrix<double, Net::output_width, M> Y{};
    load(X, c, "X");
    load(Y, c, "Y");
    typename Net::template cache_type<M> cache{};
    net.forward_into(X, cache, Count);
    check_close(cache.output(), c, "A", Count);
    const double l = loss.value(first_columns<Count>(cache.output()), first_columns<Count>(Y));
    check_close(ctnn::matrix<double, 1, 1>{{l}}, c, "loss");

    auto g = net.backward(cache, Y, loss, Count);
    net.visit_indexed(
        [&](std::size_t i, const auto& info, const auto& p, const auto&... d) {
            if constexpr (sizeof...(d) == 1) {
                (check_close(d, c, "d." + key_of(info, i)), ...);
            } else {
                check_close(p, c, "after." + key_of(info, i));  // a buffer: the running statistics
            }
        },
        g);
    check_close(net.predict(X), c, "P");
}

using namespace ctnn;

} // namespace

TEST_CASE("layers reference: the file holds exactly the cases tested here", "[reference][layers]") {
    const ref_file& f = reference();
    REQUIRE(f.opened);
    INFO(f.error);
    REQUIRE(f.error.empty());
    const std::set<std::string> tested{"elu",
                                       "gelu",
                                       "silu",
                                       "hard_tanh",
                                       "softplus",
                                       "activation_layer",
                                       "activation_layer_sigmoid_output",
                                       "batch_norm",
                                       "batch_norm_partial",
                                       "prelu",
                                       "prelu_one_sample",
                                       "dropout",
                                       "residual",
                                       "residual_one_sample",
                                       "every_kind"};
    std::set<std::string> in_file;
    for (const auto& kv : f.cases) in_file.insert(kv.first);
    CHECK(in_file == tested);
}

TEST_CASE("layers reference: elu", "[reference][layers]") {
    run_case<network<double, input<3>, dense<4, act::elu>, dense<2, act::identity>>, 5, 5>("elu", loss::mse{});
}
TEST_CASE("layers reference: gelu (tanh form)", "[reference][layers]") {
    run_case<network<double, input<3>, dense<4, act::gelu>, dense<2, act::identity>>, 5, 5>("gelu", loss::mse{});
}
TEST_CASE("layers reference: silu", "[reference][layers]") {
    run_case<network<double, input<3>, dense<4, act::silu>, dense<2, act::tanh>>, 5, 5>("silu", loss::mse{});
}
TEST_CASE("layers reference: hard_tanh", "[reference][layers]") {
    run_case<network<double, input<3>, dense<4, act::hard_tanh>, dense<2, act::identity>>, 5, 5>("hard_tanh",
                                                                                              loss::mse{});
}
TEST_CASE("layers reference: softplus", "[reference][layers]") {
    run_case<network<double, input<3>, dense<4, act::softplus>, dense<2, act::sigmoid>>, 5, 5>(
        "softplus", loss::binary_cross_entropy{});
}
TEST_CASE("layers reference: an activation layer", "[reference][layers]") {
    run_case<network<double, input<3>, dense<4>, activation<act::silu>, dense<3, act::softmax>>, 4, 4>(
        "activation_layer", loss::cross_entropy{});
}
TEST_CASE("layers reference: a sigmoid activation layer at the output (fused delta)", "[reference][layers]") {
    run_case<network<double, input<3>, dense<2>, activation<act::sigmoid>>, 4, 4>("activation_layer_sigmoid_output",
                                                                                 loss::binary_cross_entropy{});
}
TEST_CASE("layers reference: batch_norm", "[reference][layers]") {
    run_case<network<double, input<3>, dense<4>, batch_norm, activation<act::relu>, dense<2, act::sigmoid>>, 6, 6>(
        "batch_norm", loss::binary_cross_entropy{});
}
TEST_CASE("layers reference: batch_norm on a partial batch (4 of 6 samples)", "[reference][layers]") {
    run_case<network<double, input<3>, dense<4>, batch_norm, activation<act::relu>, dense<2, act::sigmoid>>, 6, 4>(
        "batch_norm_partial", loss::binary_cross_entropy{});
}
TEST_CASE("layers reference: prelu", "[reference][layers]") {
    run_case<network<double, input<3>, dense<4>, prelu, dense<3, act::softmax>>, 5, 5>("prelu", loss::cross_entropy{});
}
TEST_CASE("layers reference: prelu in the one-output, one-sample pass", "[reference][layers]") {
    run_case<network<double, input<3>, dense<3>, prelu, dense<1, act::sigmoid>>, 1, 1>("prelu_one_sample",
                                                                                      loss::binary_cross_entropy{});
}
TEST_CASE("layers reference: dropout", "[reference][layers]") {
    run_case<network<double, input<3>, dense<5, act::tanh>, dropout<1, 3>, dense<2>>, 4, 4>("dropout", loss::mse{});
}
TEST_CASE("layers reference: residual", "[reference][layers]") {
    using block = residual<dense<6, act::relu>, dense<4>>;
    run_case<network<double, input<3>, dense<4, act::tanh>, block, dense<1, act::sigmoid>>, 5, 5>(
        "residual", loss::binary_cross_entropy{});
}
TEST_CASE("layers reference: residual in the one-output, one-sample pass", "[reference][layers]") {
    using block = residual<dense<6, act::relu>, dense<4>>;
    run_case<network<double, input<3>, dense<4, act::tanh>, block, dense<1, act::sigmoid>>, 1, 1>(
        "residual_one_sample", loss::binary_cross_entropy{});
}
TEST_CASE("layers reference: every kind in one network", "[reference][layers]") {
    using block = residual<dense<5, act::elu>, activation<act::softplus>, dense<6, act::hard_tanh>>;
    using net_t = network<double, input<4>, dense<6, act::gelu>, batch_norm, prelu, dropout<1, 4>, block,
                          activation<act::silu>, dense<3, act::softmax>>;
    run_case<net_t, 7, 7>("every_kind", loss::cross_entropy{});
}
