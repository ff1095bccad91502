// expect: ctnn: dense<0, \.\.\.> has no units
// Case: a hidden layer of width 0.
#include <ctnn/ctnn.hpp>

#if CTNN_FAIL
using net_t = ctnn::network<float, ctnn::input<2>, ctnn::dense<0, ctnn::act::relu>,
                            ctnn::dense<1, ctnn::act::sigmoid>>;
#else
using net_t = ctnn::network<float, ctnn::input<2>, ctnn::dense<3, ctnn::act::relu>,
                            ctnn::dense<1, ctnn::act::sigmoid>>;
#endif

int main() {
    net_t net{};
    net.initialize(42);
    ctnn::matrix<float, 2, 4> X{};
    ctnn::matrix<float, 1, 4> Y{};
    auto cache = net.forward(X);
    auto grads = net.backward(cache, Y, ctnn::loss::binary_cross_entropy{});
    ctnn::optim::sgd{0.1}.step(net, grads);
    return static_cast<int>(net.layer<0>().W(0, 0));
}
