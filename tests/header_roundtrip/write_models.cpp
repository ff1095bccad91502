// write_models.cpp — first half of the write_header round trip (run at build
// time): makes five networks (trained a few steps or initialised, plus one of
// edge-case values), and for each writes into the directory given as argv[1]
//   <name>.hpp       the constexpr header, by ctnn::io::write_header
//   <name>.weights   the same parameters by ctnn::io::save (an independent writer)
//   <name>.expected  fixed inputs X and this program's predict(X), as hex floats
// check_models.test.cpp, compiled against the headers, checks the types, the
// parameters and the predictions bit for bit.
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <limits>
#include <string>

#include <ctnn/ctnn.hpp>
#include <ctnn/io/header.hpp>
#include <ctnn/io/weights.hpp>

namespace {

using namespace ctnn;

using seed_net = network<float, input<2>, dense<3, act::relu>, dense<3, act::relu>, dense<1, act::sigmoid>>;
using mixed_net = network<float, input<3>, dense<5, act::tanh>, dense<4, act::leaky_relu>,
                          dense<4, act::basic_leaky_relu<-1, 8>>, dense<2, act::identity>>;
using softmax_net = network<float, input<4>, dense<8, act::relu>, dense<3, act::softmax>>;
using double_net = network<double, input<3>, dense<6, act::sigmoid>, dense<5, act::basic_leaky_relu<3, 16>>,
                           dense<2, act::tanh>>;
using edges_net = network<float, input<4>, dense<3, act::identity>>;

template <class T, std::size_t R, std::size_t C>
matrix<T, R, C> random_matrix(std::uint64_t seed, double scale) {
    init::xoshiro256ss rng(seed);
    matrix<T, R, C> m{};
    for (auto& v : m.elems) v = static_cast<T>((2.0 * rng.uniform01() - 1.0) * scale);
    return m;
}

template <class T, std::size_t R, std::size_t C>
void write_matrix(std::ostream& out, char kind, const matrix<T, R, C>& m) {
    out << kind << ' ' << R << ' ' << C;
    char buf[64];
    for (T v : m.elems) {
        std::snprintf(buf, sizeof buf, " %a", static_cast<double>(v));
        out << buf;
    }
    out << '\n';
}

/// header, weight file and expected predictions of net on X
template <class Net, class X>
bool emit(const std::string& dir, const std::string& file, std::string_view name, const Net& net, const X& x) {
    const std::string base = dir + "/" + file;
    if (auto s = io::write_header(net, name, base + ".hpp"); !s) {
        std::cerr << s.error.what() << '\n';
        return false;
    }
    if (auto s = io::save(net, base + ".weights"); !s) {
        std::cerr << s.error.what() << '\n';
        return false;
    }
    std::ofstream out(base + ".expected");
    write_matrix(out, 'x', x);
    write_matrix(out, 'y', net.predict(x));
    out.flush();
    if (!out) {
        std::cerr << base << ".expected: write failed\n";
        return false;
    }
    std::cout << "wrote " << base << ".hpp\n";
    return true;
}

/// a few optimiser steps on random data, so that no parameter is left at its initial value
template <class Net, class Loss, class Opt, class X, class Y>
void train(Net& net, const X& x, const Y& y, Loss loss, Opt opt, int steps) {
    for (int i = 0; i < steps; ++i) opt.step(net, net.backward(net.forward(x), y, loss));
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: write_models <output directory>\n";
        return 2;
    }
    const std::string dir = argv[1];
    bool ok = true;

    {  // the seed network, trained on XOR
        seed_net net{};
        net.initialize(3);
        const matrix<float, 2, 4> x{{0, 0, 1, 1, 0, 1, 0, 1}};
        const matrix<float, 1, 4> y{{0, 1, 1, 0}};
        train(net, x, y, loss::binary_cross_entropy{}, optim::sgd{0.5f}, 200);
        ok &= emit(dir, "seed", "models::seed", net, random_matrix<float, 2, 16>(11, 2.0));
    }
    {  // tanh, both leaky ReLUs and identity, trained with Adam and MSE; a three-level name
        mixed_net net{};
        net.initialize(5);
        const auto x = random_matrix<float, 3, 8>(12, 1.5);
        const auto y = random_matrix<float, 2, 8>(13, 1.0);
        train(net, x, y, loss::mse{}, optim::adam<mixed_net>{1e-2f}, 25);
        ok &= emit(dir, "mixed", "roundtrip::nested::mixed", net, random_matrix<float, 3, 16>(14, 3.0));
    }
    {  // softmax output, trained with cross-entropy
        softmax_net net{};
        net.initialize(6);
        const auto x = random_matrix<float, 4, 6>(15, 1.0);
        matrix<float, 3, 6> y{};
        for (std::size_t j = 0; j < 6; ++j) y(j % 3, j) = 1;
        train(net, x, y, loss::cross_entropy{}, optim::sgd{0.1f}, 20);
        ok &= emit(dir, "softmax", "models::softmax_net", net, random_matrix<float, 4, 16>(16, 2.0));
    }
    {  // double, with a subnormal and a negative zero among trained values
        double_net net{};
        net.initialize(7, init::glorot_normal{});
        const auto x = random_matrix<double, 3, 8>(17, 1.0);
        const auto y = random_matrix<double, 2, 8>(18, 0.9);
        train(net, x, y, loss::mse{}, optim::momentum<double_net>{0.05, 0.9}, 15);
        net.layer<1>().b(2, 0) = std::numeric_limits<double>::denorm_min() * 3;
        net.layer<2>().b(0, 0) = -0.0;
        ok &= emit(dir, "double", "models::double_net", net, random_matrix<double, 3, 16>(19, 2.0));
    }
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
