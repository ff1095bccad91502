// no_heap.test.cpp — ctnn never allocates: initialize, forward, backward, the
// optimiser steps (sgd, momentum, adam), predict, loss values, fit and evaluate
// run with zero calls of operator new, each counted on its own.
//
// This file replaces the global operator new / new[] (plain, nothrow, aligned
// and aligned nothrow) with versions that forward to malloc / aligned_alloc and
// count the calls made between heap_counter's start and stop. The replacement
// is program-wide, so Catch2's own allocations go through it too; they happen
// outside the counted regions, and REQUIRE is only ever called after stop.
// It works under -fsanitize=address,undefined (CTNN_SANITIZE=ON): the memory
// still comes from the sanitizer's malloc, which keeps checking it.
#include <catch2/catch.hpp>

#include <atomic>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <new>
#include <vector>

#include <ctnn/ctnn.hpp>
#include <ctnn/train.hpp>

namespace {

std::atomic<bool> counting{false};
std::atomic<long> allocations{0};

void* counted_malloc(std::size_t n) noexcept {
    if (counting.load()) allocations.fetch_add(1);
    return std::malloc(n == 0 ? 1 : n);
}

void* counted_aligned(std::size_t n, std::align_val_t al) noexcept {
    if (counting.load()) allocations.fetch_add(1);
    const auto a = static_cast<std::size_t>(al) < sizeof(void*) ? sizeof(void*) : static_cast<std::size_t>(al);
    const std::size_t size = n == 0 ? a : (n + a - 1) / a * a;  // aligned_alloc wants a multiple of a
    return std::aligned_alloc(a, size);
}

void* or_throw(void* p) {
    if (p == nullptr) throw std::bad_alloc{};
    return p;
}

/// Counts the allocations between start() and stop(). One at a time; not nested.
struct heap_counter {
    void start() noexcept {
        allocations.store(0);
        counting.store(true);
    }
    /// the number of allocations since start()
    long stop() noexcept {
        counting.store(false);
        return allocations.load();
    }
};

} // namespace

// The replacements. Every delete frees with std::free, which also releases
// aligned_alloc's memory.
void* operator new(std::size_t n) { return or_throw(counted_malloc(n)); }
void* operator new[](std::size_t n) { return or_throw(counted_malloc(n)); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return counted_malloc(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return counted_malloc(n); }
void* operator new(std::size_t n, std::align_val_t al) { return or_throw(counted_aligned(n, al)); }
void* operator new[](std::size_t n, std::align_val_t al) { return or_throw(counted_aligned(n, al)); }
void* operator new(std::size_t n, std::align_val_t al, const std::nothrow_t&) noexcept {
    return counted_aligned(n, al);
}
void* operator new[](std::size_t n, std::align_val_t al, const std::nothrow_t&) noexcept {
    return counted_aligned(n, al);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }

namespace {

template <class T>
using seed_net = ctnn::network<T, ctnn::input<2>, ctnn::dense<3, ctnn::act::relu>, ctnn::dense<3, ctnn::act::relu>,
                               ctnn::dense<1, ctnn::act::sigmoid>>;
template <class T>
using wide_net = ctnn::network<T, ctnn::input<64>, ctnn::dense<32, ctnn::act::relu>, ctnn::dense<10, ctnn::act::softmax>>;

/// every layer kind in one network
template <class T>
using every_kind_net =
    ctnn::network<T, ctnn::input<4>, ctnn::dense<6, ctnn::act::gelu>, ctnn::batch_norm, ctnn::prelu,
                  ctnn::dropout<1, 4>,
                  ctnn::residual<ctnn::dense<5, ctnn::act::elu>, ctnn::activation<ctnn::act::softplus>,
                                 ctnn::dense<6, ctnn::act::hard_tanh>>,
                  ctnn::activation<ctnn::act::silu>, ctnn::dense<3, ctnn::act::softmax>>;

/// deterministic features in [-1, 1]
template <class T, std::size_t R, std::size_t C>
ctnn::matrix<T, R, C> features() {
    ctnn::matrix<T, R, C> x{};
    for (std::size_t i = 0; i < R * C; ++i) x.elems[i] = static_cast<T>(std::sin(0.7 * static_cast<double>(i) + 0.3));
    return x;
}

/// binary labels (one sigmoid output): sample j is 1 when j is odd
template <class T, std::size_t M>
ctnn::matrix<T, 1, M> binary_labels() {
    ctnn::matrix<T, 1, M> y{};
    for (std::size_t j = 0; j < M; ++j) y(0, j) = static_cast<T>(j % 2);
    return y;
}

/// one-hot labels (Classes softmax outputs): sample j is class j mod Classes
template <class T, std::size_t M, std::size_t Classes = 10>
ctnn::matrix<T, Classes, M> one_hot_labels() {
    ctnn::matrix<T, Classes, M> y{};
    for (std::size_t j = 0; j < M; ++j) y(j % Classes, j) = T(1);
    return y;
}

template <class M>
bool all_finite(const M& m) {
    for (const auto v : m.elems)
        if (!std::isfinite(static_cast<double>(v))) return false;
    return true;
}

/// The allocations of each library call, counted one call at a time (-1: not
/// measured), and whether the results are finite, so that the calls really ran.
struct heap_report {
    long initialize = -1, forward = -1, backward = -1, in_place = -1, sgd = -1, momentum = -1, adam = -1, predict = -1, loss = -1;
    bool finite = false;
};

/// one step of each optimiser, each in its own counted region. Depends on the
/// network type only (not on the batch), and is kept out of line, so that each
/// network's optimiser code is compiled once.
template <class Net>
[[gnu::noinline]] void measure_steps(Net& net, const typename Net::gradients_type& grads, heap_report& r) {
    static ctnn::optim::momentum<Net> momentum{0.05, 0.9};  // optimiser state is network-sized: static
    static ctnn::optim::adam<Net> adam{0.001};
    const ctnn::optim::sgd sgd{0.05};
    heap_counter heap;

    heap.start();
    sgd.step(net, grads);
    r.sgd = heap.stop();

    heap.start();
    momentum.step(net, grads);
    r.momentum = heap.stop();

    heap.start();
    adam.step(net, grads);
    r.adam = heap.stop();
}

/// initialize, forward, backward, the optimiser steps, predict and the loss
/// value on a batch (x, y), each in its own counted region
template <class Net, class X, class Y, class Loss>
heap_report measure(Net& net, const X& x, const Y& y, const Loss& loss) {
    using T = typename Net::value_type;
    heap_report r;
    heap_counter heap;

    heap.start();
    net.initialize(7);
    r.initialize = heap.stop();

    heap.start();
    const auto cache = net.forward(x);
    r.forward = heap.stop();

    heap.start();
    const auto grads = net.backward(cache, y, loss);
    r.backward = heap.stop();

    static auto cache_kept = cache;  // storage the caller keeps (static, as on a device)
    static auto grads_kept = grads;
    heap.start();
    net.forward_into(x, cache_kept);
    net.backward_into(cache_kept, y, loss, grads_kept);
    r.in_place = heap.stop();

    measure_steps(net, grads, r);

    heap.start();
    const auto out = net.predict(x);
    r.predict = heap.stop();

    heap.start();
    const T value = loss.value(out, y);
    r.loss = heap.stop();

    // the in-place pass gives the value forms' gradients, unless the network
    // has training state (a second pass draws another dropout mask)
    constexpr bool stateless = !Net::has_training_state;
    r.finite = std::isfinite(static_cast<double>(value)) && all_finite(out) && all_finite(cache.output()) &&
               all_finite(grads.template layer<0>().dW) && all_finite(net.template layer<0>().W) &&
               (!stateless || grads_kept == grads);
    return r;
}

void require_no_heap(const heap_report& r) {
    CHECK(r.initialize == 0);
    CHECK(r.forward == 0);
    CHECK(r.backward == 0);
    CHECK(r.in_place == 0);
    CHECK(r.sgd == 0);
    CHECK(r.momentum == 0);
    CHECK(r.adam == 0);
    CHECK(r.predict == 0);
    CHECK(r.loss == 0);
    REQUIRE(r.finite);
}

} // namespace

TEST_CASE("the allocation counter counts", "[no_heap]") {
    heap_counter heap;

    heap.start();
    int* volatile one = new int(7);  // volatile: the allocation cannot be elided
    const long counted_one = heap.stop();
    delete one;
    REQUIRE(counted_one == 1);

    struct alignas(64) over_aligned { double v[8]; };
    heap.start();
    double* volatile arr = new double[16]();
    over_aligned* volatile aligned = new over_aligned{};
    const long counted_two = heap.stop();
    delete[] arr;
    delete aligned;
    REQUIRE(counted_two == 2);

    // outside a counted region nothing is counted
    heap.start();
    const long counted_none = heap.stop();
    int* volatile later = new int(1);
    delete later;
    REQUIRE(counted_none == 0);
}

TEMPLATE_TEST_CASE("seed network, batch 1, binary cross-entropy", "[no_heap]", float, double) {
    seed_net<TestType> net{};
    require_no_heap(measure(net, features<TestType, 2, 1>(), binary_labels<TestType, 1>(),
                            ctnn::loss::binary_cross_entropy{}));
}

TEMPLATE_TEST_CASE("seed network, batch 8, binary cross-entropy", "[no_heap]", float, double) {
    seed_net<TestType> net{};
    require_no_heap(measure(net, features<TestType, 2, 8>(), binary_labels<TestType, 8>(),
                            ctnn::loss::binary_cross_entropy{}));
}

TEST_CASE("seed network, batch 8, mse", "[no_heap]") {
    seed_net<float> net{};
    require_no_heap(measure(net, features<float, 2, 8>(), binary_labels<float, 8>(), ctnn::loss::mse{}));
}

TEST_CASE("64-32-10 relu/softmax network, double, batch 1, cross-entropy", "[no_heap]") {
    static wide_net<double> net{};  // 21 KB of parameters: static, as on a device
    require_no_heap(measure(net, features<double, 64, 1>(), one_hot_labels<double, 1>(), ctnn::loss::cross_entropy{}));
}

TEMPLATE_TEST_CASE("64-32-10 relu/softmax network, batch 16, cross-entropy", "[no_heap]", double, float) {
    static wide_net<TestType> net{};
    require_no_heap(
        measure(net, features<TestType, 64, 16>(), one_hot_labels<TestType, 16>(), ctnn::loss::cross_entropy{}));
}

TEST_CASE("fit and evaluate", "[no_heap]") {
    using net_t = ctnn::network<double, ctnn::input<4>, ctnn::dense<8, ctnn::act::relu>, ctnn::dense<3, ctnn::act::softmax>>;
    std::vector<double> xs(4 * 53), ys(3 * 53, 0.0);  // the data set's storage exists before counting
    for (std::size_t i = 0; i < xs.size(); ++i) xs[i] = static_cast<double>(i % 7) / 7.0;
    for (std::size_t s = 0; s < 53; ++s) ys[3 * s + s % 3] = 1.0;
    const auto data = ctnn::dataset_view<double, 4, 3>::samples_as_rows(xs, ys);
    net_t net{};
    net.initialize(1);
    ctnn::optim::adam<net_t> opt{0.01};
    double last_loss = 0, eval_loss = 0;
    std::size_t epochs = 0;

    heap_counter heap;
    heap.start();
    ctnn::fit<16>(net, data, ctnn::loss::cross_entropy{}, opt, ctnn::fit_options{.epochs = 3, .seed = 9},
                  [&](const ctnn::epoch_report& r) {
                      last_loss = r.loss;
                      ++epochs;
                  });
    eval_loss = ctnn::evaluate(net, data, ctnn::loss::cross_entropy{}).loss;
    const long counted = heap.stop();

    CHECK(counted == 0);
    CHECK(epochs == 3);
    CHECK(std::isfinite(last_loss));
    CHECK(last_loss > 0);
    CHECK(std::isfinite(eval_loss));
    CHECK(eval_loss > 0);
}

TEST_CASE("every layer kind (batch_norm, prelu, dropout, residual, activation layers), batch 8", "[no_heap][layers]") {
    every_kind_net<float> net{};
    require_no_heap(measure(net, features<float, 4, 8>(), one_hot_labels<float, 8, 3>(), ctnn::loss::cross_entropy{}));
}
