// expect: ctnn: fit<Batch> would put more than CTNN_FIT_STACK_LIMIT bytes on the stack
// Case: fit<256> on the digits network keeps about 0.3 MB of cache, gradients
// and batch on the stack, more than CTNN_FIT_STACK_LIMIT (fit<16384> crashed
// with a stack overflow before the limit); the twin passes a workspace kept in
// static storage.
#include <ctnn/ctnn.hpp>  // first: the compilers name one header fewer before a message

#include "case.hpp"

using net_t = cf::network<float, cf::input<64>, cf::dense<32, cf::act::relu>, cf::dense<10, cf::act::softmax>>;

int main() {
    static net_t net{};
    static cf::optim::adam<net_t> opt{0.001};
    static const float xs[64 * 4]{}, ys[10 * 4]{};
    const auto data = cf::dataset_view<float, 64, 10>::samples_as_rows(xs, ys);
#if CTNN_FAIL
    const auto r = cf::fit<256>(net, data, cf::loss::cross_entropy{}, opt, cf::fit_options{.epochs = 1});
#else
    static cf::fit_workspace<net_t, 256> workspace;
    const auto r = cf::fit(net, data, cf::loss::cross_entropy{}, opt, cf::fit_options{.epochs = 1}, workspace);
#endif
    return r.ok() ? 0 : 1;
}
