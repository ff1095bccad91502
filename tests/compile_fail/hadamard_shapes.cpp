// expect: ctnn: hadamard\(a, b\) needs two matrices of the same shape
// Case: hadamard(a, b) of different shapes (dA of one layer, Z of another).
#include <ctnn/ctnn.hpp>  // first: the compilers name one header fewer before a message

#include "case.hpp"

int main() {
    ctnn::matrix<float, 2, 4> dA{};   // dA of the 2-unit layer
    ctnn::matrix<float, 3, 4> Z3{};   // Z of the 3-unit layer
    ctnn::matrix<float, 2, 4> Z2{};   // Z of the 2-unit layer
    (void)Z3;
    (void)Z2;
#if CTNN_FAIL
    auto dZ = ctnn::hadamard(dA, Z3);
#else
    auto dZ = ctnn::hadamard(dA, Z2);
#endif
    return static_cast<int>(dZ(0, 0));
}
