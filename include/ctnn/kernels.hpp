// kernels.hpp — the product kernels behind matrix.hpp, on plain row-major
// arrays whose sizes are template parameters.
//
// Every kernel has one summation order, fixed by the shapes alone, and two
// implementations of it: a plain one (constant evaluation, targets without
// SIMD, and shapes small enough to be emitted as straight-line code) and a
// register-blocked one over GCC/Clang vector extensions for bigger shapes at
// run time. Both perform the same operations in the same order, so a result
// does not depend on which one ran, nor on the SIMD width of the target. No
// -ffast-math is needed: nothing is reassociated behind the programmer's back.
//
// The orders:
// - "broadcast" form, out(i, :) += a(i, k) * b(k, :) for k = 0, 1, ...: every
//   output element is its start value plus the products in increasing k; a
//   sum with no start value (from_zero) starts at its first product, not at
//   0 + it (no extra add, and a sum of -0 products stays -0).
//   Used for W·A (batch > 1), Wᵀ·dZ, and for dZ·A_prevᵀ after a transposition
//   of A_prev in small slices (so dW also sums over the batch in sample order).
// - "dot" form for a single column, out(i) = start + Σ_k a(i, k) b(k) with
//   K >= 8: the products go to 8 partial sums by k mod 8 (each starting at its
//   first product, in increasing k), which are then added as
//   ((s0+s4)+(s2+s6)) + ((s1+s5)+(s3+s7)). This is
//   what makes single-sample predict vectorise with a row-major W. The same
//   form computes dW of a layer with fewer than 8 inputs over a batch of 8 or
//   more, each dW(i, j) = (1/m)·tree over two contiguous rows, and db.
#pragma once

#include <type_traits>
#include <utility>

#include <ctnn/config.hpp>
#include <ctnn/detail/arch.hpp>

// CTNN_SIMD_BYTES (the SIMD width the kernels are blocked for) is set in config.hpp.

/// Number of SIMD registers the blocking may fill (AVX-512VL gives 32).
#ifndef CTNN_SIMD_REGISTERS
#if defined(__AVX512VL__)
#define CTNN_SIMD_REGISTERS 32
#else
#define CTNN_SIMD_REGISTERS 16
#endif
#endif

namespace ctnn::detail {

/// f(0), ..., f(N-1) as straight-line code (a fold, not a recursive unroller)
template <size_t N, class F>
CTNN_INLINE constexpr void repeat(F&& f) {
    [&]<size_t... I>(std::index_sequence<I...>) CTNN_INLINE { (f(I), ...); }(std::make_index_sequence<N>{});
}

/// f(0..N-1), unrolled when Unroll, as a plain loop otherwise
template <bool Unroll, size_t N, class F>
CTNN_INLINE constexpr void loop(F&& f) {
    if constexpr (Unroll) {
        repeat<N>(f);
    } else {
        for (size_t i = 0; i < N; ++i) f(i);
    }
}

/// whether a kernel doing `Work` multiply-adds is emitted as straight-line code
template <size_t Work>
inline constexpr bool unroll = Work <= CTNN_UNROLL_LIMIT;
/// whether an element-wise pass over N elements is emitted as straight-line
/// code: a lower bound than for products, since a loop over elements
/// vectorises as well and unrolling it only costs compile time
/// (docs/performance-notes.md)
template <size_t N>
inline constexpr bool unroll_elements = N <= CTNN_UNROLL_LIMIT / 4;

/// partial sums of the dot form, and the smallest K that uses them
inline constexpr size_t dot_lanes = 8;
inline constexpr size_t dot_min_k = 8;

/// the dot form's final sum of its 8 partial sums (the order is part of the result)
template <class T>
CTNN_INLINE constexpr T dot_tree(const T* s) noexcept {
    return ((s[0] + s[4]) + (s[2] + s[6])) + ((s[1] + s[5]) + (s[3] + s[7]));
}

/// the dot form's sums start at their first product, kept rounded there
/// (detail/arch.hpp): which product of p1 + p2 a compiler fuses into the
/// addition is then the same in every kernel and at every batch size
using arch::keep_rounded;

/// Where the broadcast form's sums start: at the values already in out
/// (from_out), at their first product (from_zero: a plain sum), or at one
/// value per row (from_rows: Z = W·A + b).
struct from_out {};
struct from_zero {};
template <class T>
struct from_rows {
    const T* v;
};

// ---------------------------------------------------------------------------
// Plain implementations: the reference order, usable in constant evaluation.

/// out(i, j) = s(i, j) + Σ_k get_a(i, k) * b[k*LdB + j], i < R, j < C, k < K, where
/// s(i, j) is out(i, j) itself, 0 or v[i] (Start: from_out, from_zero, from_rows)
template <size_t R, size_t K, size_t C, size_t LdB, class T, class Start, class GetA>
CTNN_INLINE constexpr void broadcast_plain(T* out, Start start, GetA get_a, const T* b) noexcept {
    constexpr bool u = unroll<R * K * C>;
    constexpr bool zero = std::is_same_v<Start, from_zero>;  // a sum from zero starts at its first product
    if constexpr (!zero && !std::is_same_v<Start, from_out>) {
        loop<unroll_elements<R * C>, R>([&](size_t i) CTNN_INLINE {
            loop<unroll_elements<R * C>, C>([&](size_t j) CTNN_INLINE { out[i * C + j] = start.v[i]; });
        });
    }
    loop<u, R>([&](size_t i) CTNN_INLINE {
        if constexpr (zero) {
            const T ai0 = get_a(i, 0);
            loop<u, C>([&](size_t j) CTNN_INLINE { out[i * C + j] = ai0 * b[j]; });
        }
        loop<u, K - zero>([&](size_t kk) CTNN_INLINE {
            const size_t k = kk + zero;
            const T aik = get_a(i, k);
            loop<u, C>([&](size_t j) CTNN_INLINE { out[i * C + j] += aik * b[k * LdB + j]; });
        });
    });
}

/// Σ_k term(k), k < K, in the dot form's order: 8 partial sums by k mod 8, then dot_tree
template <size_t K, bool U, class T, class Term>
CTNN_INLINE constexpr T dot_sum_plain(Term term) noexcept {
    static_assert(K >= dot_min_k);
    T s[dot_lanes]{};
    repeat<dot_lanes>([&](size_t k) CTNN_INLINE {
        s[k] = term(k);  // each partial sum starts at its first term
        keep_rounded(s[k]);
    });
    loop<U, K - dot_lanes>([&](size_t k) CTNN_INLINE { s[k % dot_lanes] += term(k + dot_lanes); });
    return dot_tree(s);
}

/// out[i] += Σ_k a[i*K + k] * x[k] in the dot form's order (K >= dot_min_k)
template <size_t R, size_t K, class T>
CTNN_INLINE constexpr void dot_plain(T* out, const T* a, const T* x) noexcept {
    constexpr bool u = unroll<R * K>;
    loop<u, R>([&](size_t i) CTNN_INLINE {
        out[i] += dot_sum_plain<K, u, T>([&](size_t k) CTNN_INLINE { return a[i * K + k] * x[k]; });
    });
}

#if CTNN_SIMD_BYTES > 0 && (defined(__GNUC__) || defined(__clang__))
#define CTNN_HAS_SIMD_KERNELS 1
// Vectors wider than the target's registers (the dot form's 8 lanes on SSE)
// pass between these inline helpers; GCC warns that their ABI would depend
// on -mavx, which does not matter for functions that are always inlined.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

// ---------------------------------------------------------------------------
// Run-time implementations over vector extensions (same order as above).

template <class T>
struct simd {
    static constexpr size_t width = CTNN_SIMD_BYTES / sizeof(T);
    typedef T vec __attribute__((vector_size(CTNN_SIMD_BYTES)));
    typedef T vec8 __attribute__((vector_size(8 * sizeof(T))));
};

template <class V, class T>
CTNN_INLINE inline void load(V& v, const T* p) noexcept {
    __builtin_memcpy(&v, p, sizeof(V));
}
template <class V, class T>
CTNN_INLINE inline void store(T* p, const V& v) noexcept {
    __builtin_memcpy(p, &v, sizeof(V));
}

/// one RB x (NV vectors) tile of the broadcast form, accumulators in registers
template <bool U, size_t RB, size_t NV, size_t K, size_t LdO, size_t LdB, class T, class Start, class GetA>
CTNN_INLINE inline void broadcast_tile(T* out, size_t i0, size_t j0, Start start, GetA get_a, const T* b) noexcept {
    using V = typename simd<T>::vec;
    constexpr size_t W = simd<T>::width;
    constexpr bool zero = std::is_same_v<Start, from_zero>;  // a sum from zero starts at its first product
    V acc[RB][NV];
    if constexpr (zero) {
        V bv[NV];
        repeat<NV>([&](size_t n) CTNN_INLINE { load(bv[n], b + j0 + n * W); });
        repeat<RB>([&](size_t r) CTNN_INLINE {
            const T s = get_a(i0 + r, 0);
            repeat<NV>([&](size_t n) CTNN_INLINE { acc[r][n] = s * bv[n]; });
        });
    } else {
        repeat<RB>([&](size_t r) CTNN_INLINE {
            repeat<NV>([&](size_t n) CTNN_INLINE {
                if constexpr (std::is_same_v<Start, from_out>) {
                    load(acc[r][n], out + (i0 + r) * LdO + j0 + n * W);
                } else {
                    acc[r][n] = start.v[i0 + r] - V{};  // every lane the row's start (x - 0 is x, -0 too)
                }
            });
        });
    }
    loop<U, K - zero>([&](size_t kk) CTNN_INLINE {
        const size_t k = kk + zero;
        V bv[NV];
        repeat<NV>([&](size_t n) CTNN_INLINE { load(bv[n], b + k * LdB + j0 + n * W); });
        repeat<RB>([&](size_t r) CTNN_INLINE {
            const T s = get_a(i0 + r, k);
            repeat<NV>([&](size_t n) CTNN_INLINE { acc[r][n] += s * bv[n]; });
        });
    });
    repeat<RB>([&](size_t r) CTNN_INLINE {
        repeat<NV>([&](size_t n) CTNN_INLINE { store(out + (i0 + r) * LdO + j0 + n * W, acc[r][n]); });
    });
}

/// rows i0 .. i0+RB of the broadcast form, all columns: full tiles of NV
/// vectors, then fewer vectors, then the columns that fill no vector
template <bool U, size_t RB, size_t K, size_t C, size_t LdO, size_t LdB, class T, class Start, class GetA>
CTNN_INLINE inline void broadcast_rows(T* out, size_t i0, Start start, GetA get_a, const T* b) noexcept {
    constexpr size_t W = simd<T>::width;
    constexpr size_t vectors = C / W;
    constexpr size_t NV = (CTNN_SIMD_REGISTERS - 1) / (RB + 1) < 4 ? (CTNN_SIMD_REGISTERS - 1) / (RB + 1) : 4;
    constexpr size_t full = vectors / NV;
    constexpr size_t rest = vectors % NV;
    loop<U, full>([&](size_t t) CTNN_INLINE {
        broadcast_tile<U, RB, NV, K, LdO, LdB>(out, i0, t * NV * W, start, get_a, b);
    });
    if constexpr (rest > 0) broadcast_tile<U, RB, rest, K, LdO, LdB>(out, i0, full * NV * W, start, get_a, b);
    if constexpr (C % W != 0) {
        constexpr size_t j0 = vectors * W;
        repeat<RB>([&](size_t r) CTNN_INLINE {
            T* o = out + (i0 + r) * LdO;
            loop<U, C - j0>([&](size_t jj) CTNN_INLINE {
                const size_t j = j0 + jj;
                constexpr bool zero = std::is_same_v<Start, from_zero>;
                T s;
                if constexpr (zero) {
                    s = get_a(i0 + r, 0) * b[j];
                } else if constexpr (std::is_same_v<Start, from_out>) {
                    s = o[j];
                } else {
                    s = start.v[i0 + r];
                }
                loop<U, K - zero>([&](size_t kk) CTNN_INLINE {
                    const size_t k = kk + zero;
                    s += get_a(i0 + r, k) * b[k * LdB + j];
                });
                o[j] = s;
            });
        });
    }
}

/// out(i, j) = s(i, j) + Σ_k get_a(i, k) * b[k*LdB + j] for i < R, j < C (s as
/// in broadcast_plain); out's rows are LdO apart
template <size_t R, size_t K, size_t C, size_t LdO, size_t LdB, class T, class Start, class GetA>
CTNN_INLINE inline void broadcast_simd(T* out, Start start, GetA get_a, const T* b) noexcept {
    constexpr size_t RB = CTNN_SIMD_REGISTERS >= 32 ? 6 : 4;
    constexpr bool U = unroll<R * K * C>;  // tiny products: straight-line vector code
    loop<U, R / RB>([&](size_t g) CTNN_INLINE { broadcast_rows<U, RB, K, C, LdO, LdB>(out, g * RB, start, get_a, b); });
    if constexpr (R % RB != 0) broadcast_rows<U, R % RB, K, C, LdO, LdB>(out, R - R % RB, start, get_a, b);
}

/// out = lanes I... of the 16 lanes of a and b
template <int... I, class V>
CTNN_INLINE inline void shuffle2(V& out, const V& a, const V& b) noexcept {
#if defined(__clang__) || __GNUC__ >= 12
    out = __builtin_shufflevector(a, b, I...);
#else
    using idx = std::conditional_t<sizeof(a[0]) == 8, long long, int> __attribute__((vector_size(sizeof(V))));
    out = __builtin_shuffle(a, b, idx{I...});
#endif
}

/// dot_tree on the 8 partial sums held in one vector: 3 adds of halves
template <class T, class V8>
CTNN_INLINE inline T dot_tree_vec(const V8& s) noexcept {
    typedef T v4 __attribute__((vector_size(4 * sizeof(T))));
    typedef T v2 __attribute__((vector_size(2 * sizeof(T))));
    v4 lo, hi;
    __builtin_memcpy(&lo, &s, sizeof(v4));
    __builtin_memcpy(&hi, reinterpret_cast<const char*>(&s) + sizeof(v4), sizeof(v4));
    const v4 t = lo + hi;  // s_l + s_(l+4)
    v2 a, b;
    __builtin_memcpy(&a, &t, sizeof(v2));
    __builtin_memcpy(&b, reinterpret_cast<const char*>(&t) + sizeof(v2), sizeof(v2));
    const v2 u = a + b;  // (s0+s4)+(s2+s6), (s1+s5)+(s3+s7)
    return u[0] + u[1];
}

/// P sums in the dot form, 8 at a time. partial(p, v) sets v to sum p's 8
/// partial sums; finish(first, n, sums) receives sums first .. first+n-1 in
/// lanes 0 .. n-1 (n an integral_constant). A group of 8 takes its 8 trees
/// together: 21 shuffles and adds leave the 8 results in one vector; a group
/// of fewer has zero lanes, which the compilers fold, and a single sum takes
/// the 3 adds of dot_tree_vec. (No vector is passed by value: an 8-lane
/// vector is wider than an SSE register.)
template <size_t P, bool U, class T, class Partial, class Finish>
CTNN_INLINE inline void dot_groups(Partial&& partial, Finish&& finish) noexcept {
    using V8 = typename simd<T>::vec8;
    const auto group = [&](size_t first, auto rows) CTNN_INLINE {
        constexpr size_t n = decltype(rows)::value;
        if constexpr (n == 1) {
            V8 v;
            partial(first, v);
            V8 sum{};
            sum[0] = dot_tree_vec<T>(v);
            finish(first, rows, sum);
        } else {
            V8 v[8];
            repeat<8>([&](size_t r) CTNN_INLINE {
                if (r < n) {
                    partial(first + r, v[r]);
                } else {
                    v[r] = V8{};
                }
            });
            V8 u[4];  // sums 2p, 2p+1: s_l + s_(l+4), l = 0..3
            repeat<4>([&](size_t p) CTNN_INLINE {
                V8 lo, hi;
                shuffle2<0, 1, 2, 3, 8, 9, 10, 11>(lo, v[2 * p], v[2 * p + 1]);
                shuffle2<4, 5, 6, 7, 12, 13, 14, 15>(hi, v[2 * p], v[2 * p + 1]);
                u[p] = lo + hi;
            });
            V8 w[2];  // sums 4q .. 4q+3: (s0+s4)+(s2+s6), (s1+s5)+(s3+s7)
            repeat<2>([&](size_t q) CTNN_INLINE {
                V8 lo, hi;
                shuffle2<0, 1, 4, 5, 8, 9, 12, 13>(lo, u[2 * q], u[2 * q + 1]);
                shuffle2<2, 3, 6, 7, 10, 11, 14, 15>(hi, u[2 * q], u[2 * q + 1]);
                w[q] = lo + hi;
            });
            V8 lo, hi;
            shuffle2<0, 2, 4, 6, 8, 10, 12, 14>(lo, w[0], w[1]);
            shuffle2<1, 3, 5, 7, 9, 11, 13, 15>(hi, w[0], w[1]);
            lo += hi;
            finish(first, rows, lo);
        }
    };
    loop<U, P / 8>([&](size_t g) CTNN_INLINE { group(8 * g, std::integral_constant<size_t, 8>{}); });
    if constexpr (P % 8 != 0) group(P - P % 8, std::integral_constant<size_t, P % 8>{});
}

/// v = the 8 partial sums of Σ_k a[k] * b[k] (Mul) or of Σ_k a[k] (not Mul) in
/// the dot form; b_tail is b's last K % 8 elements, zero-padded to 8
template <size_t K, bool U, bool Mul, class T, class V8>
CTNN_INLINE inline void dot_partial(V8& v, const T* a, const T* b, const T* b_tail) noexcept {
    static_assert(K >= dot_min_k);
    constexpr size_t chunks = K / dot_lanes;
    constexpr size_t tail = K % dot_lanes;
    // each partial sum starts at its first term (one expression per step, so
    // that compilers which contract only within one fuse the multiply-adds)
    load(v, a);
    if constexpr (Mul) {
        V8 bv;
        load(bv, b);
        v *= bv;
        keep_rounded(v);
    }
    loop<U, chunks - 1>([&](size_t c) CTNN_INLINE {
        V8 av;
        load(av, a + (c + 1) * dot_lanes);
        if constexpr (Mul) {
            V8 bv;
            load(bv, b + (c + 1) * dot_lanes);
            v += av * bv;
        } else {
            v += av;
        }
    });
    if constexpr (tail > 0) {
        // lanes past the tail add -0 (a's padding -0, times b's +0), which
        // leaves every partial sum unchanged, -0 too
        T as[dot_lanes];
        repeat<dot_lanes>([&](size_t l) CTNN_INLINE { as[l] = -T(0); });
        repeat<tail>([&](size_t l) CTNN_INLINE { as[l] = a[chunks * dot_lanes + l]; });
        V8 av;
        load(av, as);
        if constexpr (Mul) {
            V8 bv;
            load(bv, b_tail);
            v += av * bv;
        } else {
            v += av;
        }
    }
}

/// out[i] += Σ_k a[i*K + k] * x[k] for i < R, in the dot form
template <size_t R, size_t K, class T>
CTNN_INLINE inline void dot_simd(T* out, const T* a, const T* x) noexcept {
    using V8 = typename simd<T>::vec8;
    T xs[dot_lanes]{};  // x's tail, zero-padded to a vector
    repeat<K % dot_lanes>([&](size_t l) CTNN_INLINE { xs[l] = x[K - K % dot_lanes + l]; });
    constexpr bool U = unroll<R * K>;
    dot_groups<R, U, T>(
        [&](size_t i, V8& v) CTNN_INLINE { dot_partial<K, U, true>(v, a + i * K, x, xs); },
        [&](size_t first, auto rows, const V8& sums) CTNN_INLINE {
            constexpr size_t n = decltype(rows)::value;
            if constexpr (n == 8) {
                V8 o;
                load(o, out + first);
                o += sums;
                store(out + first, o);
            } else {
                T f[8];
                store(f, sums);
                repeat<n>([&](size_t r) CTNN_INLINE { out[first + r] += f[r]; });
            }
        });
}

/// out[p] = scale * Σ_k a[i*K + k] * b[j*K + k], p = i*C + j (i < R, j < C), in
/// the dot form: all R*C sums of out = scale·(a·bᵀ) through one set of trees.
/// Given rows (a T*, not nullptr), also rows[i] = scale * Σ_k a[i*K + k]
/// (row_sums' sums) as sums R*C .. R*C+R-1 of the same trees: db with dW, the
/// shuffles of one set of trees instead of a tree per row, and the same results
template <size_t R, size_t K, size_t C, class T, class Rows = decltype(nullptr)>
CTNN_INLINE inline void dot_nt_simd(T* out, const T* a, const T* b, T scale, [[maybe_unused]] Rows rows = nullptr) noexcept {
    using V8 = typename simd<T>::vec8;
    constexpr size_t tail = K % dot_lanes;
    constexpr bool U = unroll<R * K * C>;
    constexpr size_t products = R * C;
    constexpr bool with_rows = !std::is_same_v<Rows, decltype(nullptr)>;
    T bs[C][dot_lanes]{};  // the tails of b's rows, zero-padded to a vector
    if constexpr (tail > 0) {
        repeat<C>([&](size_t j) CTNN_INLINE {
            repeat<tail>([&](size_t l) CTNN_INLINE { bs[j][l] = b[j * K + K - tail + l]; });
        });
    }
    // without rows, every sum is a product: no test of p, also in a loop over groups
    const auto partial = [&](size_t p, V8& v) CTNN_INLINE {
        if (!with_rows || p < products) {
            dot_partial<K, U, true>(v, a + p / C * K, b + p % C * K, bs[p % C]);
        } else {
            dot_partial<K, U, false>(v, a + (p - products) * K, a, a);
        }
    };
    const auto finish = [&](size_t first, auto n_sums, const V8& sums) CTNN_INLINE {
        constexpr size_t n = decltype(n_sums)::value;
        if (n == 8 && (!with_rows || first + 8 <= products)) {
            store(out + first, sums * scale);
        } else {
            T f[8];
            store(f, sums * scale);  // one vector product, not one per sum
            repeat<n>([&](size_t r) CTNN_INLINE {
                const size_t p = first + r;
                if constexpr (with_rows) {
                    (p < products ? out[p] : rows[p - products]) = f[r];
                } else {
                    out[p] = f[r];
                }
            });
        }
    };
    dot_groups<products + (with_rows ? R : 0), U, T>(partial, finish);
}

/// columns j0 .. C-1 of out(i, j) = s(i, j) + Σ_k a(i, k) · b(k, j), one at a
/// time as a single column: gathered, and summed by dot_simd
template <size_t R, size_t K, size_t C, class T, class Start>
CTNN_INLINE inline void dot_columns(T* out, Start start, const T* a, const T* b, size_t j0) noexcept {
    T column[K];
    T sums[R];
    for (size_t j = j0; j < C; ++j) {
        for (size_t k = 0; k < K; ++k) column[k] = b[k * C + j];
        for (size_t i = 0; i < R; ++i) {
            if constexpr (std::is_same_v<Start, from_out>) {
                sums[i] = out[i * C + j];
            } else {
                sums[i] = start.v[i];
            }
        }
        dot_simd<R, K>(sums, a, column);
        for (size_t i = 0; i < R; ++i) out[i * C + j] = sums[i];
    }
}

/// out(i, j) = s(i, j) + Σ_k a(i, k) · b(k, j) for i < R, j < C, in the dot
/// form's order (K >= 8) at every batch size: what a single column computes
/// with dot_simd, here vectorised over the columns. Each tile of RB rows x NV
/// vectors sums its 8 lanes' partial sums (k mod 8) one lane at a time over
/// the strided rows of b, and adds them in dot_tree's order as they come:
/// ((s0+s4)+(s2+s6)) + ((s1+s5)+(s3+s7)), at most four tiles in registers.
/// The columns that fill no vector take the plain order, column by column.
template <size_t R, size_t K, size_t C, class T, class Start>
CTNN_INLINE inline void dot_order_simd(T* out, Start start, const T* a, const T* b) noexcept {
    using V = typename simd<T>::vec;
    constexpr size_t W = simd<T>::width;
    constexpr size_t vectors = C / W;
    // four tiles of RB·NV accumulators, NV loads of b and one broadcast of a in the registers
    constexpr size_t tile = (CTNN_SIMD_REGISTERS - 2) / 4 >= 6 ? 6 : 3;
    constexpr size_t NV = tile == 6 && vectors % 2 == 0 ? 2 : 1;
    constexpr size_t RB = tile / NV;
    constexpr bool U = unroll<R * K * C>;
    const auto tiles = [&](size_t i0, size_t j0, auto rows) CTNN_INLINE {
        constexpr size_t RR = decltype(rows)::value;
        // acc = Σ over k ≡ l (mod 8) of a(i, k)·b(k, :), starting at its first product
        // one body for the 8 lanes, called in a loop: 8 copies of it cost
        // code and compile time
        const auto lane = [&](size_t l, V (&acc)[RR][NV]) CTNN_INLINE {
            V bv[NV];
            repeat<NV>([&](size_t n) CTNN_INLINE { load(bv[n], b + l * C + j0 + n * W); });
            repeat<RR>([&](size_t r) CTNN_INLINE {
                const T s = a[(i0 + r) * K + l];
                repeat<NV>([&](size_t n) CTNN_INLINE {
                    acc[r][n] = s * bv[n];
                    keep_rounded(acc[r][n]);  // as dot_partial's first product
                });
            });
            for (size_t k = l + dot_lanes; k < K; k += dot_lanes) {
                V bk[NV];
                repeat<NV>([&](size_t n) CTNN_INLINE { load(bk[n], b + k * C + j0 + n * W); });
                repeat<RR>([&](size_t r) CTNN_INLINE {
                    const T s = a[(i0 + r) * K + k];
                    repeat<NV>([&](size_t n) CTNN_INLINE { acc[r][n] += s * bk[n]; });
                });
            }
        };
        const auto add = [&](V (&x)[RR][NV], const V (&y)[RR][NV]) CTNN_INLINE {
            repeat<RR>([&](size_t r) CTNN_INLINE { repeat<NV>([&](size_t n) CTNN_INLINE { x[r][n] += y[r][n]; }); });
        };
        V part[dot_lanes][RR][NV];
        for (size_t l = 0; l < dot_lanes; ++l) lane(l, part[l]);  // one copy of the lane's code
        auto& x = part[0];
        add(x, part[4]);   // s0 + s4
        add(part[2], part[6]);
        add(x, part[2]);   // (s0+s4) + (s2+s6)
        add(part[1], part[5]);
        add(part[3], part[7]);
        add(part[1], part[3]);
        add(x, part[1]);   // the tree
        repeat<RR>([&](size_t r) CTNN_INLINE {
            repeat<NV>([&](size_t n) CTNN_INLINE {
                T* o = out + (i0 + r) * C + j0 + n * W;
                V s;
                if constexpr (std::is_same_v<Start, from_out>) {
                    load(s, o);
                } else {
                    s = start.v[i0 + r] - V{};
                }
                store(o, s + x[r][n]);
            });
        });
    };
    loop<U, R / RB>([&](size_t g) CTNN_INLINE {
        loop<U, vectors / NV>([&](size_t v) CTNN_INLINE { tiles(g * RB, v * NV * W, std::integral_constant<size_t, RB>{}); });
    });
    if constexpr (R % RB != 0) {
        loop<U, vectors / NV>([&](size_t v) CTNN_INLINE {
            tiles(R - R % RB, v * NV * W, std::integral_constant<size_t, R % RB>{});
        });
    }
    if constexpr (C % W != 0) dot_columns<R, K, C>(out, start, a, b, vectors * W);
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#else
#define CTNN_HAS_SIMD_KERNELS 0
#endif

/// whether the blocked run-time kernel pays for a product of this shape
template <class T, size_t R, size_t K, size_t C>
inline constexpr bool use_simd = CTNN_HAS_SIMD_KERNELS &&
#if CTNN_HAS_SIMD_KERNELS
                                 C >= simd<T>::width;
#else
                                 false;
#endif

/// out[i] = f(in[i]...) for i < N, for an f that accepts T and, at run time,
/// the SIMD vector of T alike (a generic lambda of +, *, comparisons and ?:).
/// Straight-line code below CTNN_UNROLL_LIMIT elements, vectors whenever SIMD
/// is available: the compilers leave an unrolled select scalar otherwise.
/// Without SIMD, the N scalar calls are unrolled only if UnrollScalar (an
/// expensive f, such as tanh, stays a loop: code size on a microcontroller).
/// Expensive: f costs dozens of operations (exp, tanh), see below.
template <size_t N, bool UnrollScalar = unroll_elements<N>, bool Expensive = false, class T, class F, class... In>
CTNN_INLINE constexpr void map_n(T* out, F f, const In*... in) noexcept {
#if CTNN_HAS_SIMD_KERNELS
    if (!std::is_constant_evaluated()) {
        constexpr bool u = unroll_elements<N>;
        using V = typename simd<T>::vec;
        constexpr size_t W = simd<T>::width;
        const auto vec_at = [](const T* p) CTNN_INLINE {
            V v;
            load(v, p);
            return v;
        };
        // A long pass of an expensive f goes CTNN_SIMD_WIDE_BYTES at a time (on
        // AVX-512 hardware 64: half the instructions of two 32-byte steps).
        // Otherwise the products' width, so that loads match the stores just
        // before them (a wider load over two recent stores stalls).
        if constexpr (Expensive && CTNN_SIMD_WIDE_BYTES == 2 * CTNN_SIMD_BYTES && N >= 8 * W) {
            typedef T vec2 __attribute__((vector_size(CTNN_SIMD_WIDE_BYTES)));
            const auto vec2_at = [](const T* p) CTNN_INLINE {
                vec2 v;
                load(v, p);
                return v;
            };
            constexpr size_t W2 = 2 * W;
            loop<false, N / W2>([&](size_t c) CTNN_INLINE { store(out + c * W2, f(vec2_at(in + c * W2)...)); });
            repeat<N % W2 / W>([&](size_t) CTNN_INLINE {
                constexpr size_t c = N / W2 * 2;
                store(out + c * W, f(vec_at(in + c * W)...));
            });
        } else {
            loop<u, N / W>([&](size_t c) CTNN_INLINE { store(out + c * W, f(vec_at(in + c * W)...)); });
        }
        loop<u, N % W>([&](size_t t) CTNN_INLINE { out[N - N % W + t] = f(in[N - N % W + t]...); });
        return;
    }
#endif
    loop<UnrollScalar, N>([&](size_t i) CTNN_INLINE { out[i] = f(in[i]...); });
}

// ---------------------------------------------------------------------------
// The three products of back propagation.

/// out[i] += Σ_k a[i*K + k] * x[k], i < R, in the dot form (K >= dot_min_k)
template <size_t R, size_t K, class T>
CTNN_INLINE constexpr void dot_acc(T* out, const T* a, const T* x) noexcept {
#if CTNN_HAS_SIMD_KERNELS
    if (!std::is_constant_evaluated()) return dot_simd<R, K>(out, a, x);
#endif
    dot_plain<R, K>(out, a, x);
}

/// out[i] = scale * Σ_k a[i*K + k] (sum_columns, and db = (1/m)·Σ_columns dZ):
/// rows of 8 or more in the dot form's order, with one tree per row at run
/// time (cheaper to compile than dot_groups' 8-row trees, and db is a small
/// part of a training step); shorter rows as one chain
template <size_t R, size_t K, class T>
CTNN_INLINE constexpr void row_sums(T* out, const T* a, T scale = T(1)) noexcept {
    constexpr bool u = unroll<R * K>;
    if constexpr (K < dot_min_k) {
        loop<u, R>([&](size_t i) CTNN_INLINE {
            T s = a[i * K];
            loop<u, K - 1>([&](size_t k) CTNN_INLINE { s += a[i * K + k + 1]; });
            out[i] = s * scale;
        });
    } else {
#if CTNN_HAS_SIMD_KERNELS
        if (!std::is_constant_evaluated()) {
            using V8 = typename simd<T>::vec8;
            loop<u, R>([&](size_t i) CTNN_INLINE {
                V8 acc;
                dot_partial<K, u, false>(acc, a + i * K, a, a);
                out[i] = dot_tree_vec<T>(acc) * scale;
            });
            return;
        }
#endif
        loop<u, R>([&](size_t i) CTNN_INLINE {
            out[i] = dot_sum_plain<K, u, T>([&](size_t k) CTNN_INLINE { return a[i * K + k]; }) * scale;
        });
    }
}

/// out (R x C) = start + a (R x K) * b (K x C), start from_out (out +=) or
/// from_rows (out(i, j) = v[i] + ...: Z = b + W·A without a pass that first
/// fills Z with the bias)
template <size_t R, size_t K, size_t C, class T, class Start>
CTNN_INLINE constexpr void gemm_nn(T* out, Start start, const T* a, const T* b) noexcept {
    if constexpr (C == 1 && K >= dot_min_k) {
        if constexpr (!std::is_same_v<Start, from_out>) {
            loop<unroll_elements<R>, R>([&](size_t i) CTNN_INLINE { out[i] = start.v[i]; });
        }
        dot_acc<R, K>(out, a, b);
    } else if constexpr (K >= dot_min_k) {
        // the dot form at every batch size, so that a sample's result does not
        // depend on the batch it came in (the single column above is the reference)
#if CTNN_HAS_SIMD_KERNELS
        if (!std::is_constant_evaluated()) {
            if constexpr (C >= simd<T>::width) {
                return dot_order_simd<R, K, C>(out, start, a, b);
            } else {
                return dot_columns<R, K, C>(out, start, a, b, 0);  // fewer columns than a vector
            }
        }
#endif
        constexpr bool u = unroll<R * K * C>;
        loop<u, R>([&](size_t i) CTNN_INLINE {
            loop<u, C>([&](size_t j) CTNN_INLINE {
                const T sum = dot_sum_plain<K, u, T>([&](size_t k) CTNN_INLINE { return a[i * K + k] * b[k * C + j]; });
                if constexpr (std::is_same_v<Start, from_out>) {
                    out[i * C + j] += sum;
                } else {
                    out[i * C + j] = start.v[i] + sum;
                }
            });
        });
    } else {
        const auto get_a = [a](size_t i, size_t k) CTNN_INLINE { return a[i * K + k]; };
#if CTNN_HAS_SIMD_KERNELS
        if constexpr (use_simd<T, R, K, C>) {
            if (!std::is_constant_evaluated()) return broadcast_simd<R, K, C, C, C>(out, start, get_a, b);
        }
#endif
        broadcast_plain<R, K, C, C>(out, start, get_a, b);
    }
}

/// out (R x C) += a (R x K) * b (K x C)
template <size_t R, size_t K, size_t C, class T>
CTNN_INLINE constexpr void gemm_nn_acc(T* out, const T* a, const T* b) noexcept {
    gemm_nn<R, K, C>(out, from_out{}, a, b);
}

/// out (R x C) = aᵀ * b with a (K x R), b (K x C): dA_prev = Wᵀ·dZ
template <size_t R, size_t K, size_t C, class T>
CTNN_INLINE constexpr void gemm_tn(T* out, const T* a, const T* b) noexcept {
    const auto get_a = [a](size_t i, size_t k) CTNN_INLINE { return a[k * R + i]; };
#if CTNN_HAS_SIMD_KERNELS
    if constexpr (C == 1 && use_simd<T, 1, K, R>) {
        // a single column: out(i) = Σ_k a(k, i) b(k) is the broadcast form of one
        // row of R, vectorised over the rows of a
        const auto get_b = [b](size_t, size_t k) CTNN_INLINE { return b[k]; };
        if (!std::is_constant_evaluated()) return broadcast_simd<1, K, R, R, R>(out, from_zero{}, get_b, a);
    } else if constexpr (C > 1 && use_simd<T, R, K, C>) {
        if (!std::is_constant_evaluated()) return broadcast_simd<R, K, C, C, C>(out, from_zero{}, get_a, b);
    }
#endif
    broadcast_plain<R, K, C, C>(out, from_zero{}, get_a, b);
}

/// whether scale·(a·bᵀ) with a (R x K), b (C x K) takes the dot form: few
/// columns and a long sum (dW of a narrow layer over a batch). C < 8 on every
/// target, not the vector width: the order is the shape's.
template <size_t K, size_t C>
inline constexpr bool nt_dot_form = C < dot_lanes && K >= dot_min_k;

/// out (R x C) = scale * (a * bᵀ) with a (R x K), b (C x K): dW = (1/m)·dZ·A_prevᵀ
template <size_t R, size_t K, size_t C, class T>
CTNN_INLINE constexpr void gemm_nt_scaled(T* out, const T* a, const T* b, T scale) noexcept {
    if constexpr (nt_dot_form<K, C>) {
        // out(i, j) is the dot product of two contiguous rows, a(i, :) and
        // b(j, :), taken in the dot form rather than as one chain of K steps
#if CTNN_HAS_SIMD_KERNELS
        if (!std::is_constant_evaluated()) return dot_nt_simd<R, K, C>(out, a, b, scale);
#endif
        constexpr bool u = unroll<R * K * C>;
        loop<u, R * C>([&](size_t p) CTNN_INLINE {
            out[p] = dot_sum_plain<K, u, T>([&](size_t k) CTNN_INLINE { return a[p / C * K + k] * b[p % C * K + k]; }) *
                     scale;
        });
        return;
    }
#if CTNN_HAS_SIMD_KERNELS
    if constexpr (use_simd<T, R, K, C>) {
        if (!std::is_constant_evaluated()) {
            const auto get_a = [a](size_t i, size_t k) CTNN_INLINE { return a[i * K + k]; };
            if constexpr (K == 1) {
                broadcast_simd<R, 1, C, C, C>(out, from_zero{}, get_a, b);  // bᵀ is b itself
            } else {
                // bᵀ in slices of J columns of out, so the slice stays in L1
                constexpr size_t J = C < 64 ? C : 64;
                constexpr bool U = unroll<R * K * C>;
                T bt[K * J];
                const auto transpose_slice = [&](size_t j0, auto width) CTNN_INLINE {
                    loop<U, K>([&](size_t k) CTNN_INLINE {
                        loop<U, decltype(width)::value>(
                            [&](size_t j) CTNN_INLINE { bt[k * decltype(width)::value + j] = b[(j0 + j) * K + k]; });
                    });
                };
                loop<U, C / J>([&](size_t s) CTNN_INLINE {
                    transpose_slice(s * J, std::integral_constant<size_t, J>{});
                    broadcast_simd<R, K, J, C, J>(out + s * J, from_zero{}, get_a, bt);
                });
                if constexpr (C % J != 0) {
                    transpose_slice(C - C % J, std::integral_constant<size_t, C % J>{});
                    broadcast_simd<R, K, C % J, C, C % J>(out + (C - C % J), from_zero{}, get_a, bt);
                }
            }
            loop<unroll_elements<R * C>, R * C>([&](size_t i) CTNN_INLINE { out[i] *= scale; });
            return;
        }
    }
#endif
    constexpr bool u = unroll<R * K * C>;
    loop<u, R>([&](size_t i) CTNN_INLINE {
        loop<u, C>([&](size_t j) CTNN_INLINE {
            T s = a[i * K] * b[j * K];
            loop<u, K - 1>([&](size_t k) CTNN_INLINE { s += a[i * K + k + 1] * b[j * K + k + 1]; });
            out[i * C + j] = s * scale;
        });
    });
}

/// dW (R x C) = scale * (a * bᵀ) and db (R) = scale * Σ_k a(i, k), with a
/// (R x K), b (C x K): gemm_nt_scaled and row_sums in one call, whose sums
/// share one set of trees at run time when dW takes the dot form
/// (docs/performance-notes.md).
template <size_t R, size_t K, size_t C, class T>
CTNN_INLINE constexpr void gemm_nt_scaled_row_sums(T* dw, T* db, const T* a, const T* b, T scale) noexcept {
#if CTNN_HAS_SIMD_KERNELS
    if constexpr (nt_dot_form<K, C>) {
        if (!std::is_constant_evaluated()) return dot_nt_simd<R, K, C>(dw, a, b, scale, db);
    }
#endif
    gemm_nt_scaled<R, K, C>(dw, a, b, scale);
    row_sums<R, K>(db, a, scale);
}

} // namespace ctnn::detail
