// expect: ctnn: forward\(X\) needs X\.rows == the network's input width
// Case: forward(X) with X.rows != the network's input width (X stored as batch x features).
#include <ctnn/ctnn.hpp>

using net_t = ctnn::network<float, ctnn::input<2>, ctnn::dense<3, ctnn::act::relu>,
                            ctnn::dense<1, ctnn::act::sigmoid>>;

int main() {
    net_t net{};
    net.initialize(42);
#if CTNN_FAIL
    ctnn::matrix<float, 4, 2> X{};  // 4 samples x 2 features: transposed
#else
    ctnn::matrix<float, 2, 4> X{};  // 2 features x 4 samples
#endif
    auto cache = net.forward(X);
    return static_cast<int>(cache.output()(0, 0));
}
