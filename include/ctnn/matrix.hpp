// matrix.hpp — the fixed-shape matrix, its shape-checked algebra and the product kernels.
//
// Every operation states its shape rule as a static_assert whose message starts
// "ctnn: " and names the usual fix; after a failed check the operation returns a
// value of the shape the caller most likely meant (inside `if constexpr`), so the
// compiler reports one error per mistake instead of a cascade.
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>

#include <ctnn/config.hpp>
#include <ctnn/diagnostics.hpp>
#include <ctnn/kernels.hpp>

namespace ctnn {

namespace detail {
/// CTNN_ALIGN_BYTES for a matrix of N elements of T whose bytes are a multiple
/// of it, else T's own alignment: a matrix is never padded
template <class T, size_t N>
inline constexpr size_t matrix_alignment =
    CTNN_ALIGN_BYTES > alignof(T) && N * sizeof(T) % (CTNN_ALIGN_BYTES > 0 ? CTNN_ALIGN_BYTES : 1) == 0
        ? CTNN_ALIGN_BYTES
        : alignof(T);
} // namespace detail

/// A Rows x Cols matrix of T stored row-major, zero-initialised; an aggregate
/// usable in constant expressions. In networks, columns are samples. Exactly
/// Rows * Cols elements; aligned to CTNN_ALIGN_BYTES when that adds no padding.
template <class T, size_t Rows, size_t Cols>
struct alignas(detail::matrix_alignment<T, Rows * Cols>) matrix {
    // A matrix of ints would silently truncate every gradient.
    static_assert(std::is_floating_point_v<T>, CTNN_MSG_MATRIX_ELEMENT_TYPE);
    static_assert(Rows > 0 && Cols > 0, CTNN_MSG_MATRIX_EMPTY);

    using value_type = T;
    static constexpr size_t rows = Rows;
    static constexpr size_t cols = Cols;
    static constexpr size_t size = Rows * Cols;

    T elems[Rows * Cols]{};

    /// element in row r, column c
    CTNN_INLINE constexpr T& operator()(size_t r, size_t c) noexcept { return elems[r * Cols + c]; }
    /// element in row r, column c
    CTNN_INLINE constexpr const T& operator()(size_t r, size_t c) const noexcept { return elems[r * Cols + c]; }
    /// element i in row-major order
    CTNN_INLINE constexpr T& operator[](size_t i) noexcept { return elems[i]; }
    /// element i in row-major order
    CTNN_INLINE constexpr const T& operator[](size_t i) const noexcept { return elems[i]; }
    CTNN_INLINE constexpr T* data() noexcept { return elems; }
    CTNN_INLINE constexpr const T* data() const noexcept { return elems; }

    friend constexpr bool operator==(const matrix&, const matrix&) = default;

    /// Assigning a matrix of another shape or element type is a shape bug.
    template <class U, size_t R2, size_t C2>
    constexpr matrix& operator=(const matrix<U, R2, C2>&) noexcept {
        static_assert(R2 == Rows && C2 == Cols, CTNN_MSG_ASSIGN_MATRIX_SHAPE);
        static_assert(R2 != Rows || C2 != Cols || std::is_same_v<T, U>, CTNN_MSG_ASSIGN_MATRIX_TYPE);
        return *this;
    }
};

/// true for ctnn::matrix types
template <class M>
inline constexpr bool is_matrix_v = false;
template <class T, size_t R, size_t C>
inline constexpr bool is_matrix_v<matrix<T, R, C>> = true;

namespace detail {

/// out[i] = f(a[i]) over all elements
template <class T, size_t R, size_t C, class F>
CTNN_INLINE constexpr void map_into(matrix<T, R, C>& out, const matrix<T, R, C>& a, F&& f) {
    loop<unroll_elements<R * C>, R * C>([&](size_t i) CTNN_INLINE { out.elems[i] = f(a.elems[i]); });
}

/// out[i] = f(a[i], b[i]) over all elements; f takes two T or, at run time, two
/// SIMD vectors of T (a generic lambda of +, -, *, /, comparisons and ?:), so
/// the pass runs on explicit vectors of the products' width (map_n)
template <class T, size_t R, size_t C, class F>
CTNN_INLINE constexpr void zip_into(matrix<T, R, C>& out, const matrix<T, R, C>& a, const matrix<T, R, C>& b, F&& f) {
    map_n<R * C>(out.elems, f, a.elems, b.elems);
}

// The product kernels (kernels.hpp) on matrices; shapes are already checked.

/// out += a * b
template <class T, size_t R, size_t K, size_t C>
CTNN_INLINE constexpr void gemm_nn_acc(matrix<T, R, C>& out, const matrix<T, R, K>& a, const matrix<T, K, C>& b) {
    gemm_nn_acc<R, K, C>(out.elems, a.elems, b.elems);
}

/// out = aᵀ * b, without forming aᵀ (used for dA_prev = Wᵀ·dZ)
template <class T, size_t K, size_t R, size_t C>
CTNN_INLINE constexpr void gemm_tn(matrix<T, R, C>& out, const matrix<T, K, R>& a, const matrix<T, K, C>& b) {
    gemm_tn<R, K, C>(out.elems, a.elems, b.elems);
}

/// out = scale * (a * bᵀ), without forming bᵀ (dW alone; the backward pass
/// takes dW with db, gemm_nt_scaled_row_sums)
template <class T, size_t R, size_t K, size_t C>
CTNN_INLINE constexpr void gemm_nt(matrix<T, R, C>& out, const matrix<T, R, K>& a, const matrix<T, C, K>& b,
                                   T scale = T(1)) {
    gemm_nt_scaled<R, K, C>(out.elems, a.elems, b.elems, scale);
}

} // namespace detail

// ---------------------------------------------------------------------------
// Shape-checked algebra. The rule is checked first; the arithmetic lives in the
// final `else` so that a failed check produces exactly one diagnostic.

/// matrix product (Rows x Inner) * (Inner x Cols)
template <class T, size_t Rows, size_t LhsCols, class U, size_t RhsRows, size_t Cols>
CTNN_INLINE constexpr auto operator*(const matrix<T, Rows, LhsCols>& a, const matrix<U, RhsRows, Cols>& b) noexcept {
    if constexpr (!std::is_same_v<T, U>) {
        static_assert(detail::always_false<T, U>, CTNN_MSG_PRODUCT_TYPES);
        return matrix<T, Rows, Cols>{};
    } else if constexpr (LhsCols != RhsRows && LhsCols == Cols) {
        static_assert(LhsCols == RhsRows, CTNN_MSG_PRODUCT_TRANSPOSE_B);
        return matrix<T, Rows, Cols>{};
    } else if constexpr (LhsCols != RhsRows && Rows == RhsRows) {
        static_assert(LhsCols == RhsRows, CTNN_MSG_PRODUCT_TRANSPOSE_A);
        return matrix<T, Rows, Cols>{};
    } else if constexpr (LhsCols != RhsRows) {
        static_assert(LhsCols == RhsRows, CTNN_MSG_PRODUCT_SHAPES);
        return matrix<T, Rows, Cols>{};
    } else {
        matrix<T, Rows, Cols> out{};
        detail::gemm_nn_acc(out, a, b);
        return out;
    }
}

/// element-wise sum of two matrices of one shape
template <class T, size_t R, size_t C, class U, size_t R2, size_t C2>
CTNN_INLINE constexpr auto operator+(const matrix<T, R, C>& a, const matrix<U, R2, C2>& b) noexcept {
    if constexpr (R != R2 || C != C2) {
        static_assert(R == R2 && C == C2, CTNN_MSG_ADD_SHAPES);
        return a;
    } else if constexpr (!std::is_same_v<T, U>) {
        static_assert(detail::always_false<T, U>, CTNN_MSG_ADD_TYPES);
        return a;
    } else {
        matrix<T, R, C> out{};
        detail::zip_into(out, a, b, [](auto x, auto y) CTNN_INLINE { return x + y; });
        return out;
    }
}

/// element-wise difference of two matrices of one shape
template <class T, size_t R, size_t C, class U, size_t R2, size_t C2>
CTNN_INLINE constexpr auto operator-(const matrix<T, R, C>& a, const matrix<U, R2, C2>& b) noexcept {
    if constexpr (R != R2 || C != C2) {
        static_assert(R == R2 && C == C2, CTNN_MSG_SUB_SHAPES);
        return a;
    } else if constexpr (!std::is_same_v<T, U>) {
        static_assert(detail::always_false<T, U>, CTNN_MSG_SUB_TYPES);
        return a;
    } else {
        matrix<T, R, C> out{};
        detail::zip_into(out, a, b, [](auto x, auto y) CTNN_INLINE { return x - y; });
        return out;
    }
}

/// element-wise (Hadamard) product, as in dZ = dA ⊙ g'(Z)
template <class T, size_t R, size_t C, class U, size_t R2, size_t C2>
CTNN_INLINE constexpr auto hadamard(const matrix<T, R, C>& a, const matrix<U, R2, C2>& b) noexcept {
    if constexpr (R != R2 || C != C2) {
        static_assert(R == R2 && C == C2, CTNN_MSG_HADAMARD_SHAPES);
        return a;
    } else if constexpr (!std::is_same_v<T, U>) {
        static_assert(detail::always_false<T, U>, CTNN_MSG_HADAMARD_TYPES);
        return a;
    } else {
        matrix<T, R, C> out{};
        detail::zip_into(out, a, b, [](auto x, auto y) CTNN_INLINE { return x * y; });
        return out;
    }
}

/// a += b (same shape)
template <class T, size_t R, size_t C, class U, size_t R2, size_t C2>
constexpr matrix<T, R, C>& operator+=(matrix<T, R, C>& a, const matrix<U, R2, C2>& b) noexcept {
    static_assert((R == R2 && C == C2) && std::is_same_v<T, U>, CTNN_MSG_ADD_ASSIGN);
    if constexpr (R == R2 && C == C2 && std::is_same_v<T, U>) detail::zip_into(a, a, b, [](auto x, auto y) CTNN_INLINE { return x + y; });
    return a;
}

/// a -= b (same shape)
template <class T, size_t R, size_t C, class U, size_t R2, size_t C2>
constexpr matrix<T, R, C>& operator-=(matrix<T, R, C>& a, const matrix<U, R2, C2>& b) noexcept {
    static_assert((R == R2 && C == C2) && std::is_same_v<T, U>, CTNN_MSG_SUB_ASSIGN);
    if constexpr (R == R2 && C == C2 && std::is_same_v<T, U>) detail::zip_into(a, a, b, [](auto x, auto y) CTNN_INLINE { return x - y; });
    return a;
}

/// the transpose, as a fresh matrix (products with a transpose inside the
/// library use kernels that never form it)
template <class T, size_t R, size_t C>
CTNN_INLINE constexpr matrix<T, C, R> transpose(const matrix<T, R, C>& a) noexcept {
    matrix<T, C, R> out{};
    detail::loop<detail::unroll_elements<R * C>, R>([&](size_t i) CTNN_INLINE {
        detail::loop<detail::unroll_elements<R * C>, C>([&](size_t j) CTNN_INLINE { out(j, i) = a(i, j); });
    });
    return out;
}

/// scalar multiple s·a
template <class T, size_t R, size_t C>
CTNN_INLINE constexpr matrix<T, R, C> operator*(const matrix<T, R, C>& a, std::type_identity_t<T> s) noexcept {
    matrix<T, R, C> out{};
    detail::map_into(out, a, [s](T x) CTNN_INLINE { return x * s; });
    return out;
}

/// scalar multiple s·a
template <class T, size_t R, size_t C>
CTNN_INLINE constexpr matrix<T, R, C> operator*(std::type_identity_t<T> s, const matrix<T, R, C>& a) noexcept {
    return a * s;
}

/// a / s, element-wise
template <class T, size_t R, size_t C>
CTNN_INLINE constexpr matrix<T, R, C> operator/(const matrix<T, R, C>& a, std::type_identity_t<T> s) noexcept {
    matrix<T, R, C> out{};
    detail::map_into(out, a, [s](T x) CTNN_INLINE { return x / s; });
    return out;
}

/// -a
template <class T, size_t R, size_t C>
CTNN_INLINE constexpr matrix<T, R, C> operator-(const matrix<T, R, C>& a) noexcept {
    matrix<T, R, C> out{};
    detail::map_into(out, a, [](T x) CTNN_INLINE { return -x; });
    return out;
}

/// Σ over the columns: an R x C matrix becomes R x 1 (db = (1/m)·sum_columns(dZ))
template <class T, size_t R, size_t C>
CTNN_INLINE constexpr matrix<T, R, 1> sum_columns(const matrix<T, R, C>& a) noexcept {
    matrix<T, R, 1> out{};
    // rows of 8 or more in the dot form (8 partial sums and a fixed tree), not
    // one chain of C dependent additions
    detail::row_sums<R, C>(out.elems, a.elems);
    return out;
}

/// R x 1 bias repeated into every one of Cols columns
template <size_t Cols, class T, size_t R, size_t C>
CTNN_INLINE constexpr matrix<T, R, Cols> broadcast(const matrix<T, R, C>& b) noexcept {
    static_assert(C == 1, CTNN_MSG_BROADCAST_COLUMN);
    matrix<T, R, Cols> out{};
    if constexpr (C == 1) {
        detail::loop<detail::unroll_elements<R * Cols>, R>([&](size_t i) CTNN_INLINE {
            detail::loop<detail::unroll_elements<R * Cols>, Cols>([&](size_t j) CTNN_INLINE { out(i, j) = b(i, 0); });
        });
    }
    return out;
}

/// Z + b with the R x 1 bias b added to every column (Z = W·A + b)
template <class T, size_t R, size_t C, class U, size_t BR, size_t BC>
CTNN_INLINE constexpr auto add_bias(const matrix<T, R, C>& z, const matrix<U, BR, BC>& b) noexcept {
    if constexpr (BR != R || BC != 1 || !std::is_same_v<T, U>) {
        static_assert(BR == R && BC == 1 && std::is_same_v<T, U>, CTNN_MSG_ADD_BIAS);
        return z;
    } else {
        matrix<T, R, C> out = z;
        detail::loop<detail::unroll_elements<R * C>, R>([&](size_t i) CTNN_INLINE {
            detail::loop<detail::unroll_elements<R * C>, C>([&](size_t j) CTNN_INLINE { out(i, j) += b(i, 0); });
        });
        return out;
    }
}

/// f applied to every element
template <class T, size_t R, size_t C, class F>
CTNN_INLINE constexpr matrix<T, R, C> map(const matrix<T, R, C>& a, F&& f) noexcept {
    matrix<T, R, C> out{};
    detail::map_into(out, a, f);
    return out;
}

/// the same matrix converted to element type To
template <class To, class T, size_t R, size_t C>
CTNN_INLINE constexpr matrix<To, R, C> cast(const matrix<T, R, C>& a) noexcept {
    matrix<To, R, C> out{};
    for (size_t i = 0; i < R * C; ++i) out.elems[i] = static_cast<To>(a.elems[i]);
    return out;
}

/// column j as a Rows x 1 matrix (one sample of a batch)
template <class T, size_t R, size_t C>
CTNN_INLINE constexpr matrix<T, R, 1> column(const matrix<T, R, C>& a, size_t j) noexcept {
    matrix<T, R, 1> out{};
    for (size_t i = 0; i < R; ++i) out(i, 0) = a(i, j);
    return out;
}

} // namespace ctnn
