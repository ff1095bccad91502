// expect: ctnn: softmax over one unit always outputs 1
// Case: activation<act::softmax> as a layer on a one-wide vector; the twin
// puts it after two units.
#include <ctnn/ctnn.hpp>  // first: the compilers name one header fewer before a message

#include "case.hpp"

constexpr ctnn::size_t width = CTNN_FAIL ? 1 : 2;
using net_t = cf::network<float, cf::input<2>, cf::dense<width>, cf::activation<cf::act::softmax>>;

int main() {
    static net_t net{};
    return cf::train_and_predict<cf::loss::cross_entropy>(net);
}
