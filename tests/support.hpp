// support.hpp — helpers shared by the tests: tolerant comparison and central
// finite differences over every parameter of a network.
#pragma once

#include <cmath>
#include <cstddef>
#include <utility>

#include <ctnn/ctnn.hpp>

namespace ctnn_test {

/// |a - b| <= tol * max(1, |b|): relative for large values, absolute near 0
inline bool close(double a, double b, double tol) { return std::fabs(a - b) <= tol * std::fmax(1.0, std::fabs(b)); }

/// largest |a - b| / max(1, |b|) over two matrices of one shape
template <class T, std::size_t R, std::size_t C>
double max_rel_diff(const ctnn::matrix<T, R, C>& a, const ctnn::matrix<T, R, C>& b) {
    double worst = 0;
    for (std::size_t i = 0; i < R * C; ++i)
        worst = std::fmax(worst, std::fabs(double(a.elems[i]) - double(b.elems[i])) / std::fmax(1.0, std::fabs(double(b.elems[i]))));
    return worst;
}

/// Calls f(layer_index, parameter matrix, the matching gradient matrix) for
/// every trainable parameter of a network, in the network's visit order.
template <class Net, class Grads, class F>
void for_each_parameter(Net& net, const Grads& g, F&& f) {
    net.visit_indexed(
        [&](std::size_t layer, const auto& info, auto& p, auto&... d) {
            if constexpr (std::remove_cvref_t<decltype(info)>::trainable) f(layer, p, d...);
        },
        g);
}

/// The largest deviation between backward()'s gradients and central finite
/// differences of loss.value(forward(X).output(), Y), step h, over all
/// parameters. Every forward pass runs on a fresh copy of the network, so that
/// a layer with state (dropout's mask stream, batch_norm's running
/// statistics) does the same in each.
template <class Net, class X, class Y, class Loss>
double gradient_check(const Net& start, const X& x, const Y& y, Loss loss, double h = 1e-6) {
    Net net = start;  // by reference: g++ notes an ABI change for 32-byte-aligned arguments by value
    Net first = net;
    const auto cache = first.forward(x);
    const auto grads = net.backward(cache, y, loss);
    double worst = 0;
    Net probe = net;
    const auto loss_of = [&](const Net& n) {
        Net copy = n;
        return double(loss.value(copy.forward(x).output(), y));
    };
    for_each_parameter(probe, grads, [&](std::size_t, auto& p, const auto& dp) {
        for (std::size_t i = 0; i < p.size; ++i) {
            const auto saved = p.elems[i];
            p.elems[i] = saved + h;
            const double up = loss_of(probe);
            p.elems[i] = saved - h;
            const double down = loss_of(probe);
            p.elems[i] = saved;
            const double fd = (up - down) / (2 * h);
            worst = std::fmax(worst, std::fabs(fd - dp.elems[i]) / std::fmax(1.0, std::fabs(fd)));
        }
    });
    return worst;
}

/// deterministic pseudo-random values in [lo, hi) for test inputs
struct test_rng {
    ctnn::init::xoshiro256ss g;
    explicit test_rng(std::uint64_t seed) : g(seed) {}
    double operator()(double lo = -1, double hi = 1) { return lo + (hi - lo) * g.uniform01(); }
    template <class T, std::size_t R, std::size_t C>
    ctnn::matrix<T, R, C> matrix(double lo = -1, double hi = 1) {
        ctnn::matrix<T, R, C> m{};
        for (auto& v : m.elems) v = T((*this)(lo, hi));
        return m;
    }
    /// one-hot labels: one 1 per column at a random row
    template <class T, std::size_t R, std::size_t C>
    ctnn::matrix<T, R, C> one_hot() {
        ctnn::matrix<T, R, C> m{};
        for (std::size_t j = 0; j < C; ++j) m(g() % R, j) = T(1);
        return m;
    }
    /// 0/1 labels
    template <class T, std::size_t R, std::size_t C>
    ctnn::matrix<T, R, C> binary() {
        ctnn::matrix<T, R, C> m{};
        for (auto& v : m.elems) v = T(g() % 2);
        return m;
    }
};

} // namespace ctnn_test
