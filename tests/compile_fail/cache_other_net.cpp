// expect: ctnn: backward\(cache, Y, loss\) needs the cache returned by this network's forward\(X\)
// Case: backward of one network given the forward cache of another.
#include <ctnn/ctnn.hpp>

using net_t = ctnn::network<float, ctnn::input<2>, ctnn::dense<3, ctnn::act::relu>,
                            ctnn::dense<1, ctnn::act::sigmoid>>;
using wide_t = ctnn::network<float, ctnn::input<2>, ctnn::dense<4, ctnn::act::relu>,
                             ctnn::dense<1, ctnn::act::sigmoid>>;

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
