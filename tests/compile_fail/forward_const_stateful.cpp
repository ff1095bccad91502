// expect: ctnn: forward\(X\) of a network with dropout or batch_norm updates their state
// Case: a training pass on a const network whose dropout layer draws a mask.
#include <ctnn/ctnn.hpp>  // first: the compilers name one header fewer before a message

#include "case.hpp"

using net_t = cf::network<float, cf::input<2>, cf::dense<3, cf::act::relu>, cf::dropout<1, 2>, cf::dense<1>>;

int main() {
    cf::pick<const net_t, net_t> net{};
    cf::matrix<float, 2, 4> X{};
    auto cache = net.forward(X);
    return static_cast<int>(cache.output()(0, 0));
}
