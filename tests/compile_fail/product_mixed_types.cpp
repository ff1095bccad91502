// expect: ctnn: matrix product of different element types
// Case: a float matrix times a double matrix.
#include <ctnn/ctnn.hpp>  // first: the compilers name one header fewer before a message

#include "case.hpp"

int main() {
    ctnn::matrix<float, 3, 2> W{};
    ctnn::matrix<double, 2, 4> Xd{};
    (void)Xd;
#if CTNN_FAIL
    auto Z = W * Xd;
#else
    auto Z = W * ctnn::cast<float>(Xd);
#endif
    return static_cast<int>(Z(0, 0));
}
