// expect: ctnn: input<0> has no features
// Case: a network input of width 0.
#include <ctnn/ctnn.hpp>  // first: the compilers name one header fewer before a message

#include "case.hpp"

using net_t = cf::pick<cf::network<float, cf::input<0>, cf::dense<3, cf::act::relu>, cf::dense<1, cf::act::sigmoid>>,
                     cf::small_net>;

int main() {
    static net_t net{};
    return cf::train_and_predict<cf::loss::binary_cross_entropy>(net);
}
