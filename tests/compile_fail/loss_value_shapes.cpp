// expect: ctnn: loss\.value\(A, Y\) needs A and Y of one shape
// Case: loss.value(A, Y) with Y of another shape than the output.
#include <ctnn/ctnn.hpp>

using net_t = ctnn::network<float, ctnn::input<2>, ctnn::dense<3, ctnn::act::relu>,
                            ctnn::dense<1, ctnn::act::sigmoid>>;

int main() {
    net_t net{};
    net.initialize(42);
    ctnn::matrix<float, 2, 4> X{};
#if CTNN_FAIL
    ctnn::matrix<float, 4, 1> Y{};  // labels as a column
#else
    ctnn::matrix<float, 1, 4> Y{};
#endif
    auto cache = net.forward(X);
    float L = ctnn::loss::mse{}.value(cache.output(), Y);
    return static_cast<int>(L);
}
