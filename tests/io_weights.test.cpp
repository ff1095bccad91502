// io_weights.test.cpp — save/load round trips bit-exactly; every kind of bad
// weight file is rejected naming the file, line and field, and the network it
// was meant for keeps exactly the parameters it had.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <ctnn/ctnn.hpp>
#include <ctnn/io/weights.hpp>

using namespace ctnn;

namespace {
using small_t = network<float, input<2>, dense<3, act::relu>, dense<1, act::sigmoid>>;
using wide_t = network<float, input<2>, dense<4, act::relu>, dense<1, act::sigmoid>>;
using deep_t = network<float, input<2>, dense<3, act::relu>, dense<3, act::relu>, dense<1, act::sigmoid>>;
using small_d = network<double, input<2>, dense<3, act::relu>, dense<1, act::sigmoid>>;

std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}
void write(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

/// replaces the first occurrence of `from` in the file's text
std::string edited(std::string text, const std::string& from, const std::string& to) {
    const auto pos = text.find(from);
    REQUIRE(pos != std::string::npos);
    return text.replace(pos, from.size(), to);
}
} // namespace

TEST_CASE("weights round-trip bit-exactly (float and double)", "[io][weights]") {
    small_t a{};
    a.initialize(11);
    a.layer<0>().b = matrix<float, 3, 1>{{0.1f, -1e-30f, 3.4e38f}};  // extremes survive too
    REQUIRE(io::save(a, "ctnn_w_round.txt"));
    small_t b{};
    const auto st = io::load(b, "ctnn_w_round.txt");
    INFO(st.error.what());
    REQUIRE(st);
    REQUIRE(b == a);
    small_d c{}, d{};
    c.initialize(12);
    REQUIRE(io::save(c, "ctnn_w_round_d.txt"));
    REQUIRE(io::load(d, "ctnn_w_round_d.txt"));
    REQUIRE(d == c);
    const matrix<double, 2, 1> x{{0.3, -0.7}};
    REQUIRE(d.predict(x) == c.predict(x));
    std::remove("ctnn_w_round.txt");
    std::remove("ctnn_w_round_d.txt");
}

TEST_CASE("bad weight files are rejected with file, line and field; the network is untouched", "[io][weights]") {
    small_t source{};
    source.initialize(1);
    REQUIRE(io::save(source, "ctnn_w_good.txt"));
    const std::string good = read("ctnn_w_good.txt");
    wide_t wide{};
    wide.initialize(2);
    REQUIRE(io::save(wide, "ctnn_w_wide.txt"));
    deep_t deep{};
    deep.initialize(3);
    REQUIRE(io::save(deep, "ctnn_w_deep.txt"));
    small_d dbl{};
    REQUIRE(io::save(dbl, "ctnn_w_double.txt"));
    // a value token of the first W line, to corrupt
    const std::string first_value = good.substr(good.find("W 0 3 2 ") + 8, good.find(' ', good.find("W 0 3 2 ") + 8) - good.find("W 0 3 2 ") - 8);

    struct bad {
        const char* name;
        std::string path;
        std::size_t line;
        const char* message;
    };
    auto make = [](const char* name, const std::string& text) {
        const std::string path = io::detail::cat("ctnn_w_", std::string_view(name), ".txt");
        write(path, text);
        return path;
    };
    const bad cases[] = {
        {"another shape", "ctnn_w_wide.txt", 4, "W of layer 0: shape 4x2 in the file, 3x2 in the network"},
        {"another depth", "ctnn_w_deep.txt", 3, "layers: the file has 3 layers, the network 2"},
        {"another type", "ctnn_w_double.txt", 2, "type: the file holds double, the network is float"},
        {"truncated", make("truncated", good.substr(0, good.size() / 2)), 0, "truncated"},
        {"no checksum", make("nochecksum", good.substr(0, good.find("checksum"))), 8, "checksum: missing"},
        {"corrupted", make("corrupted", edited(good, first_value, first_value[0] == '-' ? first_value.substr(1) : io::detail::cat("-", first_value))), 8,
         "checksum: does not match"},
        {"bad version", make("version", edited(good, "ctnn-weights 1", "ctnn-weights 2")), 1, "version: 2 is not supported"},
        {"bad magic", make("magic", edited(good, "ctnn-weights", "tnnc-weights")), 1, "magic: not a ctnn weight file"},
        {"not a number", make("nan", edited(good, first_value, "zz")), 4, "value 0 'zz' is not a finite number"},
        {"infinity", make("inf", edited(good, first_value, "inf")), 4, "is not a finite number"},
        {"empty", make("empty", ""), 0, "empty file"},
        {"missing", "ctnn_w_does_not_exist.txt", 0, "cannot open the file"},
    };
    for (const auto& c : cases) {
        INFO("case " << c.name);
        small_t net{};
        net.initialize(99);
        const small_t before = net;
        const auto st = io::load(net, c.path);
        INFO(st.error.what());
        REQUIRE(!st);
        CHECK(st.error.file == c.path);
        if (c.line) CHECK(st.error.line == c.line);
        CHECK(st.error.message.find(c.message) != std::string::npos);
        CHECK(net == before);  // left exactly as it was
    }
    for (const char* f : {"good", "wide", "deep", "double", "truncated", "nochecksum", "corrupted", "version", "magic", "nan",
                          "inf", "empty"})
        std::remove(io::detail::cat("ctnn_w_", std::string_view(f), ".txt").c_str());
}
