// io_weights.test.cpp — save/load round trips bit-exactly, under any locale;
// every kind of bad weight file is rejected naming the file, line and field,
// and the network it was meant for keeps exactly the parameters it had; save
// writes nothing for non-finite parameters; the file records the network's
// type; version 1 files still load.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <new>
#include <sstream>
#include <streambuf>
#include <string>

#include <ctnn/ctnn.hpp>
#include <ctnn/io/weights.hpp>

#include "io_support.hpp"
#include "locale_guard.hpp"

using namespace ctnn;

namespace {
using small_t = network<float, input<2>, dense<3, act::relu>, dense<1, act::sigmoid>>;
using small_tanh = network<float, input<2>, dense<3, act::tanh>, dense<1, act::sigmoid>>;
using wide_t = network<float, input<2>, dense<4, act::relu>, dense<1, act::sigmoid>>;
using deep_t = network<float, input<2>, dense<3, act::relu>, dense<3, act::relu>, dense<1, act::sigmoid>>;
using small_d = network<double, input<2>, dense<3, act::relu>, dense<1, act::sigmoid>>;
using residual_t = network<float, input<2>, residual<dense<2, act::relu>>, dense<1, act::sigmoid>>;

/// an activation of the user's own: it inherits relu's spell(), which spells
/// relu, so a network using it cannot be spelled
struct my_relu : act::relu {};
using unspelled_t = network<float, input<2>, dense<3, my_relu>, dense<1, act::sigmoid>>;
using unspelled_wide = network<float, input<2>, dense<4, my_relu>, dense<1, act::sigmoid>>;
static_assert(!io::detail::spellable<unspelled_t>);

const std::string data_dir = CTNN_TEST_DATA_DIR "/data/";

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

/// FNV-1a 64, written here from its definition (not the library's)
std::uint64_t fnv1a_64(const std::string& s) {
    std::uint64_t h = 14695981039346656037ULL;
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
    return h;
}
/// the text of a file without its checksum line, with a valid one appended
std::string with_checksum(const std::string& body) {
    char line[40];
    std::snprintf(line, sizeof line, "checksum %016llx\n", static_cast<unsigned long long>(fnv1a_64(body)));
    return body + line;
}
std::string without_checksum(const std::string& text) { return text.substr(0, text.find("checksum ")); }

/// the body of a version 2 file for small_t with the first W value replaced
std::string small_file_with_first_value(const std::string& value) {
    small_t net{};
    REQUIRE(io::save(net, "ctnn_w_tmpl.txt"));
    const std::string body = without_checksum(read("ctnn_w_tmpl.txt"));
    std::remove("ctnn_w_tmpl.txt");
    return with_checksum(edited(body, "W 0 3 2 0x0p+0 ", "W 0 3 2 " + value + " "));
}

using ctnn_test::failing_buf;

/// loads path into a small_t network initialised with seed, requires the load
/// to fail and to leave the network exactly as it was; the status, for the
/// caller's checks of the message
io::status rejected_load(const std::string& path, std::uint64_t seed) {
    small_t net{};
    net.initialize(seed);
    const small_t before = net;
    const auto st = io::load(net, path);
    INFO(st.error.what());
    REQUIRE(!st);
    CHECK(net == before);  // left exactly as it was
    return st;
}
} // namespace

TEST_CASE("weights round-trip bit-exactly (float and double)", "[io][weights]") {
    small_t a{};
    a.initialize(11);
    a.layer<0>().b = matrix<float, 3, 1>{{0.1f, -1e-30f, 3.4e38f}};  // extremes survive too
    a.layer<1>().b = matrix<float, 1, 1>{{-0.0f}};
    a.layer<0>().W.elems[0] = std::numeric_limits<float>::denorm_min();
    REQUIRE(io::save(a, "ctnn_w_round.txt"));
    small_t b{};
    const auto st = io::load(b, "ctnn_w_round.txt");
    INFO(st.error.what());
    REQUIRE(st);
    REQUIRE(b == a);
    REQUIRE(std::signbit(b.layer<1>().b.elems[0]));
    small_d c{}, d{};
    c.initialize(12);
    c.layer<0>().b = matrix<double, 3, 1>{{std::numeric_limits<double>::denorm_min(), -0.0, 1.7e308}};
    REQUIRE(io::save(c, "ctnn_w_round_d.txt"));
    REQUIRE(io::load(d, "ctnn_w_round_d.txt"));
    REQUIRE(d == c);
    REQUIRE(std::signbit(d.layer<0>().b.elems[1]));
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
    small_tanh other_act{};
    REQUIRE(io::save(other_act, "ctnn_w_tanh.txt"));
    // a value token of the first W line, to corrupt
    const std::string first_value = good.substr(good.find("W 0 3 2 ") + 8, good.find(' ', good.find("W 0 3 2 ") + 8) - good.find("W 0 3 2 ") - 8);
    const std::string body = without_checksum(good);

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
    const std::filesystem::path dir = "ctnn_w_dir.txt";
    std::filesystem::create_directories(dir);
    const bad cases[] = {
        {"another shape", "ctnn_w_wide.txt", 3,
         "network: layer 0 is 'ctnn::dense<4, ctnn::act::relu>' in the file, 'ctnn::dense<3, ctnn::act::relu>' in this network"},
        {"another depth", "ctnn_w_deep.txt", 3, "network: layer 1 is 'ctnn::dense<3, ctnn::act::relu>' in the file"},
        {"another activation", "ctnn_w_tanh.txt", 3,
         "network: layer 0 is 'ctnn::dense<3, ctnn::act::tanh>' in the file, 'ctnn::dense<3, ctnn::act::relu>' in this network"},
        {"another type", "ctnn_w_double.txt", 2, "type: the file holds 'double', the network is float"},
        {"truncated", make("truncated", good.substr(0, good.size() / 2)), 0, "truncated"},
        {"no checksum", make("nochecksum", body), 9, "checksum: missing"},
        {"corrupted", make("corrupted", edited(good, first_value, first_value[0] == '-' ? first_value.substr(1) : io::detail::cat("-", first_value))), 9,
         "checksum: does not match"},
        {"bad version", make("version", edited(good, "ctnn-weights 2", "ctnn-weights 3")), 1, "version: 3 is not supported"},
        {"version 0", make("version0", edited(good, "ctnn-weights 2", "ctnn-weights 0")), 1, "version: 0 is not supported"},
        {"bad magic", make("magic", edited(good, "ctnn-weights", "tnnc-weights")), 1, "magic: not a ctnn weight file"},
        {"not a number", make("nan", edited(good, first_value, "zz")), 5, "value 0 'zz' is not a finite number"},
        {"infinity", make("inf", edited(good, first_value, "inf")), 5, "is not a finite number"},
        {"empty", make("empty", ""), 0, "empty file"},
        {"missing", "ctnn_w_does_not_exist.txt", 0, "cannot open the file"},
        {"a directory", dir.string(), 0, "is a directory"},
    };
    for (const auto& c : cases) {
        INFO("case " << c.name);
        const auto st = rejected_load(c.path, 99);
        INFO(st.error.what());
        CHECK(st.error.file == c.path);
        if (c.line) CHECK(st.error.line == c.line);
        CHECK(st.error.message.find(c.message) != std::string::npos);
    }
    for (const char* f : {"good", "wide", "deep", "double", "tanh", "truncated", "nochecksum", "corrupted", "version",
                          "version0", "magic", "nan", "inf", "empty"})
        std::remove(io::detail::cat("ctnn_w_", std::string_view(f), ".txt").c_str());
    std::filesystem::remove(dir);
}

TEST_CASE("weights: a finite value too large for float is rejected, not stored as infinity", "[io][weights]") {
    const std::string path = "ctnn_w_narrow.txt";
    for (const char* value : {"0x1p+200", "-0x1p+128", "0x1.ffffffp+127"}) {  // the last rounds up to 2^128
        INFO(value);
        write(path, small_file_with_first_value(value));
        const auto st = rejected_load(path, 5);
        INFO(st.error.what());
        CHECK(st.error.line == 5);
        CHECK(st.error.message.find(io::detail::cat("value 0 '", std::string_view(value), "' is out of the range of float")) !=
              std::string::npos);
    }
    // the largest float is fine, and a double network takes 2^200 (its own file)
    write(path, small_file_with_first_value("0x1.fffffep+127"));
    small_t net{};
    REQUIRE(io::load(net, path));
    CHECK(net.layer<0>().W.elems[0] == std::numeric_limits<float>::max());
    std::remove(path.c_str());
}

TEST_CASE("weights: values are C hex floats; sign, prefix, underflow and junk as documented", "[io][weights]") {
    const std::string path = "ctnn_w_hex.txt";
    struct accepted {
        const char* token;
        float value;
        bool negative;
    };
    const accepted good[] = {
        {"0X1P+1", 2.0f, false},                                          // C's upper case
        {"0x1.8p+1", 3.0f, false},
        {"-0x1.8p+1", -3.0f, true},
        {"0x1.8", 1.5f, false},                                           // no exponent, as C reads it
        {"-0x0p+0", 0.0f, true},                                          // -0 keeps its sign
        {"0x1p-149", std::numeric_limits<float>::denorm_min(), false},   // the smallest subnormal
        {"0x1p-150", 0.0f, false},                                        // underflow: rounds to 0, accepted
        {"-0x1p-200", 0.0f, true},                                        // ... to -0
    };
    for (const auto& g : good) {
        INFO(g.token);
        write(path, small_file_with_first_value(g.token));
        small_t net{};
        net.initialize(4);
        const auto st = io::load(net, path);
        INFO(st.error.what());
        REQUIRE(st);
        CHECK(net.layer<0>().W.elems[0] == g.value);
        CHECK(std::signbit(net.layer<0>().W.elems[0]) == g.negative);
    }
    for (const char* junk : {"0x", "-0x", "0x1p", "0xp+1", "inf", "-inf", "nan", "0xinf", "0xnan", "1.5", "+0x1p+0",
                             "-0x-1p+0", "0x+1p+0", "--0x1p+0", "0x1p+0x", "0x1p+0,5"}) {
        INFO(junk);
        write(path, small_file_with_first_value(junk));
        const auto st = rejected_load(path, 4);
        INFO(st.error.what());
        CHECK(st.error.message.find("value 0") != std::string::npos);
    }
    // the double denormal: exact
    small_d d{};
    REQUIRE(io::save(d, path));
    write(path, with_checksum(edited(without_checksum(read(path)), "W 0 3 2 0x0p+0 ", "W 0 3 2 0x0.0000000000001p-1022 ")));
    REQUIRE(io::load(d, path));
    CHECK(d.layer<0>().W.elems[0] == std::numeric_limits<double>::denorm_min());
    std::remove(path.c_str());
}

TEST_CASE("weights: version, layer count, rows and cols are counts, checked; no wrapped-around number", "[io][weights]") {
    small_t source{};
    REQUIRE(io::save(source, "ctnn_w_counts.txt"));
    const std::string body = without_checksum(read("ctnn_w_counts.txt"));
    struct bad {
        const char* from;
        const char* to;
        std::size_t line;
        const char* message;
    };
    const bad cases[] = {
        {"ctnn-weights 2", "ctnn-weights -1", 1, "version: '-1' is not a count"},
        {"ctnn-weights 2", "ctnn-weights 2.0", 1, "version: '2.0' is not a count"},
        {"ctnn-weights 2", "ctnn-weights 99999999999999999999", 1, "version: '99999999999999999999' is out of range"},
        {"layers 2", "layers -1", 4, "layers: '-1' is not a count"},
        {"layers 2", "layers 1e20", 4, "layers: '1e20' is not a count"},
        {"layers 2", "layers 18446744073709551618", 4, "is out of range"},
        {"W 0 3 2", "W 0 -1 2", 5, "expected '<rows> <cols>' after 'W 0'"},
        {"W 0 3 2", "W 0 3.5 2", 5, "expected '<rows> <cols>'"},
        {"W 0 3 2", "W 0 3 +-3", 5, "expected '<rows> <cols>'"},
        {"W 0 3 2", "W 0 3 2e0", 5, "expected '<rows> <cols>'"},
        {"W 0 3 2", "W 0 3 20000000000000000000", 5, "expected '<rows> <cols>'"},
        {"W 0 3 2", "W -1 3 2", 5, "expected 'W 0 <rows> <cols> <values>'"},
        {"W 0 3 2", "W 0 30 2", 5, "shape 30x2 in the file, 3x2 in the network"},
    };
    for (const auto& c : cases) {
        INFO(c.to);
        write("ctnn_w_counts.txt", with_checksum(edited(body, c.from, c.to)));
        const auto st = rejected_load("ctnn_w_counts.txt", 3);
        INFO(st.error.what());
        CHECK(st.error.line == c.line);
        CHECK(st.error.message.find(c.message) != std::string::npos);
        CHECK(st.error.message.find("18446744073709551615") == std::string::npos);
    }
    std::remove("ctnn_w_counts.txt");
}

TEST_CASE("weights: save refuses NaN and infinite parameters, naming them, and writes nothing", "[io][weights]") {
    const std::string path = "ctnn_w_nonfinite.txt";
    small_t good{};
    good.initialize(8);
    REQUIRE(io::save(good, path));
    const std::string before = read(path);

    small_t bad = good;
    bad.layer<1>().W.elems[2] = std::numeric_limits<float>::quiet_NaN();
    auto st = io::save(bad, path);
    INFO(st.error.what());
    REQUIRE(!st);
    CHECK(st.error.message.find("layer 1, W(0, 2) is NaN") != std::string::npos);
    CHECK(read(path) == before);  // the file that was there is left as it was
    CHECK(!std::filesystem::exists(path + ".tmp"));

    residual_t r{};
    r.initialize(1);
    r.visit([](const auto& info, auto& m, auto&...) {  // the block's dense W, row 1, column 1
        if (io::detail::qualified_name(info) == "0.W") m.elems[m.size - 1] = -std::numeric_limits<float>::infinity();
    });
    st = io::save(r, "ctnn_w_nonfinite_new.txt");
    INFO(st.error.what());
    REQUIRE(!st);
    CHECK(st.error.message.find("layer 0, 0.W(1, 1) is infinite") != std::string::npos);
    CHECK(!std::filesystem::exists("ctnn_w_nonfinite_new.txt"));
    std::remove(path.c_str());
}

TEST_CASE("weights: the file records the network's type; unspelled networks and version 1 files check widths only",
          "[io][weights]") {
    // a network of a user's layer type that cannot be spelled saves and loads
    unspelled_t u{};
    u.initialize(6);
    REQUIRE(io::save(u, "ctnn_w_unspelled.txt"));
    CHECK(read("ctnn_w_unspelled.txt").find("\nnetwork unspelled\n") != std::string::npos);
    unspelled_t u2{};
    REQUIRE(io::load(u2, "ctnn_w_unspelled.txt"));
    CHECK(u2 == u);
    // ... and its file goes into no spelled network, even of the same widths
    small_t s{};
    const small_t s_before = s;
    auto st = io::load(s, "ctnn_w_unspelled.txt");
    INFO(st.error.what());
    REQUIRE(!st);
    CHECK(st.error.line == 3);
    CHECK(st.error.message.find("network: the file holds 'unspelled', this network is 'ctnn::network<float, ") !=
          std::string::npos);
    CHECK(s == s_before);
    // for unspelled networks the shapes are checked
    unspelled_wide w{};
    const auto w_before = w;
    st = io::load(w, "ctnn_w_unspelled.txt");
    REQUIRE(!st);
    CHECK(st.error.message.find("W of layer 0: shape 3x2 in the file, 4x2 in the network") != std::string::npos);
    CHECK(w == w_before);

    // a version 1 file written by ctnn before the network line existed
    small_t expected{};
    expected.initialize(11);
    const std::string v1 = data_dir + "weights_v1_2-3-1_seed11.txt";
    REQUIRE(read(v1).rfind("ctnn-weights 1\n", 0) == 0);
    small_t from_v1{};
    st = io::load(from_v1, v1);
    INFO(st.error.what());
    REQUIRE(st);
    CHECK(from_v1 == expected);
    small_tanh tanh_from_v1{};  // version 1 records no activations: only the widths can be checked
    REQUIRE(io::load(tanh_from_v1, v1));
    wide_t wide_from_v1{};
    const auto wide_before = wide_from_v1;
    st = io::load(wide_from_v1, v1);
    REQUIRE(!st);
    CHECK(st.error.line == 4);
    CHECK(st.error.message.find("shape 3x2 in the file, 4x2 in the network") != std::string::npos);
    CHECK(wide_from_v1 == wide_before);
    std::remove("ctnn_w_unspelled.txt");
}

TEST_CASE("weights: reads are bounded; a read error, a directory and an exception become a status", "[io][weights]") {
    small_t net{};
    net.initialize(2);
    const small_t before = net;
    io::load_limits small;
    small.max_file_bytes = std::size_t{4} << 20;
    // a device that never ends
    auto st = io::load(net, "/dev/zero", small);
    INFO(st.error.what());
    REQUIRE(!st);
    CHECK(st.error.message.find("bigger than the limit of 4194304 bytes") != std::string::npos);
    CHECK(net == before);
    // a file bigger than the limit is rejected from its size, without being read
    {
        const std::string path = "ctnn_w_sparse.txt";
        std::ofstream(path, std::ios::binary) << "ctnn-weights 2\n";
        std::filesystem::resize_file(path, std::uintmax_t{65} << 20);  // sparse: costs no disk
        st = io::load(net, path);
        REQUIRE(!st);
        CHECK(st.error.message == "the file has 68157440 bytes, more than the limit of 67108864 (load_limits::max_file_bytes)");
        std::remove(path.c_str());
    }
    // the limit is a parameter: a good file over a small limit is rejected
    REQUIRE(io::save(before, "ctnn_w_limit.txt"));
    io::load_limits tiny;
    tiny.max_file_bytes = 100;
    st = io::load(net, "ctnn_w_limit.txt", tiny);
    REQUIRE(!st);
    CHECK(st.error.message.find("more than the limit of 100") != std::string::npos);
    // through a stream (size unknown): checked while reading
    std::istringstream text(read("ctnn_w_limit.txt"));
    st = io::load(net, text, "memory", tiny);
    REQUIRE(!st);
    CHECK(st.error.message.find("bigger than the limit of 100 bytes") != std::string::npos);
    std::istringstream whole(read("ctnn_w_limit.txt"));
    REQUIRE(io::load(net, whole, "memory"));
    CHECK(net == before);
    // a read error is not the end of the file
    failing_buf broken(read("ctnn_w_limit.txt").substr(0, 60));
    std::istream broken_in(&broken);
    small_t other{};
    st = io::load(other, broken_in, "broken");
    REQUIRE(!st);
    CHECK(st.error.what() == "broken: read error after 60 bytes");
    CHECK(other == small_t{});
    // an exception from the standard library (here: out of memory) is returned, not thrown
    failing_buf no_memory("ctnn", true);
    std::istream no_memory_in(&no_memory);
    no_memory_in.exceptions(std::ios::badbit);
    st = io::load(other, no_memory_in, "oom");
    REQUIRE(!st);
    CHECK(st.error.what() == "oom: out of memory");
    std::remove("ctnn_w_limit.txt");
}

TEST_CASE("weights: under a comma-decimal locale, files are the same bytes and load", "[io][weights][locale]") {
    small_t a{};
    a.initialize(21);
    a.layer<0>().b = matrix<float, 3, 1>{{1.5f, -0.25f, 3e-41f}};
    REQUIRE(io::save(a, "ctnn_w_locale_c.txt"));
    const std::string c_bytes = read("ctnn_w_locale_c.txt");
    small_t expected_v1{};
    expected_v1.initialize(11);
    {
        ctnn_test::comma_locale comma;
        if (!comma.active()) {
            if (ctnn_test::comma_locale::required()) FAIL("de_DE.UTF-8 is required (CTNN_REQUIRE_LOCALE=1) but not available");
            WARN("no comma-decimal locale on this machine: skipped");
            return;
        }
        REQUIRE(io::save(a, "ctnn_w_locale_de.txt"));
        small_t b{};
        const auto st = io::load(b, "ctnn_w_locale_de.txt");
        INFO(st.error.what());
        REQUIRE(st);
        CHECK(b == a);
        small_t c{};
        REQUIRE(io::load(c, "ctnn_w_locale_c.txt"));
        CHECK(c == a);
        small_t v1{};
        REQUIRE(io::load(v1, data_dir + "weights_v1_2-3-1_seed11.txt"));
        CHECK(v1 == expected_v1);
    }
    CHECK(read("ctnn_w_locale_de.txt") == c_bytes);
    std::remove("ctnn_w_locale_c.txt");
    std::remove("ctnn_w_locale_de.txt");
}
