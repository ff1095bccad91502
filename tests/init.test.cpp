// init.test.cpp — initialize(seed) gives bit-identical weights at run time, in
// constant evaluation and with every compiler: both are compared exactly with
// reference/init_reference.txt, which reference/make_init_reference.py computes
// independently in Python (integer xoshiro256**, IEEE double arithmetic).
#include <catch2/catch.hpp>

#include <cstdint>
#include <cmath>
#include <cstdlib>
#include <utility>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <ctnn/ctnn.hpp>

using namespace ctnn;

namespace {
using net_t = network<double, input<3>, dense<4, act::relu>, dense<2, act::tanh>>;
using net_f = network<float, input<3>, dense<4, act::relu>, dense<2, act::tanh>>;

/// seed -> key ("W0", "W1") -> values
std::map<std::uint64_t, std::map<std::string, std::vector<double>>> read_reference() {
    std::map<std::uint64_t, std::map<std::string, std::vector<double>>> ref;
    std::ifstream in(CTNN_TEST_DATA_DIR "/reference/init_reference.txt");
    std::string line;
    std::uint64_t seed = 0;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        std::istringstream ls(line);
        std::string key;
        ls >> key;
        if (key == "seed") {
            ls >> seed;
            continue;
        }
        std::size_t rows = 0, cols = 0;
        ls >> rows >> cols;
        std::string hex;
        auto& values = ref[seed][key];
        while (ls >> hex) values.push_back(std::strtod(hex.c_str(), nullptr));  // strtod reads hex floats exactly
        REQUIRE(values.size() == rows * cols);
    }
    return ref;
}

template <std::uint64_t Seed>
constexpr net_t initialised() {
    net_t n{};
    n.initialize(Seed);
    return n;
}

template <std::uint64_t Seed>
void check_seed(const std::map<std::string, std::vector<double>>& ref) {
    net_t run_time{};
    run_time.initialize(Seed);
    constexpr net_t compile_time = initialised<Seed>();
    net_f single{};
    single.initialize(Seed);
    const auto& w0 = ref.at("W0");
    const auto& w1 = ref.at("W1");
    REQUIRE(w0.size() == 12);
    REQUIRE(w1.size() == 8);
    for (std::size_t i = 0; i < 12; ++i) {
        REQUIRE(run_time.layer<0>().W.elems[i] == w0[i]);
        REQUIRE(compile_time.layer<0>().W.elems[i] == w0[i]);
        REQUIRE(single.layer<0>().W.elems[i] == static_cast<float>(w0[i]));
    }
    for (std::size_t i = 0; i < 8; ++i) {
        REQUIRE(run_time.layer<1>().W.elems[i] == w1[i]);
        REQUIRE(compile_time.layer<1>().W.elems[i] == w1[i]);
        REQUIRE(single.layer<1>().W.elems[i] == static_cast<float>(w1[i]));
    }
}
} // namespace

TEST_CASE("initialize(seed) matches an independent Python implementation bit for bit", "[init]") {
    const auto ref = read_reference();
    REQUIRE(ref.size() == 3);
    check_seed<0>(ref.at(0));
    check_seed<42>(ref.at(42));
    check_seed<9223372036854788153ULL>(ref.at(9223372036854788153ULL));
}

namespace {
template <std::uint64_t Seed, class Init>
constexpr net_t initialised_with() {
    net_t n{};
    n.initialize(Seed, Init{});
    return n;
}

template <std::uint64_t Seed, class Init>
void check_normal(const std::vector<double>& w0, const std::vector<double>& w1) {
    net_t run_time{};
    run_time.initialize(Seed, Init{});
    constexpr net_t compile_time = initialised_with<Seed, Init>();
    REQUIRE(w0.size() == 12);
    REQUIRE(w1.size() == 8);
    for (std::size_t i = 0; i < 12; ++i) {
        REQUIRE(run_time.layer<0>().W.elems[i] == w0[i]);
        REQUIRE(compile_time.layer<0>().W.elems[i] == w0[i]);
    }
    for (std::size_t i = 0; i < 8; ++i) {
        REQUIRE(run_time.layer<1>().W.elems[i] == w1[i]);
        REQUIRE(compile_time.layer<1>().W.elems[i] == w1[i]);
    }
}
} // namespace

TEST_CASE("he_normal and glorot_normal match the Python reference bit for bit", "[init]") {
    const auto ref = read_reference();
    check_normal<0, init::he_normal>(ref.at(0).at("HN_W0"), ref.at(0).at("HN_W1"));
    check_normal<42, init::he_normal>(ref.at(42).at("HN_W0"), ref.at(42).at("HN_W1"));
    check_normal<42, init::glorot_normal>(ref.at(42).at("GN_W0"), ref.at(42).at("GN_W1"));
    check_normal<9223372036854788153ULL, init::glorot_normal>(ref.at(9223372036854788153ULL).at("GN_W0"),
                                                             ref.at(9223372036854788153ULL).at("GN_W1"));
}

TEST_CASE("normal initialisers have the stated spread", "[init]") {
    network<double, input<200>, dense<100, act::relu>> he{}, glorot{};
    he.initialize(5, init::he_normal{});
    glorot.initialize(5, init::glorot_normal{});
    auto stats = [](const auto& w) {
        double mean = 0, sq = 0;
        for (double v : w.elems) mean += v / double(w.size);
        for (double v : w.elems) sq += (v - mean) * (v - mean) / double(w.size);
        return std::pair{mean, std::sqrt(sq)};
    };
    const auto [m1, s1] = stats(he.layer<0>().W);
    const auto [m2, s2] = stats(glorot.layer<0>().W);
    // 20000 draws: the sample std is within 2% of the target with overwhelming probability
    REQUIRE(std::fabs(m1) < 0.01);
    REQUIRE(s1 == Approx(std::sqrt(2.0 / 200)).epsilon(0.02));
    REQUIRE(std::fabs(m2) < 0.01);
    REQUIRE(s2 == Approx(std::sqrt(2.0 / 300)).epsilon(0.02));
}

TEST_CASE("initialize(seed, init) overrides the default initialiser", "[init]") {
    net_t he{}, glorot{}, zero{};
    he.initialize(42, init::he_uniform{});
    glorot.initialize(42, init::glorot_uniform{});
    zero.initialize(42, init::zeros{});
    net_t def{};
    def.initialize(42);
    REQUIRE(he.layer<0>().W == def.layer<0>().W);          // relu layer: He by default
    REQUIRE(glorot.layer<1>().W == def.layer<1>().W);      // tanh layer: Glorot by default
    REQUIRE(!(he.layer<1>().W == def.layer<1>().W));
    REQUIRE(zero.layer<0>().W == matrix<double, 4, 3>{});
}
