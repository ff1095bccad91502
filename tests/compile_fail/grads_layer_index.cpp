// expect: ctnn: grads\.layer<I>\(\) index out of range
// Case: grads.layer<I>() with I == depth.
#include <ctnn/ctnn.hpp>  // first: the compilers name one header fewer before a message

#include "case.hpp"

using net_t = cf::small_net;

int main() {
    net_t net{};
    ctnn::matrix<float, 2, 4> X{};
    ctnn::matrix<float, 1, 4> Y{};
    auto cache = net.forward(X);
    auto grads = net.backward(cache, Y, ctnn::loss::binary_cross_entropy{});
#if CTNN_FAIL
    const auto& g = grads.layer<2>();
#else
    const auto& g = grads.layer<1>();
#endif
    return static_cast<int>(g.dW(0, 0));
}
