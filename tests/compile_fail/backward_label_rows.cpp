// expect: ctnn: backward\(cache, Y, loss\) needs Y\.rows == the network's output width
// Case: backward with Y.rows != the network's output width (one-hot labels for a 1-output net).
#include <ctnn/ctnn.hpp>  // first: the compilers name one header fewer before a message

#include "case.hpp"

int main() {
    cf::small_net net{};
    cf::matrix<float, 2, 4> X{};
#if CTNN_FAIL
    cf::matrix<float, 2, 4> Y{};  // two rows for a network with one output
#else
    cf::matrix<float, 1, 4> Y{};
#endif
    auto grads = net.backward(net.forward(X), Y, cf::loss::binary_cross_entropy{});
    return static_cast<int>(grads.layer<0>().dW(0, 0));
}
