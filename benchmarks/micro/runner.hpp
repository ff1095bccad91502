// runner.hpp — what steps.cpp and layout.cpp time: the benchmark's networks,
// one training step's state in one object, and a best-of-R timer.
#pragma once

#include <ctnn/ctnn.hpp>

#include <chrono>

namespace micro {
using namespace ctnn;
using seed = network<float, input<2>, dense<3, act::relu>, dense<3, act::relu>, dense<1, act::sigmoid>>;
using mid = network<float, input<8>, dense<16, act::tanh>, dense<16, act::tanh>, dense<4, act::identity>>;
using big = network<float, input<64>, dense<32, act::relu>, dense<10, act::softmax>>;

/// a network, its inputs and labels, cache and gradients, as the runtime
/// benchmark's runner keeps them
template <class Net, size_t M, class Loss>
struct runner {
    Net net{};
    matrix<float, Net::input_width, M> X{};
    matrix<float, Net::output_width, M> Y{};
    typename Net::template cache_type<M> cache{};
    typename Net::gradients_type grads{};
    optim::sgd opt{0.01f};
    runner() {
        net.initialize(42);
        for (size_t i = 0; i < X.size; ++i) X.elems[i] = 0.01f * float(i % 97) - 0.4f;
        for (size_t j = 0; j < M; ++j) Y.elems[(j % Net::output_width) * M + j] = 1;
    }
    /// the in-place step: forward_into, backward_into, sgd
    __attribute__((noinline)) void step() {
        net.forward_into(X, cache);
        net.backward_into(cache, Y, Loss{}, grads);
        opt.step(net, grads);
    }
    /// the value forms: forward, backward, sgd
    __attribute__((noinline)) void step_value() {
        const auto c = net.forward(X);
        const auto g = net.backward(c, Y, Loss{});
        opt.step(net, g);
    }
    __attribute__((noinline)) void forward() { net.forward_into(X, cache); }
};

/// the best of `rounds` timings of n calls of f, in ns per call; every call
/// is done, in order (each step reads the weights the previous one wrote)
template <class F>
double best_ns(F f, int n, int rounds) {
    double best = 1e30;
    for (int r = 0; r < rounds; ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        for (int i = 0; i < n; ++i) {
            f();
            asm volatile("" ::: "memory");
        }
        const auto t1 = std::chrono::steady_clock::now();
        const double ns = std::chrono::duration<double, std::nano>(t1 - t0).count() / n;
        if (ns < best) best = ns;
    }
    return best;
}
} // namespace micro
