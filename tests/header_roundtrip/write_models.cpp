// write_models.cpp — first half of the write_header round trip (run at build
// time): makes six networks (seeded initialisation and random biases, so that
// no parameter is 0, plus one of edge-case values), and for each writes into the directory given as argv[1]
//   <name>.hpp       the constexpr header, by ctnn::io::write_header
//   <name>.expected  every parameter and buffer, fixed inputs X and this program's predict(X),
//                    as hex floats printed by printf's %a (not by write_header)
// and also
//   comma_locale.hpp   the double and every_kind networks again (as comma::...), written under a
//                      comma-decimal locale (de_DE.UTF-8, as a program that calls setlocale(LC_ALL, "")),
//                      and whether that locale was in force (comma_locale_active)
//   tricky_names.hpp   a one-unit network under every name that argv[2] (tests/export/cxx_name_cases.txt)
//                      says write_header accepts
// check_models.test.cpp, compiled against the headers, checks the types, the
// parameters and the predictions bit for bit, and that every accepted name compiles.
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <limits>
#include <sstream>
#include <string>

#include <ctnn/ctnn.hpp>
#include <ctnn/io/header.hpp>

#include "locale_guard.hpp"

namespace {

using namespace ctnn;

using seed_net = network<float, input<2>, dense<3, act::relu>, dense<3, act::relu>, dense<1, act::sigmoid>>;
using mixed_net = network<float, input<3>, dense<5, act::tanh>, dense<4, act::leaky_relu>,
                          dense<4, act::basic_leaky_relu<-1, 8>>, dense<2, act::identity>>;
using softmax_net = network<float, input<4>, dense<8, act::relu>, dense<3, act::softmax>>;
using double_net = network<double, input<3>, dense<6, act::sigmoid>, dense<5, act::basic_leaky_relu<3, 16>>,
                           dense<2, act::tanh>>;
using edges_net = network<float, input<4>, dense<3, act::identity>>;
/// every layer kind, as many headers as the export must include
using every_kind_net =
    network<float, input<4>, dense<6, act::gelu>, batch_norm, prelu, dropout<1, 4>,
            residual<dense<5, act::elu>, activation<act::softplus>, dense<6, act::hard_tanh>>, activation<act::silu>,
            dense<3, act::softmax>>;

template <class T, std::size_t R, std::size_t C>
matrix<T, R, C> random_matrix(std::uint64_t seed, double scale) {
    init::xoshiro256ss rng(seed);
    matrix<T, R, C> m{};
    for (auto& v : m.elems) v = static_cast<T>((2.0 * rng.uniform01() - 1.0) * scale);
    return m;
}

template <class T, std::size_t R, std::size_t C>
void write_matrix(std::ostream& out, std::string_view kind, const matrix<T, R, C>& m) {
    out << kind << ' ' << R << ' ' << C;
    char buf[64];
    for (T v : m.elems) {
        std::snprintf(buf, sizeof buf, " %a", static_cast<double>(v));
        out << buf;
    }
    out << '\n';
}

/// header, parameters and expected predictions of net on X
template <class Net, class X>
bool emit(const std::string& dir, const std::string& file, std::string_view name, const Net& net, const X& x) {
    const std::string base = dir + "/" + file;
    if (auto s = io::write_header(net, name, base + ".hpp"); !s) {
        std::cerr << s.error.what() << '\n';
        return false;
    }
    std::ofstream out(base + ".expected");
    // every parameter and buffer, named as weight files name them
    net.visit([&](const auto& info, const auto& m, const auto&...) { write_matrix(out, io::detail::qualified_name(info), m); });
    write_matrix(out, "x", x);
    write_matrix(out, "y", net.predict(x));
    out.flush();
    if (!out) {
        std::cerr << base << ".expected: write failed\n";
        return false;
    }
    std::cout << "wrote " << base << ".hpp\n";
    return true;
}

/// seeded weights, and every other parameter and buffer random and non-zero
/// (biases, batch_norm's scales, shifts and running statistics, prelu's
/// slopes; a variance positive): training is not needed to test an export,
/// and would triple this file's compile time
template <class Net>
Net make(std::uint64_t seed) {
    Net net{};
    net.initialize(seed);
    std::uint64_t k = seed * 100;
    net.visit([&](const auto& info, auto& m, auto&...) {
        using M = std::remove_cvref_t<decltype(m)>;
        if constexpr (std::remove_cvref_t<decltype(info)>::init != init_rule::weight) {
            m = random_matrix<typename M::value_type, M::rows, M::cols>(k++, 0.5);
            if (std::string_view(info.name) == "running_var")
                for (auto& v : m.elems) v = std::abs(v) + typename M::value_type(0.5);
        }
    });
    return net;
}

/// into dir/tricky_names.hpp, a one-unit network under each name the cases file says is accepted
bool write_tricky_names(const std::string& dir, const std::string& cases) {
    std::ifstream in(cases);
    if (!in) {
        std::cerr << cases << ": cannot open\n";
        return false;
    }
    using tiny_net = network<float, input<1>, dense<1, act::relu>>;
    tiny_net net{};
    net.layer<0>().W(0, 0) = 0.5f;
    std::ostringstream text;
    std::string line;
    std::size_t count = 0;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string name, expect;
        if (!(fields >> name >> expect) || name[0] == '#' || expect != "ok") continue;
        if (auto s = io::write_header(net, name, text); !s) {
            std::cerr << cases << ": '" << name << "' is listed as accepted, but " << s.error.what() << '\n';
            return false;
        }
        ++count;
    }
    std::ofstream out(dir + "/tricky_names.hpp");
    out << "// " << count << " networks, one per accepted name of " << cases << "\n" << text.str();
    out.flush();
    return bool(out);
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::cerr << "usage: write_models <output directory> <cxx_name_cases.txt>\n";
        return 2;
    }
    const std::string dir = argv[1];
    bool ok = true;

    ok &= emit(dir, "seed", "models::seed", make<seed_net>(3), random_matrix<float, 2, 16>(11, 2.0));
    // tanh, both leaky ReLUs and identity; a three-level name
    ok &= emit(dir, "mixed", "roundtrip::nested::mixed", make<mixed_net>(5), random_matrix<float, 3, 16>(14, 3.0));
    ok &= emit(dir, "softmax", "models::softmax_net", make<softmax_net>(6), random_matrix<float, 4, 16>(16, 2.0));
    {  // double, with a subnormal and a negative zero
        double_net net = make<double_net>(7);
        net.layer<1>().b(2, 0) = std::numeric_limits<double>::denorm_min() * 3;
        net.layer<2>().b(0, 0) = -0.0;
        ok &= emit(dir, "double", "models::double_net", net, random_matrix<double, 3, 16>(19, 2.0));
        // the same networks written where printf's %a writes 0x1,8p+1: the header must not change
        ctnn_test::comma_locale comma;
        std::ostringstream text;
        ok &= bool(io::write_header(net, "comma::double_net", text));
        ok &= bool(io::write_header(make<every_kind_net>(9), "comma::every_kind", text));
        if (!comma.active()) std::cerr << "write_models: no comma-decimal locale; comma_locale.hpp is written in \"C\"\n";
        std::ofstream out(dir + "/comma_locale.hpp");
        out << text.str() << "inline constexpr bool comma_locale_active = " << (comma.active() ? "true" : "false")
            << ";\n";
        out.flush();
        ok &= bool(out);
    }
    ok &= emit(dir, "every_kind", "models::every_kind", make<every_kind_net>(9), random_matrix<float, 4, 16>(21, 2.0));
    ok &= write_tricky_names(dir, argv[2]);
    {  // float edge cases, unqualified name: every value must survive as the same bits
        edges_net net{};
        const float values[] = {-0.0f,
                                std::numeric_limits<float>::denorm_min(),
                                -std::numeric_limits<float>::denorm_min() * 5,
                                std::numeric_limits<float>::min(),
                                std::nextafter(std::numeric_limits<float>::min(), 0.0f),
                                1.0f / 3.0f,
                                std::nextafter(1.0f, 2.0f),
                                std::nextafter(1.0f, 0.0f),
                                16777217.0f,  // rounds to 2^24
                                -1e-30f,
                                0x1.fffffep+60f,
                                -0x1.fffffep+0f};
        static_assert(std::size(values) == edges_net::layer_type<0>::outputs * edges_net::input_width);
        for (std::size_t i = 0; i < std::size(values); ++i) net.layer<0>().W.elems[i] = values[i];
        net.layer<0>().b = matrix<float, 3, 1>{{std::numeric_limits<float>::max(), -std::numeric_limits<float>::max(),
                                                -std::numeric_limits<float>::min()}};
        matrix<float, 4, 3> x{{0, 1, -1, 1, 0, 0.5f, 0, 0, 1e-3f, 0, 0, -2}};
        ok &= emit(dir, "edges", "edges", net, x);
    }
    return ok ? 0 : 1;
}
