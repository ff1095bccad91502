// expect: ctnn: dropout<Num, Den> needs a probability Num/Den below 1
// Case: dropout that drops everything (p = 5/5).
#include <ctnn/ctnn.hpp>  // first: the compilers name one header fewer before a message

#include "case.hpp"

using net_t = cf::pick<cf::network<float, cf::input<2>, cf::dense<3, cf::act::relu>, cf::dropout<5, 5>, cf::dense<1>>,
                       cf::network<float, cf::input<2>, cf::dense<3, cf::act::relu>, cf::dropout<1, 5>, cf::dense<1>>>;

int main() {
    static net_t net{};
    return cf::train_and_predict(net);
}
