// seed_train_step.cpp — one full training step (forward, backward with BCE, SGD)
// of the seeds' 2-3-3-1 network on a batch of CTNN_CODEGEN_BATCH (default 4),
// compiled on its own so that tests/codegen can prove the machine code has no
// loop and no branch.
#include <ctnn/ctnn.hpp>

#ifndef CTNN_CODEGEN_BATCH
#define CTNN_CODEGEN_BATCH 4
#endif

using seed_net = ctnn::network<float, ctnn::input<2>, ctnn::dense<3, ctnn::act::relu>,
                               ctnn::dense<3, ctnn::act::relu>, ctnn::dense<1, ctnn::act::sigmoid>>;

extern "C" void seed_train_step(seed_net& net, const ctnn::matrix<float, 2, CTNN_CODEGEN_BATCH>& x,
                                const ctnn::matrix<float, 1, CTNN_CODEGEN_BATCH>& y) {
    const auto cache = net.forward(x);
    const auto grads = net.backward(cache, y, ctnn::loss::binary_cross_entropy{});
    ctnn::optim::sgd{0.1}.step(net, grads);
}
