// expect: ctnn: a \* b needs a\.cols == b\.rows.* a \* transpose\(b\) was likely meant
// Case: dW = dZ * A_prev where dZ * transpose(A_prev) was meant (inner sizes differ).
#include <ctnn/ctnn.hpp>  // first: the compilers name one header fewer before a message

#include "case.hpp"

int main() {
    ctnn::matrix<float, 3, 4> dZ{};      // 3 units x batch 4
    ctnn::matrix<float, 2, 4> A_prev{};  // 2 inputs x batch 4
#if CTNN_FAIL
    auto dW = dZ * A_prev;
#else
    auto dW = dZ * ctnn::transpose(A_prev);
#endif
    return static_cast<int>(dW(0, 0));
}
