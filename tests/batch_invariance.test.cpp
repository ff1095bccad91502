// batch_invariance.test.cpp — a sample's result does not depend on the batch
// it comes in: predict(x) of one sample gives the same bits as that sample's
// column of predict(X), at every batch size, and forward likewise (for the
// layers that treat samples independently; batch_norm in training uses the
// batch's statistics and dropout draws a mask per call, by definition).
//
// Built twice (tests/CMakeLists.txt): with the build type's flags, and with
// -O3 -march=native and the compiler's default floating-point contraction
// (GCC fuses multiply-adds across statements), with g++ and clang++ alike.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <string_view>
#include <type_traits>

#include <ctnn/ctnn.hpp>

using namespace ctnn;

namespace {

using seed_net = network<float, input<2>, dense<3, act::relu>, dense<3, act::relu>, dense<1, act::sigmoid>>;
/// inputs not a multiple of 8 (the dot form's tail) at both layers
using tanh_softmax_net = network<float, input<100>, dense<37, act::tanh>, dense<4, act::softmax>>;
using block = residual<dense<13, act::elu>, activation<act::softplus>, dense<12, act::hard_tanh>>;
/// every kind that treats samples independently, in training too
using independent_net = network<float, input<12>, dense<12, act::gelu>, prelu, block, activation<act::silu>,
                                dense<9, act::leaky_relu>, dense<5, act::softmax>>;
/// every kind
using every_kind_net = network<float, input<12>, dense<12, act::gelu>, batch_norm, prelu, dropout<1, 4>, block,
                               activation<act::silu>, dense<5, act::softmax>>;

template <class T, std::size_t R, std::size_t C>
matrix<T, R, C> inputs() {
    matrix<T, R, C> x{};
    for (std::size_t i = 0; i < R * C; ++i) x.elems[i] = static_cast<T>(2.5 * std::sin(0.37 * double(i) + 0.1));
    return x;
}

template <class A, class B>
std::size_t differing_bits(const A& single, const B& batch, std::size_t j) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < A::rows; ++i) n += std::memcmp(&single(i, 0), &batch(i, j), sizeof(single(i, 0))) != 0;
    return n;
}

/// one sample's predict and forward output, out of line: one copy of the
/// inlined single-sample code per network, whatever the batch sizes compared
template <class Net>
[[gnu::noinline]] auto predict_one(const Net& net, const matrix<typename Net::value_type, Net::input_width, 1>& x) {
    return net.predict(x);
}
template <class Net>
[[gnu::noinline]] auto forward_one(Net& net, const matrix<typename Net::value_type, Net::input_width, 1>& x) {
    return net.forward(x).output();
}

/// outputs of predict (and of forward, with Forward) whose bits differ between
/// a batch of M and each of its samples alone
template <class Net, std::size_t M, bool Forward>
std::size_t differences(Net& net) {
    using T = typename Net::value_type;
    const auto X = inputs<T, Net::input_width, M>();
    const auto Y = net.predict(X);
    std::size_t n = 0;
    for (std::size_t j = 0; j < M; ++j) n += differing_bits(predict_one(net, column(X, j)), Y, j);
    if constexpr (Forward) {
        const auto cache = net.forward(X);
        for (std::size_t j = 0; j < M; ++j) n += differing_bits(forward_one(net, column(X, j)), cache.output(), j);
    }
    return n;
}

/// Every parameter and buffer of a freshly initialised net drawn at random,
/// so that biases, slopes and running statistics are not their start values
/// (a variance positive).
template <class Net>
void randomize(Net& net, std::uint64_t seed) {
    net.initialize(seed);
    init::xoshiro256ss rng{seed};
    net.visit([&](const auto& info, auto& m, auto&...) {
        using T = std::remove_cvref_t<decltype(m.elems[0])>;
        if constexpr (std::remove_cvref_t<decltype(info)>::init != init_rule::weight)
            for (auto& v : m.elems) v = static_cast<T>(std::string_view(info.name) == "running_var" ? 0.5 + rng.uniform01()
                                                                                                   : rng.uniform01() - 0.5);
    });
}

/// batch sizes: fewer columns than a vector (3), and whole vectors with a
/// remainder (41, on every SIMD width)
template <class Net, bool Forward>
void check(std::uint64_t seed) {
    static Net net{};
    randomize(net, seed);
    CHECK(differences<Net, 3, Forward>(net) == 0);
    CHECK(differences<Net, 41, Forward>(net) == 0);
}

} // namespace

TEST_CASE("batch invariance: the seed network", "[batch_invariance]") { check<seed_net, true>(1); }
TEST_CASE("batch invariance: a 100-37-4 tanh/softmax network", "[batch_invariance]") {
    check<tanh_softmax_net, true>(2);
}
TEST_CASE("batch invariance: prelu, a residual block, activation layers and the new activations",
          "[batch_invariance][layers]") {
    check<independent_net, true>(4);
}
TEST_CASE("batch invariance: a network of every kind, predict", "[batch_invariance][layers]") {
    check<every_kind_net, false>(5);
}
