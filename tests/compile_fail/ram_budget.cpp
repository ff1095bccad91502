// expect: ctnn: the network needs more RAM than its budget
// Case: a firmware's RAM budget overrun. The seed network with batch 8 and
// Adam needs 100 (parameters) + 1028 (training step) + sizeof(adam) bytes,
// more than a 1 KB budget; the twin grants 2 KB.
#include <ctnn/ctnn.hpp>  // first: the compilers name one header fewer before a message

#include "case.hpp"

using net_t = cf::seed_net;

#if CTNN_FAIL
constexpr ctnn::size_t budget = 1024;
#else
constexpr ctnn::size_t budget = 2048;
#endif

static_assert(ctnn::fits_ram_budget<ctnn::training_ram_bytes<net_t, 8, ctnn::optim::adam<net_t>>, budget>());

int main() { return 0; }
