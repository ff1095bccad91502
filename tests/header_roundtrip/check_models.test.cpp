// check_models.test.cpp — second half of the write_header round trip: compiled
// against the headers write_models wrote at build time. For each network:
// its type is exactly the one spelled out here (static_assert), it is a
// constant (usable in constant expressions), its parameters are those the
// first program printed (printf's %a, read back with strtod), and its
// predictions on the first program's inputs are the first program's, bit for bit;
// the same holds for two of them written under a comma-decimal locale.
#include <bit>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include <catch2/catch.hpp>

#include "locale_guard.hpp"

#include <ctnn/network.hpp>

#include "double.hpp"
#include "edges.hpp"
#include "comma_locale.hpp"
#include "every_kind.hpp"
#include "mixed.hpp"
#include "seed.hpp"
#include "softmax.hpp"

namespace {

using namespace ctnn;

// The expected types, spelled independently of write_header.
using seed_net = network<float, input<2>, dense<3, act::relu>, dense<3, act::relu>, dense<1, act::sigmoid>>;
using mixed_net = network<float, input<3>, dense<5, act::tanh>, dense<4, act::basic_leaky_relu<1, 100>>,
                          dense<4, act::basic_leaky_relu<-1, 8>>, dense<2, act::identity>>;
using softmax_net = network<float, input<4>, dense<8, act::relu>, dense<3, act::softmax>>;
using double_net = network<double, input<3>, dense<6, act::sigmoid>, dense<5, act::basic_leaky_relu<3, 16>>,
                           dense<2, act::tanh>>;
using edges_net = network<float, input<4>, dense<3, act::identity>>;
using every_kind_net =
    network<float, input<4>, dense<6, act::gelu>, batch_norm, prelu, dropout<1, 4>,
            residual<dense<5, act::elu>, activation<act::softplus>, dense<6, act::hard_tanh>>, activation<act::silu>,
            dense<3, act::softmax>>;

static_assert(std::is_same_v<decltype(models::seed), const seed_net>);
static_assert(std::is_same_v<decltype(roundtrip::nested::mixed), const mixed_net>);
static_assert(std::is_same_v<decltype(models::softmax_net), const softmax_net>);
static_assert(std::is_same_v<decltype(models::double_net), const double_net>);
static_assert(std::is_same_v<decltype(edges), const edges_net>);
static_assert(std::is_same_v<decltype(models::every_kind), const every_kind_net>);

// Constants: copies and comparisons in constant evaluation; a few values checked
// against what the first program wrote (by the test below, at run time).
constexpr seed_net seed_copy = models::seed;
static_assert(seed_copy == models::seed);
static_assert(std::bit_cast<std::uint32_t>(edges.layer<0>().W(0, 0)) == 0x80000000u, "-0.0f kept its sign");
static_assert(edges.layer<0>().W(0, 1) == std::numeric_limits<float>::denorm_min());
static_assert(edges.layer<0>().b(0, 0) == std::numeric_limits<float>::max());
static_assert(std::bit_cast<std::uint64_t>(models::double_net.layer<2>().b(0, 0)) == 0x8000000000000000u);

std::string data_path(const std::string& file) { return std::string(CTNN_ROUNDTRIP_DIR) + "/" + file; }

/// a parameter's name as write_models wrote it: its path in composite layers, then its own name
template <class Info>
std::string qualified(const Info& info) {
    std::string s;
    for (std::size_t l = 0; l < info.path.levels; ++l) s += std::to_string(info.path.index[l]) + ".";
    return s + info.name;
}

/// reads "kind rows cols values..." into m (values as hex floats); fails the test on any mismatch
template <class T, std::size_t R, std::size_t C>
void read_matrix(std::istream& in, const std::string& kind, matrix<T, R, C>& m) {
    std::string line;
    REQUIRE(std::getline(in, line));
    std::istringstream ls(line);
    std::string k;
    std::size_t rows = 0, cols = 0;
    REQUIRE((ls >> k >> rows >> cols));
    REQUIRE(k == kind);
    REQUIRE(rows == R);
    REQUIRE(cols == C);
    std::string word;
    for (auto& v : m.elems) {
        REQUIRE((ls >> word));
        char* end = nullptr;
        const double d = std::strtod(word.c_str(), &end);
        REQUIRE(end == word.c_str() + word.size());
        v = static_cast<T>(d);
        REQUIRE(static_cast<double>(v) == d);  // exact: written from a T
    }
    REQUIRE(!(ls >> word));
}

template <class T>
auto bits(T v) {
    if constexpr (sizeof(T) == 4) {
        return std::bit_cast<std::uint32_t>(v);
    } else {
        return std::bit_cast<std::uint64_t>(v);
    }
}

/// the parameters and predictions are the first program's, bit for bit
template <std::size_t M, class Net>
void check(const std::string& file, const Net& generated) {
    using T = typename Net::value_type;
    std::ifstream in(data_path(file + ".expected"));
    REQUIRE(in);
    // every parameter and buffer, in visit order, under its own name
    Net printed{};
    printed.visit([&](const auto& info, auto& m, auto&...) { read_matrix(in, qualified(info), m); });
    CHECK(printed == generated);
    // == treats -0 and +0 as equal: compare the bits of every value too
    std::vector<std::uint64_t> printed_bits, generated_bits;
    printed.visit([&](const auto&, const auto& m, const auto&...) {
        for (auto v : m.elems) printed_bits.push_back(bits(v));
    });
    generated.visit([&](const auto&, const auto& m, const auto&...) {
        for (auto v : m.elems) generated_bits.push_back(bits(v));
    });
    CHECK(printed_bits == generated_bits);

    matrix<T, Net::input_width, M> x{};
    matrix<T, Net::output_width, M> y{};
    read_matrix(in, "x", x);
    read_matrix(in, "y", y);
    const auto got = generated.predict(x);
    for (std::size_t i = 0; i < y.size; ++i) {
        INFO("output " << i << ": expected " << y.elems[i] << ", got " << got.elems[i]);
        CHECK(bits(got.elems[i]) == bits(y.elems[i]));
    }
}

} // namespace

TEST_CASE("seed 2-3-3-1 relu/relu/sigmoid: parameters and predictions bit-identical") { check<16>("seed", models::seed); }
TEST_CASE("tanh, leaky_relu, basic_leaky_relu<-1, 8>, identity: bit-identical") {
    check<16>("mixed", roundtrip::nested::mixed);
}
TEST_CASE("softmax output: bit-identical") { check<16>("softmax", models::softmax_net); }
TEST_CASE("double network with a subnormal and -0: bit-identical") { check<16>("double", models::double_net); }
TEST_CASE("float edge values (-0, subnormals, FLT_MAX, FLT_MIN): bit-identical") { check<3>("edges", edges); }
TEST_CASE("every layer kind (batch_norm's buffers, prelu, dropout, a residual block): bit-identical") {
    check<16>("every_kind", models::every_kind);
}
TEST_CASE("written under a comma-decimal locale (de_DE.UTF-8): the header compiles and is bit-identical") {
    if (!comma_locale_active) {
        if (ctnn_test::comma_locale::required()) FAIL("write_models found no comma-decimal locale, which is required");
        WARN("SKIPPED: write_models found no comma-decimal locale (de_DE.UTF-8)");
        return;
    }
    check<16>("double", comma::double_net);
    check<16>("every_kind", comma::every_kind);
}
