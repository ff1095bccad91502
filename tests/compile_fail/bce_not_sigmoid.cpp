// expect: ctnn: binary_cross_entropy needs a sigmoid output layer
// Case: loss::binary_cross_entropy on a network whose output is not sigmoid.
#include <ctnn/ctnn.hpp>  // first: the compilers name one header fewer before a message

#include "case.hpp"

using net_t = cf::pick<cf::network<float, cf::input<2>, cf::dense<3, cf::act::relu>, cf::dense<1, cf::act::identity>>,
                     cf::small_net>;

int main() {
    static net_t net{};
    auto grads = net.backward(net.forward(cf::inputs<net_t>()), cf::labels<net_t>(), cf::loss::binary_cross_entropy{});
    return static_cast<int>(grads.layer<0>().dW(0, 0));
}
