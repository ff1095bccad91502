// init.hpp — a constexpr random generator and the weight initialisers.
//
// Everything here is integer arithmetic plus constants computed at compile
// time, so one seed gives bit-identical weights with every compiler, at run
// time and in constant evaluation.
#pragma once

#include <cstdint>

#include <ctnn/math.hpp>
#include <ctnn/matrix.hpp>

namespace ctnn::init {

/// splitmix64: seeds the main generator and derives independent streams
constexpr std::uint64_t splitmix64(std::uint64_t& state) noexcept {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/// xoshiro256** (Blackman, Vigna): small state, fast, good statistical quality
struct xoshiro256ss {
    std::uint64_t s[4]{};

    /// seeded from one 64-bit value through splitmix64, as the authors recommend
    constexpr explicit xoshiro256ss(std::uint64_t seed) noexcept {
        for (auto& w : s) w = splitmix64(seed);
    }

    constexpr std::uint64_t operator()() noexcept {
        const std::uint64_t result = rotl(s[1] * 5, 7) * 9;
        const std::uint64_t t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = rotl(s[3], 45);
        return result;
    }

    /// uniform double in [0, 1) from the top 53 bits
    constexpr double uniform01() noexcept { return static_cast<double>((*this)() >> 11) * 0x1.0p-53; }

private:
    static constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
};

/// the generator for layer `index` of a network initialised with `seed`
constexpr xoshiro256ss layer_stream(std::uint64_t seed, size_t index) noexcept {
    std::uint64_t st = seed ^ (0xd1b54a32d192ed03ULL * (static_cast<std::uint64_t>(index) + 1));
    return xoshiro256ss{splitmix64(st)};
}

// An initialiser fills a weight matrix from a generator. fill_fans<FanIn,
// FanOut>(w, rng) is told the fans (a convolution's or a recurrent layer's
// are not its matrix's columns and rows); fill(w, rng) takes them from the
// shape, FanIn = columns, FanOut = rows, as for a dense layer's W. A user's
// initialiser may define fill alone.

/// all weights zero
struct zeros {
    template <size_t FanIn, size_t FanOut, class T, size_t R, size_t C>
    constexpr void fill_fans(matrix<T, R, C>& w, xoshiro256ss&) const noexcept { w = matrix<T, R, C>{}; }
    template <class T, size_t Out, size_t In>
    constexpr void fill(matrix<T, Out, In>& w, xoshiro256ss& rng) const noexcept { fill_fans<In, Out>(w, rng); }
};

namespace detail {
template <class T, size_t Out, size_t In>
constexpr void fill_uniform(matrix<T, Out, In>& w, xoshiro256ss& rng, double limit) noexcept {
    for (auto& v : w.elems) v = static_cast<T>((2.0 * rng.uniform01() - 1.0) * limit);
}
} // namespace detail

namespace detail {
/// A standard normal draw by Marsaglia's polar method. It uses ctnn's own log
/// and sqrt (plain IEEE double arithmetic) rather than <cmath>, so one seed
/// gives the same draws with every compiler and in constant evaluation. This
/// holds as long as the compiler does not fuse a*b+c into an FMA, which GCC
/// does only with -ffp-contract=fast on an FMA target such as -march=native.
constexpr double standard_normal(xoshiro256ss& rng) noexcept {
    for (;;) {
        const double u = 2.0 * rng.uniform01() - 1.0;
        const double v = 2.0 * rng.uniform01() - 1.0;
        const double s = u * u + v * v;
        if (s > 0.0 && s < 1.0) return u * math::detail::sqrt(-2.0 * math::detail::log(s) / s);
    }
}

template <class T, size_t Out, size_t In>
constexpr void fill_normal(matrix<T, Out, In>& w, xoshiro256ss& rng, double stddev) noexcept {
    for (auto& v : w.elems) v = static_cast<T>(standard_normal(rng) * stddev);
}
} // namespace detail

/// Glorot (Xavier) normal: N(0, 2/(in+out))
struct glorot_normal {
    template <size_t FanIn, size_t FanOut, class T, size_t R, size_t C>
    constexpr void fill_fans(matrix<T, R, C>& w, xoshiro256ss& rng) const noexcept {
        constexpr double stddev = math::detail::sqrt(2.0 / static_cast<double>(FanIn + FanOut));
        detail::fill_normal(w, rng, stddev);
    }
    template <class T, size_t Out, size_t In>
    constexpr void fill(matrix<T, Out, In>& w, xoshiro256ss& rng) const noexcept { fill_fans<In, Out>(w, rng); }
};

/// He (Kaiming) normal: N(0, 2/in); for relu-like layers
struct he_normal {
    template <size_t FanIn, size_t FanOut, class T, size_t R, size_t C>
    constexpr void fill_fans(matrix<T, R, C>& w, xoshiro256ss& rng) const noexcept {
        constexpr double stddev = math::detail::sqrt(2.0 / static_cast<double>(FanIn));
        detail::fill_normal(w, rng, stddev);
    }
    template <class T, size_t Out, size_t In>
    constexpr void fill(matrix<T, Out, In>& w, xoshiro256ss& rng) const noexcept { fill_fans<In, Out>(w, rng); }
};

/// Glorot (Xavier) uniform: U(−√(6/(in+out)), √(6/(in+out))); for tanh, sigmoid, softmax
struct glorot_uniform {
    template <size_t FanIn, size_t FanOut, class T, size_t R, size_t C>
    constexpr void fill_fans(matrix<T, R, C>& w, xoshiro256ss& rng) const noexcept {
        constexpr double limit = math::detail::sqrt(6.0 / static_cast<double>(FanIn + FanOut));
        detail::fill_uniform(w, rng, limit);
    }
    template <class T, size_t Out, size_t In>
    constexpr void fill(matrix<T, Out, In>& w, xoshiro256ss& rng) const noexcept { fill_fans<In, Out>(w, rng); }
};

/// He (Kaiming) uniform: U(−√(6/in), √(6/in)); for relu-like layers
struct he_uniform {
    template <size_t FanIn, size_t FanOut, class T, size_t R, size_t C>
    constexpr void fill_fans(matrix<T, R, C>& w, xoshiro256ss& rng) const noexcept {
        constexpr double limit = math::detail::sqrt(6.0 / static_cast<double>(FanIn));
        detail::fill_uniform(w, rng, limit);
    }
    template <class T, size_t Out, size_t In>
    constexpr void fill(matrix<T, Out, In>& w, xoshiro256ss& rng) const noexcept { fill_fans<In, Out>(w, rng); }
};

} // namespace ctnn::init
