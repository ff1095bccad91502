// expect: ctnn: grads\.layer<I>\(\) index out of range
// Case: grads.layer<I>() with I == depth.
#include <ctnn/ctnn.hpp>

using net_t = ctnn::network<float, ctnn::input<2>, ctnn::dense<3, ctnn::act::relu>,
                            ctnn::dense<1, ctnn::act::sigmoid>>;

int main() {
    net_t net{};
    net.initialize(42);
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
