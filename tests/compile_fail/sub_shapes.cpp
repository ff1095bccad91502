// expect: ctnn: a - b needs two matrices of the same shape
// Case: a - b of different shapes (labels stored as batch x outputs).
#include <ctnn/ctnn.hpp>  // first: the compilers name one header fewer before a message

#include "case.hpp"

int main() {
    ctnn::matrix<float, 1, 4> A{};
    ctnn::matrix<float, 4, 1> Y{};
#if CTNN_FAIL
    auto dZ = A - Y;
#else
    auto dZ = A - ctnn::transpose(Y);
#endif
    return static_cast<int>(dZ(0, 0));
}
