// expect: ctnn: forward\(X\) needs X\.rows == the network's input width
// Case: forward(X) with X.rows != the network's input width (X stored as batch x features).
#include <ctnn/ctnn.hpp>  // first: the compilers name one header fewer before a message

#include "case.hpp"

using net_t = cf::small_net;

int main() {
    net_t net{};
#if CTNN_FAIL
    ctnn::matrix<float, 4, 2> X{};  // 4 samples x 2 features: transposed
#else
    ctnn::matrix<float, 2, 4> X{};  // 2 features x 4 samples
#endif
    auto cache = net.forward(X);
    return static_cast<int>(cache.output()(0, 0));
}
