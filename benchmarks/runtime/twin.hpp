// twin.hpp — ctnn's runtime-shaped twin: the same algorithm as ctnn (the same
// mathematics, the same loops in the same order as ctnn's reference kernels,
// the same activation and loss formulas), but every size is a run-time value,
// all storage is on the heap (std::vector) and a network is a std::vector of
// layers with a run-time activation. Comparing it with ctnn measures what
// static shapes buy, and nothing else: like a careful user, the twin
// allocates its caches, gradients and scratch once and reuses them, so the
// timed loops do not allocate.
//
// Storage is row-major as in ctnn: W is out x in, a batch is features x m with
// one sample per column.
#pragma once

#include <cmath>
#include <cstddef>
#include <vector>

namespace twin {

using std::size_t;

enum class activation { identity, relu, sigmoid, tanh, softmax };
enum class loss { mse, binary_cross_entropy, cross_entropy };

struct layer {
    size_t in = 0, out = 0;
    activation act = activation::identity;
    std::vector<float> W;  ///< out x in
    std::vector<float> b;  ///< out
};

/// Z and A of every layer for a batch of m, and X (as ctnn's forward_cache)
struct cache {
    size_t m = 0;
    std::vector<float> X;
    std::vector<std::vector<float>> Z, A;
    const std::vector<float>& output() const { return A.back(); }
};

/// dW and db of every layer
struct gradients {
    std::vector<std::vector<float>> dW, db;
};

/// the backward pass's intermediate dZ and dA_prev, reused between calls
struct workspace {
    std::vector<std::vector<float>> dZ, dA;
};

namespace detail {

// ---- kernels: ctnn's reference loops (the plain kernels of kernels.hpp) with
// run-time sizes: the same operations in the same order, so the same sums.
// ctnn's register-blocked SIMD versions of these loops are not copied: here the
// compiler vectorises what it can, as it would for any runtime-shaped code.

/// ctnn's "dot form" of Σ_k a[k]·x[k] (K >= 8): 8 partial sums by k mod 8,
/// added as ((s0+s4)+(s2+s6)) + ((s1+s5)+(s3+s7))
/// (blocks of 8, which the compiler vectorises, then the tail). The partial
/// sums start at -0, the additive identity (x + -0 is x, -0 included), so each
/// equals ctnn's, which starts at its first term; written this way the
/// compiler vectorises the loop (with the first block peeled instead, the seed
/// network's batch-32 step took 13 % longer).
inline float dot(const float* a, const float* x, size_t K) {
    float s[8] = {-0.0f, -0.0f, -0.0f, -0.0f, -0.0f, -0.0f, -0.0f, -0.0f};
    size_t k = 0;
    for (; k + 8 <= K; k += 8)
        for (size_t l = 0; l < 8; ++l) s[l] += a[k + l] * x[k + l];
    for (size_t l = 0; k + l < K; ++l) s[l] += a[k + l] * x[k + l];
    return ((s[0] + s[4]) + (s[2] + s[6])) + ((s[1] + s[5]) + (s[3] + s[7]));
}
/// the dot form of a row sum (ctnn: sum_columns with 8 columns or more),
/// from -0 as dot()
inline float row_sum(const float* a, size_t K) {
    float s[8] = {-0.0f, -0.0f, -0.0f, -0.0f, -0.0f, -0.0f, -0.0f, -0.0f};
    size_t k = 0;
    for (; k + 8 <= K; k += 8)
        for (size_t l = 0; l < 8; ++l) s[l] += a[k + l];
    for (size_t l = 0; k + l < K; ++l) s[l] += a[k + l];
    return ((s[0] + s[4]) + (s[2] + s[6])) + ((s[1] + s[5]) + (s[3] + s[7]));
}

/// out (R x C) += a (R x K) * b (K x C): the products added in increasing k;
/// for a single column with K >= 8, the dot form
inline void gemm_nn_acc(float* out, const float* a, const float* b, size_t R, size_t K, size_t C) {
    if (C == 1 && K >= 8) {
        for (size_t i = 0; i < R; ++i) out[i] += dot(a + i * K, b, K);
        return;
    }
    for (size_t i = 0; i < R; ++i)
        for (size_t k = 0; k < K; ++k) {
            const float aik = a[i * K + k];
            for (size_t j = 0; j < C; ++j) out[i * C + j] += aik * b[k * C + j];
        }
}

/// out (R x C) = aᵀ * b with a (K x R), b (K x C): dA_prev = Wᵀ·dZ; each sum
/// starts at its first product
inline void gemm_tn(float* out, const float* a, const float* b, size_t R, size_t K, size_t C) {
    for (size_t i = 0; i < R; ++i)
        for (size_t j = 0; j < C; ++j) out[i * C + j] = a[i] * b[j];
    for (size_t k = 1; k < K; ++k)
        for (size_t i = 0; i < R; ++i) {
            const float aki = a[k * R + i];
            for (size_t j = 0; j < C; ++j) out[i * C + j] += aki * b[k * C + j];
        }
}

/// out (R x C) = scale * (a * bᵀ) with a (R x K), b (C x K): dW = (1/m)·dZ·A_prevᵀ
inline void gemm_nt_scaled(float* out, const float* a, const float* b, size_t R, size_t K, size_t C, float scale) {
    if (C < 8 && K >= 8) {  // few columns and a long sum: the dot form, as ctnn
        for (size_t i = 0; i < R; ++i)
            for (size_t j = 0; j < C; ++j) out[i * C + j] = dot(a + i * K, b + j * K, K) * scale;
        return;
    }
    for (size_t i = 0; i < R; ++i)
        for (size_t j = 0; j < C; ++j) {
            float s = a[i * K] * b[j * K];
            for (size_t k = 1; k < K; ++k) s += a[i * K + k] * b[j * K + k];
            out[i * C + j] = s * scale;
        }
}

// ---- activations (the formulas of ctnn's activations.hpp)

inline float sigmoid(float z) {
    const float e = std::exp(z < 0.0f ? z : -z);  // e^-|z| <= 1: nothing overflows
    const float s = 1.0f / (1.0f + e);
    return z >= 0.0f ? s : e * s;
}

/// A = g(Z) for an out x m matrix
inline void apply(activation act, const float* z, float* a, size_t rows, size_t m) {
    const size_t n = rows * m;
    switch (act) {
    case activation::identity:
        for (size_t i = 0; i < n; ++i) a[i] = z[i];
        break;
    case activation::relu:
        for (size_t i = 0; i < n; ++i) a[i] = z[i] > 0.0f ? z[i] : 0.0f;
        break;
    case activation::sigmoid:
        for (size_t i = 0; i < n; ++i) a[i] = sigmoid(z[i]);
        break;
    case activation::tanh:
        for (size_t i = 0; i < n; ++i) a[i] = std::tanh(z[i]);
        break;
    case activation::softmax:
        for (size_t j = 0; j < m; ++j) {
            float mx = z[j];
            for (size_t i = 1; i < rows; ++i) mx = z[i * m + j] > mx ? z[i * m + j] : mx;
            float sum = 0.0f;
            for (size_t i = 0; i < rows; ++i) {
                a[i * m + j] = std::exp(z[i * m + j] - mx);
                sum += a[i * m + j];
            }
            const float inv = 1.0f / sum;
            for (size_t i = 0; i < rows; ++i) a[i * m + j] *= inv;
        }
        break;
    }
}

/// dZ = dA ⊙ g'(Z) (softmax: its Jacobian times dA, per column)
inline void backward(activation act, const float* z, const float* a, const float* da, float* dz, size_t rows,
                     size_t m) {
    const size_t n = rows * m;
    switch (act) {
    case activation::identity:
        for (size_t i = 0; i < n; ++i) dz[i] = da[i];
        break;
    case activation::relu:
        for (size_t i = 0; i < n; ++i) dz[i] = z[i] > 0.0f ? da[i] : 0.0f;  // as ctnn: a select
        break;
    case activation::sigmoid:
        for (size_t i = 0; i < n; ++i) dz[i] = da[i] * a[i] * (1.0f - a[i]);
        break;
    case activation::tanh:
        for (size_t i = 0; i < n; ++i) dz[i] = da[i] * (1.0f - a[i] * a[i]);
        break;
    case activation::softmax:
        for (size_t j = 0; j < m; ++j) {
            float dot = 0.0f;
            for (size_t i = 0; i < rows; ++i) dot += a[i * m + j] * da[i * m + j];
            for (size_t i = 0; i < rows; ++i) dz[i * m + j] = a[i * m + j] * (da[i * m + j] - dot);
        }
        break;
    }
}

inline float clamped_log(float x) {
    if (!(x > 0.0f)) return -100.0f;
    const float l = std::log(x);
    return l < -100.0f ? -100.0f : l;
}

/// resize v to n elements (a no-op, and no allocation, when it has them)
inline void fit(std::vector<float>& v, size_t n) {
    if (v.size() != n) v.resize(n);
}

} // namespace detail

class network {
public:
    std::vector<layer> layers;

    /// widths: the input width, then each layer's units; one activation per layer; zero parameters
    network(const std::vector<size_t>& widths, const std::vector<activation>& acts) {
        for (size_t l = 0; l < acts.size(); ++l) {
            layer ly;
            ly.in = widths[l];
            ly.out = widths[l + 1];
            ly.act = acts[l];
            ly.W.assign(ly.in * ly.out, 0.0f);
            ly.b.assign(ly.out, 0.0f);
            layers.push_back(std::move(ly));
        }
    }

    size_t depth() const { return layers.size(); }
    size_t input_width() const { return layers.front().in; }
    size_t output_width() const { return layers.back().out; }

    /// Z = W·A_prev + b: the bias in every column, then the products
    static void linear(const layer& l, const float* a_prev, float* z, size_t m) {
        for (size_t i = 0; i < l.out; ++i)
            for (size_t j = 0; j < m; ++j) z[i * m + j] = l.b[i];
        detail::gemm_nn_acc(z, l.W.data(), a_prev, l.out, l.in, m);
    }

    /// forward pass for the m samples of x (input_width x m), into c (sized on first use)
    void forward(const float* x, size_t m, cache& c) const {
        c.m = m;
        detail::fit(c.X, input_width() * m);
        for (size_t i = 0; i < input_width() * m; ++i) c.X[i] = x[i];
        c.Z.resize(depth());
        c.A.resize(depth());
        const float* a = c.X.data();
        for (size_t l = 0; l < depth(); ++l) {
            const layer& ly = layers[l];
            detail::fit(c.Z[l], ly.out * m);
            detail::fit(c.A[l], ly.out * m);
            linear(ly, a, c.Z[l].data(), m);
            detail::apply(ly.act, c.Z[l].data(), c.A[l].data(), ly.out, m);
            a = c.A[l].data();
        }
    }

    /// inference: the output for the m samples of x, computed in c's buffers
    /// (as forward, for the buffers are what a runtime-shaped predict needs)
    const std::vector<float>& predict(const float* x, size_t m, cache& c) const {
        c.m = m;
        c.Z.resize(depth());
        c.A.resize(depth());
        const float* a = x;
        for (size_t l = 0; l < depth(); ++l) {
            const layer& ly = layers[l];
            detail::fit(c.Z[l], ly.out * m);
            detail::fit(c.A[l], ly.out * m);
            linear(ly, a, c.Z[l].data(), m);
            detail::apply(ly.act, c.Z[l].data(), c.A[l].data(), ly.out, m);
            a = c.A[l].data();
        }
        return c.A.back();
    }

    /// the gradients of the batch-mean loss from the cache of forward and the labels y (output_width x m)
    void backward(const cache& c, const float* y, loss lo, gradients& g, workspace& w) const {
        const size_t m = c.m, L = depth();
        g.dW.resize(L);
        g.db.resize(L);
        w.dZ.resize(L);
        w.dA.resize(L);
        // the output delta
        const layer& last = layers[L - 1];
        std::vector<float>& dz = w.dZ[L - 1];
        detail::fit(dz, last.out * m);
        const float* a = c.A[L - 1].data();
        switch (lo) {
        case loss::mse:  // dA = A − Y, then through g'
            detail::fit(w.dA[L - 1], last.out * m);
            for (size_t i = 0; i < last.out * m; ++i) w.dA[L - 1][i] = a[i] - y[i];
            detail::backward(last.act, c.Z[L - 1].data(), a, w.dA[L - 1].data(), dz.data(), last.out, m);
            break;
        case loss::binary_cross_entropy:  // sigmoid output: dZ = A − Y
            for (size_t i = 0; i < last.out * m; ++i) dz[i] = a[i] - y[i];
            break;
        case loss::cross_entropy:  // softmax output: dZ = A·Σy − Y per column
            for (size_t j = 0; j < m; ++j) {
                float total = 0.0f;
                for (size_t i = 0; i < last.out; ++i) total += y[i * m + j];
                for (size_t i = 0; i < last.out; ++i) dz[i * m + j] = a[i * m + j] * total - y[i * m + j];
            }
            break;
        }
        const float inv_m = 1.0f / static_cast<float>(m);
        for (size_t l = L; l-- > 0;) {
            const layer& ly = layers[l];
            const float* a_prev = l == 0 ? c.X.data() : c.A[l - 1].data();
            const float* d = w.dZ[l].data();
            detail::fit(g.dW[l], ly.out * ly.in);
            detail::fit(g.db[l], ly.out);
            detail::gemm_nt_scaled(g.dW[l].data(), d, a_prev, ly.out, m, ly.in, inv_m);
            for (size_t i = 0; i < ly.out; ++i) {
                float s;
                if (m >= 8) {
                    s = detail::row_sum(d + i * m, m);  // the dot form, as ctnn
                } else {
                    s = d[i * m];  // as ctnn: from the first term
                    for (size_t j = 1; j < m; ++j) s += d[i * m + j];
                }
                g.db[l][i] = s * inv_m;
            }
            if (l > 0) {
                const layer& prev = layers[l - 1];
                detail::fit(w.dA[l - 1], prev.out * m);
                detail::fit(w.dZ[l - 1], prev.out * m);
                detail::gemm_tn(w.dA[l - 1].data(), ly.W.data(), d, ly.in, ly.out, m);
                detail::backward(prev.act, c.Z[l - 1].data(), c.A[l - 1].data(), w.dA[l - 1].data(),
                                 w.dZ[l - 1].data(), prev.out, m);
            }
        }
    }
};

/// plain SGD: W ← W − lr·dW, b ← b − lr·db
inline void sgd_step(network& net, const gradients& g, float lr) {
    for (size_t l = 0; l < net.depth(); ++l) {
        layer& ly = net.layers[l];
        for (size_t i = 0; i < ly.W.size(); ++i) ly.W[i] = ly.W[i] - lr * g.dW[l][i];
        for (size_t i = 0; i < ly.b.size(); ++i) ly.b[i] = ly.b[i] - lr * g.db[l][i];
    }
}

/// the batch-mean loss of outputs a against labels y (out x m), as ctnn's loss::*::value
inline float loss_value(loss lo, const std::vector<float>& a, const float* y, size_t m) {
    float s = 0.0f;
    for (size_t i = 0; i < a.size(); ++i) {
        switch (lo) {
        case loss::mse: s += 0.5f * (a[i] - y[i]) * (a[i] - y[i]); break;
        case loss::binary_cross_entropy:
            s += -(y[i] * detail::clamped_log(a[i]) + (1.0f - y[i]) * detail::clamped_log(1.0f - a[i]));
            break;
        case loss::cross_entropy: s += y[i] != 0.0f ? -y[i] * detail::clamped_log(a[i]) : 0.0f; break;
        }
    }
    return s / static_cast<float>(m);
}

} // namespace twin
