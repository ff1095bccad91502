// seed_predict.cpp — the seeds' 2-3-3-1 network's single-sample predict, compiled
// on its own so that tests/codegen can prove the machine code has no loop.
#include <ctnn/ctnn.hpp>

using seed_net = ctnn::network<float, ctnn::input<2>, ctnn::dense<3, ctnn::act::relu>,
                               ctnn::dense<3, ctnn::act::relu>, ctnn::dense<1, ctnn::act::sigmoid>>;

extern "C" void seed_predict(const seed_net& net, const ctnn::matrix<float, 2, 1>& x, ctnn::matrix<float, 1, 1>& y) {
    y = net.predict(x);
}
