// case.hpp — what the compile-fail cases share: the networks they start from
// and the program a user writes around a network, so that each case file is
// the few lines of its mistake (and of its corrected twin).
#pragma once

#include <type_traits>

#include <ctnn/ctnn.hpp>

namespace cf {

using namespace ctnn;

/// Fail (the mistake) when the case is compiled with CTNN_FAIL=1, Twin (the
/// fix) with CTNN_FAIL=0; only the chosen type is ever instantiated
template <class Fail, class Twin>
using pick = std::conditional_t<CTNN_FAIL != 0, Fail, Twin>;

/// the seeds' 2-3-3-1 network, and the same with another hidden width
using seed_net = network<float, input<2>, dense<3, act::relu>, dense<3, act::relu>, dense<1, act::sigmoid>>;
using small_net = network<float, input<2>, dense<3, act::relu>, dense<1, act::sigmoid>>;
using wide_net = network<float, input<2>, dense<4, act::relu>, dense<1, act::sigmoid>>;

/// data of the network's shapes (float for a network of another element type,
/// whose own check has already failed)
template <class Net, size_t Rows, size_t M>
using data = matrix<std::conditional_t<std::is_floating_point_v<typename Net::value_type>, typename Net::value_type,
                                       float>,
                    Rows, M>;

/// inputs and labels of the network's shapes for a batch of M
template <class Net, size_t M = 4>
data<Net, Net::input_width, M> inputs() {
    return {};
}
template <class Net, size_t M = 4>
data<Net, Net::output_width, M> labels() {
    return {};
}

/// A user's program: initialise, one training step on a batch of M, predict.
/// The case declares the network itself, so that the compiler's notes start
/// at the case's line.
template <class Loss = loss::mse, size_t M = 4, class Net>
int train_and_predict(Net& net) {
    net.initialize(42);
    data<Net, Net::input_width, M> X{};
    data<Net, Net::output_width, M> Y{};
    auto cache = net.forward(X);
    auto grads = net.backward(cache, Y, Loss{});
    optim::sgd{0.1}.step(net, grads);
    auto y = net.predict(X);
    return static_cast<int>(y(0, 0));
}

/// The gradients of one forward and backward pass on a batch of M.
template <class Net, class Loss = loss::mse, size_t M = 4>
auto gradients_of(Net& net) {
    data<Net, Net::input_width, M> X{};
    data<Net, Net::output_width, M> Y{};
    return net.backward(net.forward(X), Y, Loss{});
}

} // namespace cf
