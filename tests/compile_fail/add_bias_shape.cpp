// expect: ctnn: add_bias\(Z, b\) needs b to be a column of Z\.rows elements
// Case: add_bias(Z, b) with the bias of another layer (2 x 1 for a 3-unit Z).
#include <ctnn/ctnn.hpp>  // first: the compilers name one header fewer before a message

#include "case.hpp"

int main() {
    ctnn::matrix<float, 3, 4> WA{};
    ctnn::matrix<float, 2, 1> b_prev{};  // the bias of the 2-unit layer
    ctnn::matrix<float, 3, 1> b{};       // the bias of this 3-unit layer
    (void)b_prev;
    (void)b;
#if CTNN_FAIL
    auto Z = ctnn::add_bias(WA, b_prev);
#else
    auto Z = ctnn::add_bias(WA, b);
#endif
    return static_cast<int>(Z(0, 0));
}
