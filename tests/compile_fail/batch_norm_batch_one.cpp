// expect: ctnn: a layer of this network trains on batches of at least min_training_batch samples \(batch_norm: 2
// Case: training a network with batch_norm one sample at a time.
#include <ctnn/ctnn.hpp>  // first: the compilers name one header fewer before a message

#include "case.hpp"

using net_t = cf::network<float, cf::input<2>, cf::dense<3>, cf::batch_norm, cf::dense<1>>;

int main() {
    static net_t net{};
    auto cache = net.forward(cf::inputs<net_t, CTNN_FAIL ? 1 : 2>());
    return static_cast<int>(cache.output()(0, 0));
}
