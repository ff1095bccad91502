// expect: ctnn: cross_entropy needs a softmax output layer
// Case: loss::cross_entropy on a network whose output is not softmax.
#include <ctnn/ctnn.hpp>  // first: the compilers name one header fewer before a message

#include "case.hpp"

using net_t = cf::pick<cf::network<float, cf::input<2>, cf::dense<3, cf::act::relu>, cf::dense<3, cf::act::sigmoid>>,
                     cf::network<float, cf::input<2>, cf::dense<3, cf::act::relu>, cf::dense<3, cf::act::softmax>>>;

int main() {
    static net_t net{};
    auto grads = net.backward(net.forward(cf::inputs<net_t>()), cf::labels<net_t>(), cf::loss::cross_entropy{});
    return static_cast<int>(grads.layer<0>().dW(0, 0));
}
