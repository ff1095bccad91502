// expect: ctnn: cannot assign a matrix of another shape
// Case: W = a matrix of another shape (a transposed weight matrix).
#include <ctnn/ctnn.hpp>  // first: the compilers name one header fewer before a message

#include "case.hpp"

using net_t = cf::small_net;

int main() {
    net_t net{};
    ctnn::matrix<float, 2, 3> loaded{};  // stored as inputs x units
    loaded(0, 1) = 1.0f;
#if CTNN_FAIL
    net.layer<0>().W = loaded;
#else
    net.layer<0>().W = ctnn::transpose(loaded);
#endif
    return static_cast<int>(net.layer<0>().W(1, 0));
}
