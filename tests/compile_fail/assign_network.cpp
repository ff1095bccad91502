// expect: ctnn: cannot assign the parameters of a network of another shape
// Case: assigning a network of another shape (a trained 2-3-1 net into a 2-4-1 net).
#include <ctnn/ctnn.hpp>  // first: the compilers name one header fewer before a message

#include "case.hpp"

using net_t = cf::small_net;
using wide_t = cf::wide_net;

int main() {
    net_t net{};
#if CTNN_FAIL
    wide_t trained{};
#else
    net_t trained{};
#endif
    trained.initialize(42);
    net = trained;
    return static_cast<int>(net.layer<0>().W(0, 0));
}
