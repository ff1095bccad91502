// expect: ctnn: predict\(X\) needs X\.rows == the network's input width
// Case: predict(X) with X.rows != the network's input width (one sample as a row).
#include <ctnn/ctnn.hpp>  // first: the compilers name one header fewer before a message

#include "case.hpp"

using net_t = cf::small_net;

int main() {
    net_t net{};
#if CTNN_FAIL
    ctnn::matrix<float, 1, 2> x{};  // one sample as a row
#else
    ctnn::matrix<float, 2, 1> x{};  // one sample as a column
#endif
    auto y = net.predict(x);
    return static_cast<int>(y(0, 0));
}
