// expect: ctnn: net\.layer<I>\(\) index out of range
// Case: net.layer<I>() with I == depth (the input is not a layer).
#include <ctnn/ctnn.hpp>  // first: the compilers name one header fewer before a message

#include "case.hpp"

using net_t = cf::small_net;

int main() {
    net_t net{};
#if CTNN_FAIL
    auto& out = net.layer<2>();  // two layers: 0 and 1
#else
    auto& out = net.layer<1>();
#endif
    return static_cast<int>(out.W(0, 0));
}
