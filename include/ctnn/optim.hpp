// optim.hpp — optimisers: a step moves a network's parameters along its gradients.
// Their state (none for sgd) is shaped by the network type: static memory.
#pragma once

#include <type_traits>
#include <utility>

#include <boost/hana/at.hpp>

#include <ctnn/matrix.hpp>
#include <ctnn/network.hpp>

namespace ctnn::optim {

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
            using T = typename Net::value_type;
            const T rate = static_cast<T>(lr);
            [&]<size_t... I>(std::index_sequence<I...>) CTNN_INLINE {
                (update(net.template layer<I>(), g.template layer<I>(), rate), ...);
            }(std::make_index_sequence<Net::depth>{});
        }
    }

private:
    template <class Layer, class LayerGrads, class T>
    CTNN_INLINE static constexpr void update(Layer& l, const LayerGrads& lg, T rate) noexcept {
        ctnn::detail::zip_into(l.W, l.W, lg.dW, [rate](T w, T d) CTNN_INLINE { return w - rate * d; });
        ctnn::detail::zip_into(l.b, l.b, lg.db, [rate](T w, T d) CTNN_INLINE { return w - rate * d; });
    }
};

} // namespace ctnn::optim
