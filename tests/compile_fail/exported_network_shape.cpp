// expect: ctnn: cannot assign the parameters of a network of another shape
// Case: a network exported by ctnn::io::write_header (exported/seed_42.hpp: the
// seed 2-3-3-1 network, initialize(42); io_header.test checks that the file is
// exactly write_header's output) copied into a RAM network of another shape,
// e.g. to fine-tune it on the device. The header spells the exact type, so the
// mismatch is caught at compile time.
#include <ctnn/ctnn.hpp>  // first: the compilers name one header fewer before a message

#include "case.hpp"

#include "exported/seed_42.hpp"

#if CTNN_FAIL
using ram_net = ctnn::network<float, ctnn::input<2>, ctnn::dense<4, ctnn::act::relu>, ctnn::dense<3, ctnn::act::relu>,
                              ctnn::dense<1, ctnn::act::sigmoid>>;
#else
using ram_net = ctnn::network<float, ctnn::input<2>, ctnn::dense<3, ctnn::act::relu>, ctnn::dense<3, ctnn::act::relu>,
                              ctnn::dense<1, ctnn::act::sigmoid>>;
#endif

int main() {
    ram_net net{};
    net = models::seed;
    return static_cast<int>(net.layer<0>().W(0, 0));
}
