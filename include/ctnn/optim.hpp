// optim.hpp — optimisers: a step moves a network's parameters along its gradients.
// Their state is shaped by the network type (one gradients_type per moment), so
// it is static memory; the update rules follow PyTorch's torch.optim exactly.
#pragma once

#include <cstdint>
#include <type_traits>
#include <utility>

#include <ctnn/diagnostics.hpp>
#include <ctnn/math.hpp>
#include <ctnn/matrix.hpp>
#include <ctnn/network.hpp>

namespace ctnn::optim {

namespace detail {
/// f(parameter, gradient, state...) for every trainable parameter of net, in
/// the network's visit order; each state is a gradients_type of the same
/// network (optimiser moments). Buffers (running statistics) are not trained.
template <class Net, class Grads, class F, class... States>
CTNN_INLINE constexpr void for_each_parameter(Net& net, const Grads& g, F&& f, States&... state) noexcept {
    net.visit(
        [&](const auto& info, auto& p, auto&... d) CTNN_INLINE {
            if constexpr (std::remove_cvref_t<decltype(info)>::trainable) f(p, d...);
        },
        g, state...);
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
            static_assert(std::is_same_v<Grads, typename Net::gradients_type>, CTNN_MSG_STEP_GRADIENTS);
        } else {
            detail::for_each_parameter(net, g, [lr = lr](auto& p, const auto& d) CTNN_INLINE {
                using P = std::remove_cvref_t<decltype(p)>;
                using T = std::remove_cvref_t<decltype(p.elems[0])>;
                const T rate = static_cast<T>(lr);
                if constexpr (P::size < 2 * CTNN_SIMD_BYTES / sizeof(T)) {
                    // A matrix of less than two vectors goes element by element: a
                    // vector load that spans two of the backward pass's recent
                    // stores would wait for both (a store-forwarding stall on the
                    // critical path of a single-sample step), while scalars come
                    // straight from the stores or registers (docs/performance-notes.md).
                    detail::each_element<P>([&](size_t i) CTNN_INLINE { p.elems[i] -= rate * d.elems[i]; });
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
            static_assert(std::is_same_v<Grads, typename Net::gradients_type>, CTNN_MSG_STEP_GRADIENTS);
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
            static_assert(std::is_same_v<Grads, typename Net::gradients_type>, CTNN_MSG_STEP_GRADIENTS);
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
