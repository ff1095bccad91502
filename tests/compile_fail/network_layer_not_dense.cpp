// expect: ctnn: every layer after the input must be a layer description such as ctnn::dense<Units, Act>
// Case: a network with a second input<N> where a layer belongs.
#include <ctnn/ctnn.hpp>  // first: the compilers name one header fewer before a message

#include "case.hpp"

using net_t = cf::pick<cf::network<float, cf::input<2>, cf::input<3>, cf::dense<1>>,
                     cf::network<float, cf::input<2>, cf::dense<3, cf::act::relu>, cf::dense<1>>>;

int main() {
    static net_t net{};
    return cf::train_and_predict<cf::loss::mse>(net);
}
