// expect: ctnn: the batch sizes of X and Y differ
// Case: the batch sizes (columns) of X and Y differ.
#include <ctnn/ctnn.hpp>

using net_t = ctnn::network<float, ctnn::input<2>, ctnn::dense<3, ctnn::act::relu>,
                            ctnn::dense<1, ctnn::act::sigmoid>>;

int main() {
    net_t net{};
    net.initialize(42);
    ctnn::matrix<float, 2, 4> X{};
#if CTNN_FAIL
    ctnn::matrix<float, 1, 8> Y{};  // 8 labels for 4 samples
#else
    ctnn::matrix<float, 1, 4> Y{};
#endif
    auto cache = net.forward(X);
    auto grads = net.backward(cache, Y, ctnn::loss::binary_cross_entropy{});
    return static_cast<int>(grads.layer<0>().dW(0, 0));
}
