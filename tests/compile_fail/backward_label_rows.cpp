// expect: ctnn: backward\(cache, Y, loss\) needs Y\.rows == the network's output width
// Case: backward with Y.rows != the network's output width (one-hot labels for a 1-output net).
#include <ctnn/ctnn.hpp>

using net_t = ctnn::network<float, ctnn::input<2>, ctnn::dense<3, ctnn::act::relu>,
                            ctnn::dense<1, ctnn::act::sigmoid>>;

int main() {
    net_t net{};
    net.initialize(42);
    ctnn::matrix<float, 2, 4> X{};
#if CTNN_FAIL
    ctnn::matrix<float, 2, 4> Y{};  // two rows for a network with one output
#else
    ctnn::matrix<float, 1, 4> Y{};
#endif
    auto cache = net.forward(X);
    auto grads = net.backward(cache, Y, ctnn::loss::binary_cross_entropy{});
    return static_cast<int>(grads.layer<0>().dW(0, 0));
}
