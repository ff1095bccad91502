// two_moons.hpp — a deterministic two-class 2-D data set (two interleaving half
// circles with uniform noise), the kind the seeds' 2-3-3-1 network learns.
// Same seed, same points, on every compiler: the noise comes from ctnn's
// integer generator; only std::sin/std::cos come from the C library.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>

#include <ctnn/init.hpp>
#include <ctnn/matrix.hpp>

namespace two_moons {

/// N points, one per column of X (2 x N), labels 0/1 in Y (1 x N), classes alternating.
template <class T, std::size_t N>
struct data_set {
    ctnn::matrix<T, 2, N> X{};
    ctnn::matrix<T, 1, N> Y{};
};

template <class T, std::size_t N>
data_set<T, N> make(std::uint64_t seed, double noise = 0.15) {
    constexpr double pi = 3.14159265358979323846;
    ctnn::init::xoshiro256ss rng{seed};
    data_set<T, N> d{};
    for (std::size_t j = 0; j < N; ++j) {
        const double t = pi * rng.uniform01();
        const bool upper = j % 2 == 0;
        // upper moon: (cos t, sin t); lower moon: (1 - cos t, 0.5 - sin t)
        double x = upper ? std::cos(t) : 1.0 - std::cos(t);
        double y = upper ? std::sin(t) : 0.5 - std::sin(t);
        x += noise * (2 * rng.uniform01() - 1);
        y += noise * (2 * rng.uniform01() - 1);
        // centre roughly on 0 so that the network starts in its useful range
        d.X(0, j) = T(x - 0.5);
        d.X(1, j) = T(y - 0.25);
        d.Y(0, j) = upper ? T(0) : T(1);
    }
    return d;
}

/// columns [first, first + M) of a matrix: one mini-batch
template <std::size_t M, class T, std::size_t R, std::size_t N>
ctnn::matrix<T, R, M> columns(const ctnn::matrix<T, R, N>& a, std::size_t first) {
    ctnn::matrix<T, R, M> out{};
    for (std::size_t i = 0; i < R; ++i)
        for (std::size_t j = 0; j < M; ++j) out(i, j) = a(i, first + j);
    return out;
}

/// fraction of columns where (output >= 0.5) matches the 0/1 label
template <class T, std::size_t N>
double accuracy(const ctnn::matrix<T, 1, N>& out, const ctnn::matrix<T, 1, N>& y) {
    std::size_t hits = 0;
    for (std::size_t j = 0; j < N; ++j) hits += (out(0, j) >= T(0.5)) == (y(0, j) >= T(0.5));
    return double(hits) / double(N);
}

} // namespace two_moons
