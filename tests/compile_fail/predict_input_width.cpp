// expect: ctnn: predict\(X\) needs X\.rows == the network's input width
// Case: predict(X) with X.rows != the network's input width (one sample as a row).
#include <ctnn/ctnn.hpp>

using net_t = ctnn::network<float, ctnn::input<2>, ctnn::dense<3, ctnn::act::relu>,
                            ctnn::dense<1, ctnn::act::sigmoid>>;

int main() {
    net_t net{};
    net.initialize(42);
#if CTNN_FAIL
    ctnn::matrix<float, 1, 2> x{};  // one sample as a row
#else
    ctnn::matrix<float, 2, 1> x{};  // one sample as a column
#endif
    auto y = net.predict(x);
    return static_cast<int>(y(0, 0));
}
