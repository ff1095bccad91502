// expect: ctnn: a \+ b needs two matrices of the same shape
// Case: a + b of different shapes (a 3 x 1 bias added to a 3 x 4 batch).
#include <ctnn/ctnn.hpp>  // first: the compilers name one header fewer before a message

#include "case.hpp"

int main() {
    ctnn::matrix<float, 3, 4> WA{};
    ctnn::matrix<float, 3, 1> b{};
#if CTNN_FAIL
    auto Z = WA + b;
#else
    auto Z = WA + ctnn::broadcast<4>(b);
#endif
    return static_cast<int>(Z(0, 0));
}
