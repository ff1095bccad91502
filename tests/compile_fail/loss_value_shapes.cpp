// expect: ctnn: loss\.value\(A, Y\) needs A and Y of one shape
// Case: loss.value(A, Y) with Y of another shape than the output.
#include <ctnn/ctnn.hpp>  // first: the compilers name one header fewer before a message

#include "case.hpp"

using net_t = cf::small_net;

int main() {
    net_t net{};
    ctnn::matrix<float, 2, 4> X{};
#if CTNN_FAIL
    ctnn::matrix<float, 4, 1> Y{};  // labels as a column
#else
    ctnn::matrix<float, 1, 4> Y{};
#endif
    auto cache = net.forward(X);
    float L = ctnn::loss::mse{}.value(cache.output(), Y);
    return static_cast<int>(L);
}
