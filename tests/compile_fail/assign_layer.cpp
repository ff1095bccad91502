// expect: ctnn: cannot assign the parameters of a layer of another shape
// Case: assigning one layer's parameters to a layer of another shape.
#include <ctnn/ctnn.hpp>  // first: the compilers name one header fewer before a message

#include "case.hpp"

using net_t = cf::seed_net;

int main() {
    net_t net{};
    net_t trained{};
    trained.initialize(42);
#if CTNN_FAIL
    net.layer<0>() = trained.layer<1>();  // 3 x 3 parameters into a 3 x 2 layer
#else
    net.layer<1>() = trained.layer<1>();
#endif
    return static_cast<int>(net.layer<1>().W(0, 0));
}
