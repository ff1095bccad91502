// expect: ctnn: network<T, \.\.\.> needs T = float or double
// Case: a network of int.
#include <ctnn/ctnn.hpp>

#if CTNN_FAIL
using net_t = ctnn::network<int, ctnn::input<2>, ctnn::dense<3, ctnn::act::relu>, ctnn::dense<1>>;
#else
using net_t = ctnn::network<float, ctnn::input<2>, ctnn::dense<3, ctnn::act::relu>, ctnn::dense<1>>;
#endif

int main() {
    net_t net{};
    net.initialize(42);
    ctnn::matrix<float, 2, 4> X{};
    ctnn::matrix<float, 1, 4> Y{};
    auto cache = net.forward(X);
    auto grads = net.backward(cache, Y, ctnn::loss::mse{});
    ctnn::optim::sgd{0.1}.step(net, grads);
    auto y = net.predict(X);
    return static_cast<int>(y(0, 0));
}
