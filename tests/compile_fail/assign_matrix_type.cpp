// expect: ctnn: cannot assign a matrix of another element type
// Case: W (float) = a matrix of double.
#include <ctnn/ctnn.hpp>  // first: the compilers name one header fewer before a message

#include "case.hpp"

using net_t = cf::small_net;

int main() {
    net_t net{};
    ctnn::matrix<double, 3, 2> loaded{};
    loaded(0, 1) = 1.0;
#if CTNN_FAIL
    net.layer<0>().W = loaded;
#else
    net.layer<0>().W = ctnn::cast<float>(loaded);
#endif
    return static_cast<int>(net.layer<0>().W(0, 1));
}
