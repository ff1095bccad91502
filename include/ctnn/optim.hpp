// optim.hpp — optimisers: a step moves a network's parameters along its gradients.
// Their state is shaped by the network type (one gradients_type per moment), so
// it is static memory; the update rules follow PyTorch's torch.optim exactly.
#pragma once

#include <cstdint>
#include <type_traits>
#include <utility>

#include <ctnn/math.hpp>
#include <ctnn/matrix.hpp>
#include <ctnn/network.hpp>

namespace ctnn::optim {

namespace detail {
/// f(parameter, gradient, state...) for W then b of layer I
template <size_t I, class Net, class Grads, class F, class... States>
CTNN_INLINE constexpr void visit_layer(Net& net, const Grads& g, F& f, States&... state) noexcept {
    f(net.template layer<I>().W, g.template layer<I>().dW, state.template layer<I>().dW...);
    f(net.template layer<I>().b, g.template layer<I>().db, state.template layer<I>().db...);
}

/// f(parameter, gradient, state...) for W then b of every layer, where each
/// state is a gradients_type of the same network (optimiser moments)
template <class Net, class Grads, class F, class... States>
CTNN_INLINE constexpr void for_each_parameter(Net& net, const Grads& g, F&& f, States&... state) noexcept {
    [&]<size_t... I>(std::index_sequence<I...>) CTNN_INLINE {
        (detail::visit_layer<I>(net, g, f, state...), ...);  // qualified: no ADL into the layer types
    }(std::make_index_sequence<Net::depth>{});
}

/// op(i) for every element index of a matrix type, unrolled when small
template <class M, class Op>
CTNN_INLINE constexpr void each_element(Op&& op) noexcept {
    ctnn::detail::loop<ctnn::detail::unroll_elements<M::size>, M::size>(op);
}
} // namespace detail

/// Plain stochastic gradient descent: W ← W − lr·dW, b ← b − lr·db.
struct sgd {
    double lr = 0.01;  ///< learning rate

    template <class Net, class Grads>
    CTNN_INLINE constexpr void step(Net& net, const Grads& g) const noexcept {
        if constexpr (!std::is_same_v<Grads, typename Net::gradients_type>) {
            static_assert(std::is_same_v<Grads, typename Net::gradients_type>,
                          "ctnn: opt.step(net, grads) needs gradients of this network's shape; pass what "
                          "net.backward(...) returned for this network");
        } else {
            detail::for_each_parameter(net, g, [lr = lr](auto& p, const auto& d) CTNN_INLINE {
                using P = std::remove_cvref_t<decltype(p)>;
                using T = std::remove_cvref_t<decltype(p.elems[0])>;
                const T rate = static_cast<T>(lr);
                if constexpr (P::size < 2 * CTNN_SIMD_BYTES / sizeof(T)) {
                    // A matrix of less than two vectors goes element by element. The
                    // backward pass has just stored its gradient, packed with its
                    // neighbours' into vectors as the compiler chose; a vector load
                    // that spans two of those stores waits for both to reach the
                    // cache (a store-forwarding stall, on the critical path of a
                    // single-sample step), while scalars come straight from the
                    // stores or registers. Seed network, batch 1: 39.6 -> 37.4 ns.
                    //
                    // With Clang on AVX-512 hardware (CTNN_SIMD_WIDE_BYTES 64), a
                    // matrix of less than one SIMD register that is not a whole number
                    // of 16-byte vectors (the seed network's 6, 3, 3, 3 and 1 elements)
                    // is stored at run time through a volatile glvalue. Clang's SLP
                    // vectoriser otherwise packs such partial vectors with their
                    // neighbours' updates, building them with a chain of permutes
                    // (vpermt2ps) between the backward pass's last product and the store
                    // that the next step's first load waits on. Seed network, side by
                    // side (clang++ -O3 -march=native, medians of 5 alternating runs),
                    // without -> with: batch 1 in place 39.5 -> 33.9 ns, value forms
                    // 29.7 -> 29.2 ns; batch 32 in place 76.3 -> 71.9 ns.
                    //
                    // Not with GCC, since the one-sample pass computes every gradient
                    // as one product after δ (dense::scaled_parameter_gradients), which
                    // GCC packs into a 64- and a 32-byte vector: the packed update runs
                    // on those vectors as they are, where scalar stores need each
                    // element extracted first (lanes 4 to 7 across 128-bit halves).
                    // Seed network, side by side (g++ -O3 -march=native, medians of 5
                    // alternating runs), with -> without: batch 1 30.5 -> 28.0 ns in
                    // place, 29.8 -> 27.9 ns in the value forms (the same with every
                    // loop and function 64-byte aligned); batch 32 in place 73.5 ->
                    // 74.9 ns, the price (its value forms vary from run to run of one
                    // binary with the volatile stores, 72 or 97 ns, and measure 79 ns
                    // without).
                    //
                    // Measured slower earlier, hence left to the vectorisers with either
                    // compiler: a whole vector (the 4 output biases of 8-16-16-4:
                    // clang++ 7 %), and any matrix on AVX2 (g++ 3 % at batch 32,
                    // clang++ 8 % at batch 1) or SSE2 (g++'s batch-32 value forms 9 %).
#if defined(__clang__)
                    constexpr bool scalar_stores = CTNN_SIMD_WIDE_BYTES >= 64 && P::size < CTNN_SIMD_BYTES / sizeof(T) &&
                                                   P::size % (16 / sizeof(T)) != 0;
#else
                    constexpr bool scalar_stores = false;
#endif
                    detail::each_element<P>([&](size_t i) CTNN_INLINE {
                        const T v = p.elems[i] - rate * d.elems[i];
                        if (scalar_stores && !std::is_constant_evaluated()) {
                            *static_cast<volatile T*>(&p.elems[i]) = v;
                        } else {
                            p.elems[i] = v;
                        }
                    });
                } else {
                    ctnn::detail::zip_into(p, p, d, [rate](auto w, auto dw) CTNN_INLINE { return w - rate * dw; });
                }
            });
        }
    }
};

/// SGD with momentum, as torch.optim.SGD(momentum=beta, dampening=0,
/// nesterov=False, weight_decay): g ← dW + wd·W, v ← beta·v + g, W ← W − lr·v.
/// The velocity v has the network's gradient shapes and starts at zero.
template <class Net>
struct momentum {
    double lr = 0.01;            ///< learning rate
    double beta = 0.9;           ///< momentum factor
    double weight_decay = 0.0;   ///< L2 penalty added to the gradient
    typename Net::gradients_type velocity{};  ///< state: one velocity per parameter

    template <class Grads>
    CTNN_INLINE constexpr void step(Net& net, const Grads& g) noexcept {
        if constexpr (!std::is_same_v<Grads, typename Net::gradients_type>) {
            static_assert(std::is_same_v<Grads, typename Net::gradients_type>,
                          "ctnn: opt.step(net, grads) needs gradients of this network's shape; pass what "
                          "net.backward(...) returned for this network");
        } else {
            using T = typename Net::value_type;
            const T rate = static_cast<T>(lr), mu = static_cast<T>(beta), wd = static_cast<T>(weight_decay);
            detail::for_each_parameter(
                net, g,
                [=](auto& p, const auto& d, auto& v) CTNN_INLINE {
                    detail::each_element<std::remove_cvref_t<decltype(p)>>([&](size_t i) CTNN_INLINE {
                        const T grad = d.elems[i] + wd * p.elems[i];
                        v.elems[i] = mu * v.elems[i] + grad;
                        p.elems[i] -= rate * v.elems[i];
                    });
                },
                velocity);
        }
    }
};

/// Adam, as torch.optim.Adam (with its L2 weight_decay and bias correction):
/// m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g²,
/// W ← W − (lr / (1−β1ᵗ)) · m / (√v / √(1−β2ᵗ) + eps).
template <class Net>
struct adam {
    double lr = 0.001;           ///< learning rate
    double beta1 = 0.9;          ///< decay of the first moment
    double beta2 = 0.999;        ///< decay of the second moment
    double eps = 1e-8;           ///< added to the denominator
    double weight_decay = 0.0;   ///< L2 penalty added to the gradient
    typename Net::gradients_type m{};  ///< state: first moments
    typename Net::gradients_type v{};  ///< state: second moments
    std::uint64_t t = 0;               ///< state: steps taken
    double beta1_t = 1.0;              ///< state: β1ᵗ
    double beta2_t = 1.0;              ///< state: β2ᵗ

    template <class Grads>
    CTNN_INLINE constexpr void step(Net& net, const Grads& g) noexcept {
        if constexpr (!std::is_same_v<Grads, typename Net::gradients_type>) {
            static_assert(std::is_same_v<Grads, typename Net::gradients_type>,
                          "ctnn: opt.step(net, grads) needs gradients of this network's shape; pass what "
                          "net.backward(...) returned for this network");
        } else {
            using T = typename Net::value_type;
            ++t;
            beta1_t *= beta1;
            beta2_t *= beta2;
            // the scalar bias corrections in double, as PyTorch computes them in Python floats
            const T step_size = static_cast<T>(lr / (1.0 - beta1_t));
            const T correction2_sqrt = static_cast<T>(math::sqrt(1.0 - beta2_t));
            const T b1 = static_cast<T>(beta1), b2 = static_cast<T>(beta2), e = static_cast<T>(eps),
                    wd = static_cast<T>(weight_decay);
            detail::for_each_parameter(
                net, g,
                [=](auto& p, const auto& d, auto& m1, auto& m2) CTNN_INLINE {
                    detail::each_element<std::remove_cvref_t<decltype(p)>>([&](size_t i) CTNN_INLINE {
                        const T grad = d.elems[i] + wd * p.elems[i];
                        m1.elems[i] = m1.elems[i] * b1 + grad * (T(1) - b1);
                        m2.elems[i] = m2.elems[i] * b2 + grad * grad * (T(1) - b2);
                        const T denom = math::sqrt(m2.elems[i]) / correction2_sqrt + e;
                        p.elems[i] -= step_size * (m1.elems[i] / denom);
                    });
                },
                m, v);
        }
    }
};

} // namespace ctnn::optim
