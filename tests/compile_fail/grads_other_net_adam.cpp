// expect: ctnn: opt\.step\(net, grads\) needs gradients of this network's shape
// Case: the gradients of one network applied to another through Adam, whose
// state is shaped by the network it was declared for.
#include <ctnn/ctnn.hpp>  // first: the compilers name one header fewer before a message

#include "case.hpp"

int main() {
    cf::small_net net{};
    cf::wide_net wide{};
    cf::optim::adam<cf::small_net> opt{0.01};
#if CTNN_FAIL
    opt.step(net, cf::gradients_of(wide));  // dW of layer 0 is 4 x 2, not 3 x 2
#else
    opt.step(net, cf::gradients_of(net));
#endif
    return static_cast<int>(net.layer<0>().W(0, 0) + wide.layer<0>().W(0, 0));
}
