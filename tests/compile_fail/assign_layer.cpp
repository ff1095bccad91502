// expect: ctnn: cannot assign the parameters of a layer of another shape
// Case: assigning one layer's parameters to a layer of another shape.
#include <ctnn/ctnn.hpp>

using net_t = ctnn::network<float, ctnn::input<2>, ctnn::dense<3, ctnn::act::relu>,
                            ctnn::dense<3, ctnn::act::relu>, ctnn::dense<1, ctnn::act::sigmoid>>;

int main() {
    net_t net{};
    net_t trained{};
    trained.initialize(42);
#if CTNN_FAIL
    net.layer<0>() = trained.layer<1>();  // 3 x 3 parameters into a 3 x 2 layer
#else
    net.layer<1>() = trained.layer<1>();
#endif
    return static_cast<int>(net.layer<1>().W(0, 0));
}
