// expect: ctnn: cross_entropy needs a softmax output layer
// Case: loss::cross_entropy on a network whose output is not softmax.
#include <ctnn/ctnn.hpp>

#if CTNN_FAIL
using net_t = ctnn::network<float, ctnn::input<2>, ctnn::dense<3, ctnn::act::relu>,
                            ctnn::dense<3, ctnn::act::sigmoid>>;
#else
using net_t = ctnn::network<float, ctnn::input<2>, ctnn::dense<3, ctnn::act::relu>,
                            ctnn::dense<3, ctnn::act::softmax>>;
#endif

int main() {
    net_t net{};
    net.initialize(42);
    ctnn::matrix<float, 2, 4> X{};
    ctnn::matrix<float, 3, 4> Y{};
    auto cache = net.forward(X);
    auto grads = net.backward(cache, Y, ctnn::loss::cross_entropy{});
    return static_cast<int>(grads.layer<0>().dW(0, 0));
}
