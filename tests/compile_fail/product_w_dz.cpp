// expect: ctnn: a \* b needs a\.cols == b\.rows.* transpose\(a\) \* b was likely meant
// Case: dA_prev = W * dZ where transpose(W) * dZ was meant.
#include <ctnn/ctnn.hpp>  // first: the compilers name one header fewer before a message

#include "case.hpp"

int main() {
    ctnn::matrix<float, 3, 2> W{};   // 3 units, 2 inputs
    ctnn::matrix<float, 3, 4> dZ{};  // 3 units x batch 4
#if CTNN_FAIL
    auto dA_prev = W * dZ;
#else
    auto dA_prev = ctnn::transpose(W) * dZ;
#endif
    return static_cast<int>(dA_prev(0, 0));
}
