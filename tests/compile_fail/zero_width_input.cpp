// expect: ctnn: input<0> has no features
// Case: a network input of width 0.
#include <ctnn/ctnn.hpp>

#if CTNN_FAIL
using net_t = ctnn::network<float, ctnn::input<0>, ctnn::dense<3, ctnn::act::relu>,
                            ctnn::dense<1, ctnn::act::sigmoid>>;
#else
using net_t = ctnn::network<float, ctnn::input<2>, ctnn::dense<3, ctnn::act::relu>,
                            ctnn::dense<1, ctnn::act::sigmoid>>;
#endif

int main() {
    net_t net{};
    net.initialize(42);
    ctnn::matrix<float, 2, 4> X{};
    auto y = net.predict(X);
    return static_cast<int>(y(0, 0));
}
