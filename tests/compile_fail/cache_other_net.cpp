// expect: ctnn: backward\(cache, Y, loss\) needs the cache returned by this network's forward\(X\)
// Case: backward of one network given the forward cache of another.
#include <ctnn/ctnn.hpp>  // first: the compilers name one header fewer before a message

#include "case.hpp"

using net_t = cf::small_net;
using wide_t = cf::wide_net;

int main() {
    net_t net{};
    wide_t wide{};
    ctnn::matrix<float, 2, 4> X{};
    ctnn::matrix<float, 1, 4> Y{};
    auto cache = net.forward(X);
    auto wide_cache = wide.forward(X);
    (void)cache;
    (void)wide_cache;
#if CTNN_FAIL
    auto grads = net.backward(wide_cache, Y, ctnn::loss::binary_cross_entropy{});
#else
    auto grads = net.backward(cache, Y, ctnn::loss::binary_cross_entropy{});
#endif
    return static_cast<int>(grads.layer<0>().dW(0, 0));
}
