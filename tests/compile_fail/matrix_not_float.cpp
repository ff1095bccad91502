// expect: ctnn: matrix elements must be float or double
// Case: a matrix of int (every gradient would be truncated).
#include <ctnn/ctnn.hpp>  // first: the compilers name one header fewer before a message

#include "case.hpp"

int main() {
#if CTNN_FAIL
    ctnn::matrix<int, 2, 4> X{};
#else
    ctnn::matrix<float, 2, 4> X{};
#endif
    X(0, 0) = 1;
    return static_cast<int>(X(0, 0));
}
