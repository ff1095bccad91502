// expect: ctnn: network<T, \.\.\.> needs T = float or double
// Case: a network of int.
#include <ctnn/ctnn.hpp>  // first: the compilers name one header fewer before a message

#include "case.hpp"

using net_t = cf::pick<cf::network<int, cf::input<2>, cf::dense<3, cf::act::relu>, cf::dense<1>>,
                     cf::network<float, cf::input<2>, cf::dense<3, cf::act::relu>, cf::dense<1>>>;

int main() {
    static net_t net{};
    return cf::train_and_predict<cf::loss::mse>(net);
}
