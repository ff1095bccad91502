// matrix.test.cpp — the matrix algebra, at run time and in constant evaluation.
#include <catch2/catch.hpp>

#include <type_traits>

#include <ctnn/matrix.hpp>

using ctnn::matrix;

namespace {
// A = [1 2 3; 4 5 6], B = [1 0; 0 1; 1 1]: products worked out by hand.
constexpr matrix<double, 2, 3> A{{1, 2, 3, 4, 5, 6}};
constexpr matrix<double, 3, 2> B{{1, 0, 0, 1, 1, 1}};
} // namespace

TEST_CASE("matrix is a zero-initialised aggregate with static shape", "[matrix]") {
    constexpr matrix<float, 3, 4> z{};
    STATIC_REQUIRE(decltype(z)::rows == 3);
    STATIC_REQUIRE(decltype(z)::cols == 4);
    STATIC_REQUIRE(std::is_aggregate_v<matrix<float, 3, 4>>);
    STATIC_REQUIRE(std::is_trivially_copyable_v<matrix<float, 3, 4>>);
    STATIC_REQUIRE(sizeof(matrix<double, 3, 4>) == 12 * sizeof(double));
    for (float v : z.elems) REQUIRE(v == 0.0f);
    STATIC_REQUIRE(A(1, 2) == 6);
    STATIC_REQUIRE(A(0, 1) == 2);
}

TEST_CASE("a matrix is aligned to CTNN_ALIGN_BYTES only when that adds no padding", "[matrix]") {
    // never padded: exactly its elements, whatever its alignment
    STATIC_REQUIRE(sizeof(matrix<float, 3, 1>) == 3 * sizeof(float));
    STATIC_REQUIRE(sizeof(matrix<float, 3, 32>) == 96 * sizeof(float));
    STATIC_REQUIRE(sizeof(matrix<double, 1, 5>) == 5 * sizeof(double));
    STATIC_REQUIRE(alignof(matrix<float, 3, 1>) == alignof(float));
    STATIC_REQUIRE(alignof(matrix<double, 1, 5>) == alignof(double));
    constexpr size_t want = CTNN_ALIGN_BYTES > alignof(float) ? CTNN_ALIGN_BYTES : alignof(float);
    STATIC_REQUIRE(alignof(matrix<float, 2, 32>) == want);  // 256 bytes
    STATIC_REQUIRE(alignof(matrix<float, 16, 16>) == want);
#if defined(__x86_64__)
    STATIC_REQUIRE(CTNN_ALIGN_BYTES == 32);  // the same on every -march: one layout per architecture
#endif
}

TEST_CASE("product", "[matrix]") {
    constexpr auto C = A * B;  // [1+3, 2+3; 4+6, 5+6]
    STATIC_REQUIRE(std::is_same_v<std::remove_const_t<decltype(C)>, matrix<double, 2, 2>>);
    STATIC_REQUIRE(C == matrix<double, 2, 2>{{4, 5, 10, 11}});
    const auto D = B * A;  // 3x3: [1 2 3; 4 5 6; 5 7 9]
    REQUIRE(D == matrix<double, 3, 3>{{1, 2, 3, 4, 5, 6, 5, 7, 9}});
}

TEST_CASE("products with a transpose match the kernels that never form it", "[matrix]") {
    // dW = dZ * transpose(A_prev) and dA_prev = transpose(W) * dZ, computed by
    // hand-written triple loops as the independent reference.
    matrix<double, 4, 5> a{};
    matrix<double, 3, 5> b{};
    matrix<double, 4, 3> w{};
    for (std::size_t i = 0; i < a.size; ++i) a.elems[i] = 0.5 * double(i) - 3.0;
    for (std::size_t i = 0; i < b.size; ++i) b.elems[i] = 1.0 / (1.0 + double(i));
    for (std::size_t i = 0; i < w.size; ++i) w.elems[i] = double(i % 5) - 2.0;
    const auto nt = a * ctnn::transpose(b);  // 4x3
    for (std::size_t i = 0; i < 4; ++i)
        for (std::size_t j = 0; j < 3; ++j) {
            double s = 0;
            for (std::size_t k = 0; k < 5; ++k) s += a(i, k) * b(j, k);
            REQUIRE(nt(i, j) == Approx(s).epsilon(1e-15));
        }
    matrix<double, 3, 5> tn{};
    ctnn::detail::gemm_tn(tn, w, a);  // wᵀ·a: 3x5
    const auto tn_ref = ctnn::transpose(w) * a;
    for (std::size_t i = 0; i < tn.size; ++i) REQUIRE(tn.elems[i] == Approx(tn_ref.elems[i]).epsilon(1e-15));
    matrix<double, 4, 3> nt2{};
    ctnn::detail::gemm_nt(nt2, a, b);
    // Not bit-exact: the compiler may contract out += a*b into one fused
    // multiply-add (C++ allows it; clang's default -ffp-contract=on does, and
    // folds it with one rounding when the inputs are constants), so the two
    // kernels may differ in the last bit.
    for (std::size_t i = 0; i < nt.size; ++i) REQUIRE(nt2.elems[i] == Approx(nt.elems[i]).epsilon(1e-15));
}

TEST_CASE("element-wise algebra", "[matrix]") {
    constexpr matrix<double, 2, 3> O{{1, 1, 1, 1, 1, 1}};
    STATIC_REQUIRE(A + O == matrix<double, 2, 3>{{2, 3, 4, 5, 6, 7}});
    STATIC_REQUIRE(A - O == matrix<double, 2, 3>{{0, 1, 2, 3, 4, 5}});
    STATIC_REQUIRE(ctnn::hadamard(A, A) == matrix<double, 2, 3>{{1, 4, 9, 16, 25, 36}});
    STATIC_REQUIRE(A * 2.0 == matrix<double, 2, 3>{{2, 4, 6, 8, 10, 12}});
    STATIC_REQUIRE(2.0 * A == A * 2.0);
    STATIC_REQUIRE(A / 2.0 == matrix<double, 2, 3>{{0.5, 1, 1.5, 2, 2.5, 3}});
    STATIC_REQUIRE(-A == A * -1.0);
    auto m = A;
    m += O;
    m -= A;
    REQUIRE(m == O);
}

TEST_CASE("transpose, column sums, bias broadcast", "[matrix]") {
    constexpr auto At = ctnn::transpose(A);
    STATIC_REQUIRE(std::is_same_v<std::remove_const_t<decltype(At)>, matrix<double, 3, 2>>);
    STATIC_REQUIRE(At == matrix<double, 3, 2>{{1, 4, 2, 5, 3, 6}});
    STATIC_REQUIRE(ctnn::transpose(At) == A);
    STATIC_REQUIRE(ctnn::sum_columns(A) == matrix<double, 2, 1>{{6, 15}});
    constexpr matrix<double, 2, 1> b{{10, 20}};
    STATIC_REQUIRE(ctnn::broadcast<3>(b) == matrix<double, 2, 3>{{10, 10, 10, 20, 20, 20}});
    STATIC_REQUIRE(ctnn::add_bias(A, b) == matrix<double, 2, 3>{{11, 12, 13, 24, 25, 26}});
    const auto col = ctnn::column(A, 1);
    REQUIRE(col == matrix<double, 2, 1>{{2, 5}});
    STATIC_REQUIRE(ctnn::cast<float>(A)(1, 1) == 5.0f);
}

TEST_CASE("kernels above the unroll limit give the same results as below it", "[matrix]") {
    // 20x20x20 = 8000 multiply-adds exceeds CTNN_UNROLL_LIMIT, so this runs the loop
    // versions; compare with an explicit triple loop.
    matrix<double, 20, 20> a{}, b{};
    for (std::size_t i = 0; i < a.size; ++i) {
        a.elems[i] = double((i * 7) % 13) - 6.0;
        b.elems[i] = double((i * 5) % 11) - 5.0;
    }
    const auto c = a * b;
    for (std::size_t i = 0; i < 20; ++i)
        for (std::size_t j = 0; j < 20; ++j) {
            double s = 0;
            for (std::size_t k = 0; k < 20; ++k) s += a(i, k) * b(k, j);
            REQUIRE(c(i, j) == s);  // small integers: exact
        }
}
