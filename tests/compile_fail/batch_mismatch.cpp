// expect: ctnn: the batch sizes of X and Y differ
// Case: the batch sizes (columns) of X and Y differ.
#include <ctnn/ctnn.hpp>  // first: the compilers name one header fewer before a message

#include "case.hpp"

int main() {
    cf::small_net net{};
    cf::matrix<float, 2, 4> X{};
#if CTNN_FAIL
    cf::matrix<float, 1, 8> Y{};  // 8 labels for 4 samples
#else
    cf::matrix<float, 1, 4> Y{};
#endif
    auto grads = net.backward(net.forward(X), Y, cf::loss::binary_cross_entropy{});
    return static_cast<int>(grads.layer<0>().dW(0, 0));
}
