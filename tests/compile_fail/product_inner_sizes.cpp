// expect: ctnn: a \* b needs a\.cols == b\.rows. for dW = dZ \* A_prev\^T write
// Case: a product whose sizes fit neither a * transpose(b) nor transpose(a) * b
// (the weights of the next layer applied to this layer's input).
#include <ctnn/ctnn.hpp>  // first: the compilers name one header fewer before a message

#include "case.hpp"

int main() {
    ctnn::matrix<float, 1, 3> W2{};  // the second layer: 1 unit, 3 inputs
    ctnn::matrix<float, 3, 2> W1{};  // the first layer: 3 units, 2 inputs
    ctnn::matrix<float, 2, 4> X{};   // 2 features x batch 4
    (void)W1;
#if CTNN_FAIL
    auto Z = W2 * X;
#else
    auto Z = W2 * (W1 * X);
#endif
    return static_cast<int>(Z(0, 0));
}
