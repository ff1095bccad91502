// expect: ctnn: a network needs at least one layer after its input
// Case: a network with an input and no layers.
#include <ctnn/ctnn.hpp>  // first: the compilers name one header fewer before a message

#include "case.hpp"

using net_t = cf::pick<cf::network<float, cf::input<2>>,
                     cf::network<float, cf::input<2>, cf::dense<1>>>;

int main() {
    static net_t net{};
    return cf::train_and_predict<cf::loss::mse>(net);
}
