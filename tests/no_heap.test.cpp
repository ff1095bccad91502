// no_heap.test.cpp — forward, backward, the optimiser steps (sgd, momentum, adam), predict, initialize
// and loss values make no heap allocation: global operator new is replaced by a
// counting version, and the count over each region must be 0.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <new>
#include <vector>

#include <ctnn/ctnn.hpp>

namespace {
bool counting = false;
long allocations = 0;

void* counted_alloc(std::size_t n) {
    if (counting) ++allocations;
    if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
    std::abort();  // the tests run without exceptions in mind: fail loudly
}

/// runs f and returns how many allocations it made
template <class F>
long allocations_in(F&& f) {
    allocations = 0;
    counting = true;
    f();
    counting = false;
    return allocations;
}
} // namespace

// Replacements of the global allocation functions (plain and array forms; the
// aligned forms are not used by anything here and keep their defaults).
void* operator new(std::size_t n) { return counted_alloc(n); }
void* operator new[](std::size_t n) { return counted_alloc(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return counted_alloc(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return counted_alloc(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

using namespace ctnn;

TEST_CASE("the allocation counter counts", "[heap]") {
    int* volatile p = nullptr;
    REQUIRE(allocations_in([&] { p = new int(3); }) == 1);
    delete p;
    REQUIRE(allocations_in([] {}) == 0);
}

TEST_CASE("no heap allocation inside fit and evaluate", "[heap]") {
    using net_t = network<double, input<4>, dense<8, act::relu>, dense<3, act::softmax>>;
    std::vector<double> xs(4 * 53), ys(3 * 53, 0.0);  // storage made before counting
    for (std::size_t i = 0; i < xs.size(); ++i) xs[i] = double(i % 7) / 7.0;
    for (std::size_t s = 0; s < 53; ++s) ys[3 * s + s % 3] = 1.0;
    const dataset_view<double, 4, 3> data{xs.data(), ys.data(), 53};
    net_t net{};
    net.initialize(1);
    optim::adam<net_t> opt{0.01};
    double last_loss = 0;
    CHECK(allocations_in([&] {
              fit<16>(net, data, loss::cross_entropy{}, opt, fit_options{.epochs = 3, .seed = 9},
                      [&](const epoch_report& r) { last_loss = r.loss; });
              last_loss += evaluate(net, data, loss::cross_entropy{}).loss;
          }) == 0);
    CHECK(last_loss > 0);
}

TEMPLATE_TEST_CASE("no heap allocation in a training step or inference", "[heap]", float, double) {
    using T = TestType;
    using seed_net = network<T, input<2>, dense<3, act::relu>, dense<3, act::relu>, dense<1, act::sigmoid>>;
    using digits_net = network<T, input<64>, dense<32, act::relu>, dense<10, act::softmax>>;
    seed_net small{};
    digits_net wide{};
    matrix<T, 2, 1> x1{{T(0.5), T(-1)}};
    matrix<T, 1, 1> y1{{T(1)}};
    matrix<T, 2, 8> x8{};
    matrix<T, 1, 8> y8{};
    matrix<T, 64, 16> xw{};
    matrix<T, 10, 16> yw{};
    for (std::size_t i = 0; i < xw.size; ++i) xw.elems[i] = T(i % 17) / T(16);
    for (std::size_t j = 0; j < 16; ++j) yw(j % 10, j) = T(1);
    optim::sgd opt{0.1};

    CHECK(allocations_in([&] {
              small.initialize(1);
              wide.initialize(2);
          }) == 0);
    CHECK(allocations_in([&] {
              const auto c = small.forward(x1);
              opt.step(small, small.backward(c, y1, loss::binary_cross_entropy{}));
          }) == 0);
    CHECK(allocations_in([&] {
              const auto c = small.forward(x8);
              opt.step(small, small.backward(c, y8, loss::mse{}));
          }) == 0);
    CHECK(allocations_in([&] {
              const auto c = wide.forward(xw);
              const auto g = wide.backward(c, yw, loss::cross_entropy{});
              opt.step(wide, g);
          }) == 0);
    optim::momentum<digits_net> mom{0.1, 0.9};
    optim::adam<digits_net> adam{0.01};
    CHECK(allocations_in([&] {
              const auto c = wide.forward(xw);
              const auto g = wide.backward(c, yw, loss::cross_entropy{});
              mom.step(wide, g);
              adam.step(wide, g);
          }) == 0);
    T sink{};
    CHECK(allocations_in([&] {
              sink += small.predict(x1)(0, 0);
              sink += wide.predict(xw)(3, 5);
              sink += loss::cross_entropy{}.value(wide.predict(xw), yw);
          }) == 0);
    CHECK(sink == sink);  // used, and not NaN
}
