// export_pytorch.test.cpp — compiled against the headers tools/export_pytorch.py
// wrote at build time from the models of make_models.py. Checks that
// - each header defines exactly the expected network type (static_assert),
// - ctnn's predictions on make_models.py's inputs match torch's outputs
//   (computed by torch at build time) within 1e-6 (float) / 1e-12 (double),
// - the exporter's text is write_header's text for the same network (apart
//   from the line naming the generator), so the two are interchangeable,
// - bias-less Linear layers became zero biases, and edge values kept their bits,
// - write_header answers every name of cxx_name_cases.txt as the table says
//   (check_exporter.py holds export_pytorch.py to the same table).
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <limits>
#include <sstream>
#include <string>
#include <type_traits>

#include <catch2/catch.hpp>

#include <ctnn/ctnn.hpp>
#include <ctnn/io/header.hpp>

#include "edges.hpp"
#include "folded.hpp"
#include "folded_kept.hpp"
#include "kinds.hpp"
#include "mixed.hpp"
#include "mlp.hpp"
#include "seed.hpp"

namespace {

using namespace ctnn;

// The expected types, spelled independently of both exporters.
using mlp_net = network<float, input<4>, dense<8, act::relu>, dense<8, act::tanh>, dense<3, act::softmax>>;
using seed_net = network<float, input<2>, dense<3, act::relu>, dense<3, act::relu>, dense<1, act::sigmoid>>;
// Linear(3,6,bias=False), LeakyReLU(0.125), Dropout, Linear(6,5), Linear(5,4), LeakyReLU(), Identity, Linear(4,2), Sigmoid
using mixed_net = network<double, input<3>, dense<6, act::basic_leaky_relu<1, 8>>, dropout<1, 2>,
                          dense<5, act::identity>, dense<4, act::basic_leaky_relu<1, 100>>, dense<2, act::sigmoid>>;
// Linear, GELU(tanh), BatchNorm1d, PReLU, Dropout(0.25), Linear, ELU, Softplus, Linear, Hardtanh, SiLU, Linear, Softmax
using kinds_net = network<float, input<4>, dense<6, act::gelu>, batch_norm, prelu, dropout<1, 4>, dense<5, act::elu>,
                          activation<act::softplus>, dense<6, act::hard_tanh>, activation<act::silu>,
                          dense<3, act::softmax>>;
using edges_net = network<float, input<4>, dense<3, act::identity>>;

static_assert(std::is_same_v<decltype(models::mlp), const mlp_net>);
static_assert(std::is_same_v<decltype(models::seed), const seed_net>);
static_assert(std::is_same_v<decltype(torch_export::mixed), const mixed_net>);
static_assert(std::is_same_v<decltype(edges), const edges_net>);
static_assert(std::is_same_v<decltype(models::kinds), const kinds_net>);
// Linear, BatchNorm1d, ReLU, Linear: the BatchNorm1d folded into the first Linear, or kept
using folded_net = network<float, input<4>, dense<6>, activation<act::relu>, dense<3>>;
using folded_kept_net = network<float, input<4>, dense<6>, batch_norm, activation<act::relu>, dense<3>>;
static_assert(std::is_same_v<decltype(models::folded), const folded_net>);
static_assert(std::is_same_v<decltype(models::folded_kept), const folded_kept_net>);
static_assert(std::is_same_v<folded_network<folded_kept_net>, folded_net>);

// the first Linear of the mixed model has no bias: zeros
static_assert(torch_export::mixed.layer<0>().b == matrix<double, 6, 1>{});
// edge values (set in make_models.py) kept their bits
static_assert(std::bit_cast<std::uint32_t>(edges.layer<0>().W(0, 0)) == 0x80000000u);
static_assert(edges.layer<0>().W(0, 1) == std::numeric_limits<float>::denorm_min());
static_assert(edges.layer<0>().W(0, 3) == std::numeric_limits<float>::min());
static_assert(edges.layer<0>().b(0, 0) == std::numeric_limits<float>::max());

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string without_line_2(const std::string& text) {
    const std::size_t a = text.find('\n');
    const std::size_t b = text.find('\n', a + 1);
    return a == std::string::npos || b == std::string::npos ? text : text.substr(0, a + 1) + text.substr(b + 1);
}

/// reads "kind rows cols values..." (hex floats) into m, exactly
template <class T, std::size_t R, std::size_t C>
void read_matrix(std::istream& in, char kind, matrix<T, R, C>& m) {
    std::string line, word;
    REQUIRE(std::getline(in, line));
    std::istringstream ls(line);
    char k = 0;
    std::size_t rows = 0, cols = 0;
    REQUIRE((ls >> k >> rows >> cols));
    REQUIRE(k == kind);
    REQUIRE(rows == R);
    REQUIRE(cols == C);
    for (auto& v : m.elems) {
        REQUIRE((ls >> word));
        char* end = nullptr;
        const double d = std::strtod(word.c_str(), &end);
        REQUIRE(end == word.c_str() + word.size());
        v = static_cast<T>(d);
        REQUIRE(static_cast<double>(v) == d);  // torch wrote a value of this type: exact
    }
    REQUIRE(!(ls >> word));
}

/// ctnn's predictions against torch's, within tol·max(1, |torch|); returns the largest deviation
template <std::size_t M, class Net>
double compare_with_torch(const std::string& file, const Net& net, double tol) {
    using T = typename Net::value_type;
    std::ifstream in(std::string(CTNN_EXPORT_DIR) + "/" + file);
    REQUIRE(in);
    matrix<T, Net::input_width, M> x{};
    matrix<T, Net::output_width, M> y{};
    read_matrix(in, 'x', x);
    read_matrix(in, 'y', y);
    const auto got = net.predict(x);
    double worst = 0;
    for (std::size_t i = 0; i < y.size; ++i) {
        const double dev = std::fabs(double(got.elems[i]) - double(y.elems[i])) / std::fmax(1.0, std::fabs(double(y.elems[i])));
        INFO(file << ", output " << i << ": torch " << y.elems[i] << ", ctnn " << got.elems[i]);
        CHECK(dev <= tol);
        worst = std::fmax(worst, dev);
    }
    std::cout << file << ": largest deviation from torch " << worst << " (tolerance " << tol << ")\n";
    return worst;
}

template <class Net>
void check_same_text_as_write_header(const std::string& file, const Net& net, std::string_view name) {
    std::ostringstream out;
    const auto s = io::write_header(net, name, out);
    INFO(s.error.what());
    REQUIRE(s);
    const std::string exported = read_file(std::string(CTNN_EXPORT_DIR) + "/" + file);
    REQUIRE(exported.find("// Generated by tools/export_pytorch.py") != std::string::npos);
    CHECK(without_line_2(exported) == without_line_2(out.str()));
}

} // namespace

TEST_CASE("4-8-8-3 relu/tanh/softmax (a saved module): ctnn matches torch within 1e-6") {
    compare_with_torch<16>("mlp.expected", models::mlp, 1e-6);
}
TEST_CASE("seed 2-3-3-1 (a state dict with --activations): ctnn matches torch within 1e-6") {
    compare_with_torch<16>("seed.expected", models::seed, 1e-6);
}
TEST_CASE("double: no-bias Linear, LeakyReLU(0.125), Dropout, Linear after Linear, LeakyReLU(), Identity: within 1e-12") {
    compare_with_torch<16>("mixed.expected", torch_export::mixed, 1e-12);
}
TEST_CASE("float edge values: ctnn matches torch") { compare_with_torch<2>("edges.expected", edges, 1e-6); }
TEST_CASE("every layer kind (BatchNorm1d's running statistics, PReLU, Dropout, GELU, ELU, Softplus, Hardtanh, SiLU): "
          "ctnn matches torch within 1e-6") {
    compare_with_torch<16>("kinds.expected", models::kinds, 1e-6);
}

TEST_CASE("BatchNorm1d after a Linear, folded or kept: ctnn matches torch within 1e-6") {
    compare_with_torch<16>("folded.expected", models::folded, 1e-6);
    compare_with_torch<16>("folded.expected", models::folded_kept, 1e-6);
}
TEST_CASE("the exporter folds BatchNorm1d into the Linear before it as fold_batch_norm does, bit for bit") {
    CHECK(fold_batch_norm(models::folded_kept) == models::folded);
    // write_header folds it the same way: the same text as the exporter's folded header
    check_same_text_as_write_header("folded.hpp", models::folded_kept, "models::folded");
    std::ostringstream kept;
    REQUIRE(io::write_header(models::folded_kept, "models::folded_kept", kept, io::keep_batch_norm));
    CHECK(without_line_2(read_file(std::string(CTNN_EXPORT_DIR) + "/folded_kept.hpp")) == without_line_2(kept.str()));
}

TEST_CASE("export_pytorch.py writes the text write_header writes for the same network") {
    check_same_text_as_write_header("mlp.hpp", models::mlp, "models::mlp");
    check_same_text_as_write_header("seed.hpp", models::seed, "models::seed");
    check_same_text_as_write_header("mixed.hpp", torch_export::mixed, "torch_export::mixed");
    check_same_text_as_write_header("edges.hpp", edges, "edges");
    check_same_text_as_write_header("kinds.hpp", models::kinds, "models::kinds");
}

TEST_CASE("write_header answers every case of cxx_name_cases.txt as expected (as export_pytorch.py must)") {
    std::ifstream in(CTNN_NAME_CASES);
    REQUIRE(in);
    std::string line;
    std::size_t count = 0;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream fields(line);
        std::string name, expect;
        REQUIRE((fields >> name));
        std::getline(fields >> std::ws, expect);
        const std::string problem = io::detail::check_cxx_name(name);
        INFO("name " << name << ": " << (problem.empty() ? "accepted" : problem) << " (expected: " << expect << ")");
        if (expect == "ok") CHECK(problem.empty());
        else CHECK(problem.find(expect) != std::string::npos);
        ++count;
    }
    CHECK(count > 50);
}
