// expect: ctnn: net\.layer<I>\(\) index out of range
// Case: net.layer<I>() with I == depth (the input is not a layer).
#include <ctnn/ctnn.hpp>

using net_t = ctnn::network<float, ctnn::input<2>, ctnn::dense<3, ctnn::act::relu>,
                            ctnn::dense<1, ctnn::act::sigmoid>>;

int main() {
    net_t net{};
    net.initialize(42);
#if CTNN_FAIL
    auto& out = net.layer<2>();  // two layers: 0 and 1
#else
    auto& out = net.layer<1>();
#endif
    return static_cast<int>(out.W(0, 0));
}
