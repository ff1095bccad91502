// expect: ctnn: opt\.step\(net, grads\) needs gradients of this network's shape
// Case: the gradients of one network applied to another through Adam, whose
// state is shaped by the network it was declared for.
#include <ctnn/ctnn.hpp>

using net_t = ctnn::network<float, ctnn::input<2>, ctnn::dense<3, ctnn::act::relu>,
                            ctnn::dense<1, ctnn::act::sigmoid>>;
using wide_t = ctnn::network<float, ctnn::input<2>, ctnn::dense<4, ctnn::act::relu>,
                             ctnn::dense<1, ctnn::act::sigmoid>>;

int main() {
    net_t net{};
    wide_t wide{};
    net.initialize(1);
    wide.initialize(2);
    ctnn::matrix<float, 2, 4> X{};
    ctnn::matrix<float, 1, 4> Y{};
    auto grads = net.backward(net.forward(X), Y, ctnn::loss::binary_cross_entropy{});
    auto wide_grads = wide.backward(wide.forward(X), Y, ctnn::loss::binary_cross_entropy{});
    ctnn::optim::adam<net_t> opt{0.01};
    ctnn::optim::momentum<wide_t> wide_opt{0.1, 0.9};
    wide_opt.step(wide, wide_grads);
#if CTNN_FAIL
    opt.step(net, wide_grads);  // grads of the wide net: dW of layer 0 is 4 x 2, not 3 x 2
    (void)grads;
#else
    opt.step(net, grads);
#endif
    return static_cast<int>(net.layer<0>().W(0, 0) + wide.layer<0>().W(0, 0));
}
