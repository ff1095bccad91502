// expect: ctnn: opt\.step\(net, grads\) needs gradients of this network's shape
// Case: the gradients of one network applied to another.
#include <ctnn/ctnn.hpp>  // first: the compilers name one header fewer before a message

#include "case.hpp"

int main() {
    cf::small_net net{};
    cf::wide_net wide{};
    auto wide_grads = cf::gradients_of(wide);
#if CTNN_FAIL
    cf::optim::sgd{0.1}.step(net, wide_grads);  // dW of layer 0 is 4 x 2, not 3 x 2
#else
    cf::optim::sgd{0.1}.step(wide, wide_grads);
#endif
    return static_cast<int>(net.layer<0>().W(0, 0) + wide.layer<0>().W(0, 0));
}
