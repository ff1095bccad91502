// expect: ctnn: softmax over one unit always outputs 1
// Case: a one-unit softmax output, whose output is the constant 1 (so its
// cross-entropy is 0 and nothing is learnt); the twin is the one-output
// classifier that works: sigmoid with binary cross-entropy.
#include <ctnn/ctnn.hpp>  // first: the compilers name one header fewer before a message

#include "case.hpp"

using net_t = cf::pick<cf::network<float, cf::input<2>, cf::dense<3, cf::act::relu>, cf::dense<1, cf::act::softmax>>,
                       cf::network<float, cf::input<2>, cf::dense<3, cf::act::relu>, cf::dense<1, cf::act::sigmoid>>>;
using loss_t = cf::pick<cf::loss::cross_entropy, cf::loss::binary_cross_entropy>;

int main() {
    static net_t net{};
    return cf::train_and_predict<loss_t>(net);
}
