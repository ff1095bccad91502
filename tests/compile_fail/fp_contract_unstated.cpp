// expect: ctnn: this target has fused multiply-adds, which the compiler may use
// flags: -mfma
// Case: a build for a target with FMA instructions that does not say whether
// the compiler may fuse multiply-adds (config.hpp: CTNN_FP_CONTRACT); the twin
// says it as ctnn::ctnn's CMake target does.
#if CTNN_FAIL == 0
#define CTNN_FP_CONTRACT 0  // with -ffp-contract=off in a real build
#endif
#include <ctnn/ctnn.hpp>

#include "case.hpp"

int main() {
    static cf::seed_net net{};
    return cf::train_and_predict<cf::loss::binary_cross_entropy>(net);
}
