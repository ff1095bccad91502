// expect: ctnn: residual<Layers...> adds x to f\(x\), so its layers must give a sample of the shape they take
// Case: a residual block whose layers widen the sample (3 features in, 5 out).
#include <ctnn/ctnn.hpp>  // first: the compilers name one header fewer before a message

#include "case.hpp"

using net_t = cf::pick<cf::network<float, cf::input<3>, cf::residual<cf::dense<5, cf::act::relu>>, cf::dense<1>>,
                       cf::network<float, cf::input<3>, cf::residual<cf::dense<5, cf::act::relu>, cf::dense<3>>,
                                   cf::dense<1>>>;

int main() {
    static net_t net{};
    return cf::train_and_predict(net);
}
