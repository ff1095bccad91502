// kernels.test.cpp — the run-time product kernels (register-blocked, vector
// extensions) perform exactly the operations of the plain ones in the same
// order: their results equal the constant-evaluated results bit for bit, for
// shapes that exercise every path (the dot form with and without a tail and
// with fewer than 8 rows, the broadcast form with partial vectors and row
// remainders, the transposed slices of dW = dZ·A_prevᵀ). Built without FMA
// contraction (the default x86-64 target has no FMA), so bit equality is the
// right expectation. A second check compares against a naive double-precision
// product, so a kernel that is consistently wrong in both paths also fails.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <type_traits>

#include <ctnn/matrix.hpp>

using ctnn::matrix;

namespace {
template <class T, std::size_t R, std::size_t C>
constexpr matrix<T, R, C> filled(std::uint32_t seed) {
    matrix<T, R, C> m{};
    std::uint32_t s = seed;
    for (auto& e : m.elems) {
        s = s * 1664525u + 1013904223u;
        e = static_cast<T>(static_cast<std::int32_t>(s >> 8) % 2001 - 1000) / T(997);
    }
    return m;
}

template <class T, std::size_t R, std::size_t K, std::size_t C>
struct products {
    matrix<T, R, C> nn{};  // bias-like start + a·b
    matrix<T, R, C> tn{};  // aᵀ·b with a stored K x R
    matrix<T, R, C> nt{};  // 0.25·(a·bᵀ) with b stored C x K
    matrix<T, R, C> nt2{};  // the same, computed with rows (dW with db)
    matrix<T, R, 1> rows{};  // 0.25·Σ_k a(i, k)
};

/// m, read through volatile at run time: the optimiser cannot see the values,
/// so it cannot constant-fold the products (clang would fold a*b+c with one
/// rounding, which is not what the kernels compute)
template <class M>
constexpr M opaque(const M& m) {
    if (std::is_constant_evaluated()) return m;
    M r{};
    for (std::size_t i = 0; i < M::rows * M::cols; ++i) {
        volatile auto v = m.elems[i];
        r.elems[i] = v;
    }
    return r;
}

template <class T, std::size_t R, std::size_t K, std::size_t C>
constexpr products<T, R, K, C> compute() {
    products<T, R, K, C> p{};
    const auto a = opaque(filled<T, R, K>(1));
    const auto at = opaque(filled<T, K, R>(2));
    const auto b = opaque(filled<T, K, C>(3));
    const auto bt = opaque(filled<T, C, K>(4));
    p.nn = opaque(filled<T, R, C>(5));
    ctnn::detail::gemm_nn_acc(p.nn, a, b);
    ctnn::detail::gemm_tn(p.tn, at, b);
    ctnn::detail::gemm_nt(p.nt, a, bt, T(0.25));
    ctnn::detail::gemm_nt_scaled_row_sums<R, K, C>(p.nt2.elems, p.rows.elems, a.elems, bt.elems, T(0.25));
    return p;
}

template <class T, std::size_t R, std::size_t K, std::size_t C>
void check_shape() {
    constexpr auto expected = compute<T, R, K, C>();
    const auto got = compute<T, R, K, C>();  // run time: the blocked kernels where they apply
    for (std::size_t i = 0; i < R * C; ++i) {
        INFO("R=" << R << " K=" << K << " C=" << C << " element " << i);
        CHECK(got.nn.elems[i] == expected.nn.elems[i]);
        CHECK(got.tn.elems[i] == expected.tn.elems[i]);
        CHECK(got.nt.elems[i] == expected.nt.elems[i]);
        CHECK(got.nt2.elems[i] == expected.nt.elems[i]);  // dW with db: dW's own bits
    }
    for (std::size_t i = 0; i < R; ++i) {
        INFO("R=" << R << " K=" << K << " C=" << C << " row sum " << i);
        CHECK(got.rows.elems[i] == expected.rows.elems[i]);
    }
    // against a naive double product (any order): close, not equal
    const auto a = filled<T, R, K>(1);
    const auto at = filled<T, K, R>(2);
    const auto b = filled<T, K, C>(3);
    const auto bt = filled<T, C, K>(4);
    const auto start = filled<T, R, C>(5);
    const double tol = std::is_same_v<T, float> ? 1e-5 : 1e-13;
    for (std::size_t i = 0; i < R; ++i)
        for (std::size_t j = 0; j < C; ++j) {
            double nn = start(i, j), tn = 0, nt = 0;
            for (std::size_t k = 0; k < K; ++k) {
                nn += double(a(i, k)) * double(b(k, j));
                tn += double(at(k, i)) * double(b(k, j));
                nt += double(a(i, k)) * double(bt(j, k));
            }
            CHECK(std::abs(got.nn(i, j) - nn) <= tol * (1 + std::abs(nn)) * K);
            CHECK(std::abs(got.tn(i, j) - tn) <= tol * (1 + std::abs(tn)) * K);
            CHECK(std::abs(got.nt(i, j) - 0.25 * nt) <= tol * (1 + std::abs(nt)) * K);
        }
    for (std::size_t i = 0; i < R; ++i) {
        double sum = 0;
        for (std::size_t k = 0; k < K; ++k) sum += double(a(i, k));
        CHECK(std::abs(got.rows(i, 0) - 0.25 * sum) <= tol * (1 + std::abs(sum)) * K);
    }
}
} // namespace

TEST_CASE("single column (predict): dot form, run time == compile time", "[kernels]") {
    check_shape<float, 32, 64, 1>();  // 8-row groups, no tail
    check_shape<float, 13, 21, 1>();  // a row remainder and a tail of 5
    check_shape<float, 4, 16, 1>();   // fewer than 8 rows
    check_shape<float, 16, 8, 1>();   // K = 8: one partial sum each
    check_shape<double, 10, 19, 1>();
}

TEST_CASE("batches: broadcast form, run time == compile time", "[kernels]") {
    check_shape<float, 16, 40, 24>();  // full vectors, several tiles
    check_shape<float, 7, 5, 33>();    // a row remainder, a partial tile and a scalar column
    check_shape<float, 10, 32, 32>();  // the digits output layer's shapes
    check_shape<float, 3, 70, 1>();    // dW of a batch of 1 uses K = 1 elsewhere: see below
    check_shape<float, 5, 1, 70>();    // K = 1: dW = dZ·A_prevᵀ needs no transposition
    check_shape<float, 3, 9, 130>();   // dW in slices of 64 columns and a remainder of 2
    check_shape<double, 9, 12, 17>();
}

TEST_CASE("narrow dW over a batch (C < 8, K >= 8), alone and with db: dot form per column, run time == compile time", "[kernels]") {
    check_shape<float, 3, 32, 3>();   // the seed network's dW at batch 32
    check_shape<float, 1, 32, 3>();   // its output layer
    check_shape<float, 11, 13, 7>();  // a row remainder, a tail of 5, 7 columns
    check_shape<float, 9, 8, 2>();    // K = 8: one partial sum each
    check_shape<double, 5, 33, 6>();
    // dW with db: a group of 8 that holds both (6 + 2), db in a group of its own (9 + 3 = 8 + 4)
    check_shape<float, 2, 32, 3>();
    check_shape<float, 40, 16, 1>();  // 40 + 40 sums: whole groups of each
}

TEST_CASE("row sums (db): dot form from 8 columns on, run time == compile time", "[kernels]") {
    const auto check = []<class T, std::size_t R, std::size_t C>(const matrix<T, R, C>& m) {
        constexpr auto expected = ctnn::sum_columns(filled<T, R, C>(6));
        const auto got = ctnn::sum_columns(opaque(m));
        for (std::size_t i = 0; i < R; ++i) {
            double exact = 0;
            for (std::size_t j = 0; j < C; ++j) exact += double(m(i, j));
            CHECK(got(i, 0) == expected(i, 0));
            CHECK(std::abs(double(got(i, 0)) - exact) <= 1e-6 * C * (1 + std::abs(exact)));
        }
    };
    check(filled<float, 3, 32>(6));
    check(filled<float, 10, 13>(6));
    check(filled<double, 4, 64>(6));
    check(filled<float, 3, 7>(6));  // under 8 columns: one chain, as before
}

TEST_CASE("tiny products: straight-line vector code, run time == compile time", "[kernels]") {
    check_shape<float, 3, 2, 8>();    // under CTNN_UNROLL_LIMIT: unrolled, still vectorised
    check_shape<float, 3, 3, 4>();    // the seed network at batch 4
    check_shape<float, 4, 4, 5>();    // a partial vector
    check_shape<float, 16, 16, 1>();  // the dot form, unrolled
    check_shape<double, 2, 3, 6>();
}

namespace {
/// every product a·b is -0 (a = -1, b = +0): a sum with no start value starts
/// at its first product, so each sum below is -0, in constant evaluation and
/// at run time alike (the dot form's tail pads with -0, which keeps it)
template <std::size_t R, std::size_t K, std::size_t C>
struct zero_sums {
    matrix<float, R, C> tn{}, nt{};
    matrix<float, R, 1> rows{};
};
template <std::size_t R, std::size_t K, std::size_t C>
constexpr zero_sums<R, K, C> compute_zero_sums() {
    matrix<float, K, R> at{};
    matrix<float, R, K> a{};
    for (auto& e : at.elems) e = -1.0f;
    for (auto& e : a.elems) e = -1.0f;
    const auto b = opaque(matrix<float, K, C>{});   // +0
    const auto bt = opaque(matrix<float, C, K>{});  // +0
    zero_sums<R, K, C> z{};
    ctnn::detail::gemm_tn(z.tn, opaque(at), b);
    ctnn::detail::gemm_nt(z.nt, opaque(a), bt, 0.5f);
    matrix<float, R, K> negative_zeros{};
    for (auto& e : negative_zeros.elems) e = -0.0f;
    z.rows = ctnn::sum_columns(opaque(negative_zeros));
    return z;
}
template <std::size_t R, std::size_t K, std::size_t C>
void check_zero_sums() {
    constexpr auto expected = compute_zero_sums<R, K, C>();
    const auto got = compute_zero_sums<R, K, C>();
    INFO("R=" << R << " K=" << K << " C=" << C);
    for (std::size_t i = 0; i < R * C; ++i) {
        CHECK(std::signbit(expected.tn.elems[i]));
        CHECK(std::signbit(got.tn.elems[i]));
        CHECK(std::signbit(expected.nt.elems[i]));
        CHECK(std::signbit(got.nt.elems[i]));
    }
    for (std::size_t i = 0; i < R; ++i) {
        CHECK(std::signbit(expected.rows.elems[i]));
        CHECK(std::signbit(got.rows.elems[i]));
    }
}
} // namespace

TEST_CASE("a sum of -0 products is -0 on every path, run time == compile time", "[kernels]") {
    check_zero_sums<3, 11, 3>();   // dot-form dW with a tail of 3, row sums with a tail
    check_zero_sums<3, 32, 3>();   // the seed network at batch 32
    check_zero_sums<7, 5, 33>();   // broadcast form: vectors and a scalar column; row sums under 8
    check_zero_sums<5, 3, 130>();  // dW in transposed slices
}
