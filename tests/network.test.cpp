// network.test.cpp — the network's types, sizes, initialisation and parameters.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>
#include <utility>

#include <ctnn/ctnn.hpp>

using namespace ctnn;

TEST_CASE("layer and gradient types follow the architecture", "[network]") {
    using net_t = network<float, input<2>, dense<3, act::relu>, dense<3, act::relu>, dense<1, act::sigmoid>>;
    net_t net{};
    STATIC_REQUIRE(std::is_same_v<decltype(net.layer<0>().W), matrix<float, 3, 2>>);
    STATIC_REQUIRE(std::is_same_v<decltype(net.layer<0>().b), matrix<float, 3, 1>>);
    STATIC_REQUIRE(std::is_same_v<decltype(net.layer<2>().W), matrix<float, 1, 3>>);
    const matrix<float, 2, 4> X{};
    const matrix<float, 1, 4> Y{};
    auto cache = net.forward(X);
    STATIC_REQUIRE(std::is_same_v<std::remove_cvref_t<decltype(cache.output())>, matrix<float, 1, 4>>);
    auto grads = net.backward(cache, Y, loss::binary_cross_entropy{});
    STATIC_REQUIRE(std::is_same_v<decltype(grads.layer<0>().dW), matrix<float, 3, 2>>);
    STATIC_REQUIRE(std::is_same_v<decltype(grads.layer<0>().db), matrix<float, 3, 1>>);
    STATIC_REQUIRE(std::is_same_v<decltype(net.predict(X)), matrix<float, 1, 4>>);
    REQUIRE(net.predict(X) == cache.output());
}

TEST_CASE("parameter and memory sizes are compile-time constants", "[network]") {
    using net_t = network<float, input<2>, dense<3, act::relu>, dense<3, act::relu>, dense<1, act::sigmoid>>;
    // (3·2+3) + (3·3+3) + (1·3+1) = 9 + 12 + 4
    STATIC_REQUIRE(net_t::parameter_count == 25);
    STATIC_REQUIRE(net_t::parameter_bytes == 100);
    STATIC_REQUIRE(sizeof(net_t) == 100);  // the object is its parameters, nothing else
    STATIC_REQUIRE(net_t::gradient_bytes == 100);
    // cache for m = 4: X (2·4) + Z,A per layer (3·4·2 + 3·4·2 + 1·4·2) = 8 + 56 floats
    STATIC_REQUIRE(net_t::cache_bytes<4> == (8 + 56) * 4);
    // backward temporaries: dZ of each layer (3+3+1)·4 and dA of layers 1 and 2 (3+3)·4
    STATIC_REQUIRE(net_t::backward_temporary_bytes<4> == (28 + 24) * 4);
    STATIC_REQUIRE(net_t::training_step_bytes<4> == (64 + 25 + 52) * 4);
    // batch 1, one output: ∂z_L/∂z of each layer in dZ's place (3+3+1), and dA (3+3)
    STATIC_REQUIRE(net_t::backward_temporary_bytes<1> == (7 + 6) * 4);
    using big = network<double, input<64>, dense<32, act::relu>, dense<10, act::softmax>>;
    STATIC_REQUIRE(big::parameter_count == 64 * 32 + 32 + 32 * 10 + 10);
}

TEST_CASE("initialize is deterministic, seeded, He for relu-like and Glorot otherwise", "[network][init]") {
    using net_t = network<double, input<50>, dense<40, act::relu>, dense<30, act::tanh>>;
    net_t a{}, b{}, c{};
    a.initialize(42);
    b.initialize(42);
    c.initialize(43);
    REQUIRE(a == b);
    REQUIRE(!(a == c));
    const double he = std::sqrt(6.0 / 50), glorot = std::sqrt(6.0 / (40 + 30));
    double max0 = 0, max1 = 0, mean0 = 0;
    for (double w : a.layer<0>().W.elems) {
        max0 = std::fmax(max0, std::fabs(w));
        mean0 += w / a.layer<0>().W.size;
    }
    for (double w : a.layer<1>().W.elems) max1 = std::fmax(max1, std::fabs(w));
    REQUIRE(max0 <= he);
    REQUIRE(max0 > 0.95 * he);  // 2000 uniform draws reach close to the limit
    REQUIRE(max1 <= glorot);
    REQUIRE(max1 > 0.95 * glorot);
    REQUIRE(std::fabs(mean0) < 0.05 * he);
    for (double v : a.layer<0>().b.elems) REQUIRE(v == 0.0);
    // the same weights in constant evaluation
    constexpr net_t k = [] {
        net_t n{};
        n.initialize(42);
        return n;
    }();
    REQUIRE(k == a);
    // float weights are the double draws rounded: the same seed agrees across types
    network<float, input<50>, dense<40, act::relu>, dense<30, act::tanh>> f{};
    f.initialize(42);
    REQUIRE(f.layer<0>().W(3, 7) == float(a.layer<0>().W(3, 7)));
}

TEST_CASE("network parameters can be set and compared; copies are independent", "[network]") {
    using net_t = network<float, input<2>, dense<2, act::identity>>;
    net_t net{};
    net.layer<0>().W = matrix<float, 2, 2>{{1, 2, 3, 4}};
    net.layer<0>().b = matrix<float, 2, 1>{{10, 20}};
    const matrix<float, 2, 1> x{{1, 1}};
    REQUIRE(net.predict(x) == matrix<float, 2, 1>{{13, 27}});
    auto copy = net;
    copy.layer<0>().W(0, 0) = 0;
    REQUIRE(net.layer<0>().W(0, 0) == 1);
}

namespace {

/// every element of a cache or gradients object set to NaN, so that an element
/// forward_into/backward_into forgot to write shows up in the comparison
/// (padding between aligned matrices included; it is never compared)
template <class T, class Obj>
void poison(Obj& o) {
    static_assert(sizeof(Obj) % sizeof(T) == 0);
    const T nan = std::numeric_limits<T>::quiet_NaN();
    auto* p = reinterpret_cast<unsigned char*>(&o);
    for (size_t i = 0; i < sizeof(Obj); i += sizeof(T)) std::memcpy(p + i, &nan, sizeof nan);
}

/// the two matrices hold the same bytes
template <class T, size_t R, size_t C>
bool same_bits(const matrix<T, R, C>& a, const matrix<T, R, C>& b) {
    return std::memcmp(a.elems, b.elems, sizeof a.elems) == 0;
}

/// every matrix of the two caches (X, then each layer's Z and A) holds the same bytes
template <class Cache>
bool same_bits_cache(const Cache& a, const Cache& b) {
    return same_bits(a.input(), b.input()) && [&]<size_t... I>(std::index_sequence<I...>) {
        return ((same_bits(a.template layer<I>().Z, b.template layer<I>().Z) &&
                 same_bits(a.template layer<I>().A, b.template layer<I>().A)) && ...);
    }(std::make_index_sequence<Cache::depth>{});
}

/// every dW and db of the two gradients objects holds the same bytes
template <class Grads>
bool same_bits_grads(const Grads& a, const Grads& b) {
    return [&]<size_t... I>(std::index_sequence<I...>) {
        return ((same_bits(a.template layer<I>().dW, b.template layer<I>().dW) &&
                 same_bits(a.template layer<I>().db, b.template layer<I>().db)) && ...);
    }(std::make_index_sequence<Grads::depth>{});
}

template <class Net, size_t M, class Loss>
void check_in_place(std::uint64_t seed, const Loss& loss, size_t count) {
    using T = typename Net::value_type;
    Net net{};
    net.initialize(seed);
    matrix<T, Net::input_width, M> x{};
    matrix<T, Net::output_width, M> y{};
    for (size_t i = 0; i < x.size; ++i) x.elems[i] = T(std::sin(0.7 * double(i) + double(seed)));
    for (size_t j = 0; j < M; ++j) y(j % Net::output_width, j) = T(1);  // one-hot (or 0/1 for one output)

    const auto cache = net.forward(x);
    const auto grads = net.backward(cache, y, loss, count);

    static typename Net::template cache_type<M> kept_cache;  // static: big caches stay off the stack
    static typename Net::gradients_type kept_grads;
    poison<T>(kept_cache);
    poison<T>(kept_grads);
    net.forward_into(x, kept_cache);
    net.backward_into(kept_cache, y, loss, kept_grads, count);
    for (size_t i = 0; i < cache.output().size; ++i)
        REQUIRE(kept_cache.output().elems[i] == cache.output().elems[i]);  // NaN never compares equal
    REQUIRE(kept_grads == grads);
    // every element written: each matrix equals the value form's, bit for bit
    REQUIRE(same_bits_cache(kept_cache, cache));
    REQUIRE(same_bits_grads(kept_grads, grads));
}

} // namespace

TEST_CASE("forward_into and backward_into write every element, as forward and backward return them", "[network]") {
    using seed_t = network<float, input<2>, dense<3, act::relu>, dense<3, act::relu>, dense<1, act::sigmoid>>;
    using wide_t = network<float, input<64>, dense<32, act::relu>, dense<10, act::softmax>>;
    using tanh_t = network<double, input<8>, dense<16, act::tanh>, dense<16, act::tanh>, dense<4, act::identity>>;
    check_in_place<seed_t, 1>(1, loss::binary_cross_entropy{}, 1);
    check_in_place<seed_t, 32>(2, loss::binary_cross_entropy{}, 32);
    check_in_place<seed_t, 32>(3, loss::mse{}, 19);  // a partial batch: padding columns masked
    check_in_place<wide_t, 1>(4, loss::cross_entropy{}, 1);
    check_in_place<wide_t, 32>(5, loss::cross_entropy{}, 32);
    check_in_place<wide_t, 7>(6, loss::cross_entropy{}, 5);
    check_in_place<tanh_t, 16>(7, loss::mse{}, 16);
}

TEST_CASE("forward_into and backward_into in constant evaluation", "[network][constexpr]") {
    using net_t = network<double, input<2>, dense<3, act::tanh>, dense<1, act::sigmoid>>;
    constexpr auto both = [] {
        net_t net{};
        net.initialize(11);
        const matrix<double, 2, 4> x{{0, 0, 1, 1, 0, 1, 0, 1}};
        const matrix<double, 1, 4> y{{0, 1, 1, 0}};
        net_t::cache_type<4> c{};
        net_t::gradients_type g{};
        net.forward_into(x, c);
        net.backward_into(c, y, loss::binary_cross_entropy{}, g);
        const auto g2 = net.backward(net.forward(x), y, loss::binary_cross_entropy{});
        return g == g2 && c.output() == net.predict(x);
    }();
    STATIC_REQUIRE(both);
}
