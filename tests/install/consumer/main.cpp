// main.cpp — the installed-package consumer: learns XOR with ctnn found through
// find_package(ctnn) and returns 0 only if everything it checks is sane.
#include <cmath>
#include <cstdio>

#include <ctnn/ctnn.hpp>

using xor_net = ctnn::network<double, ctnn::input<2>, ctnn::dense<4, ctnn::act::tanh>, ctnn::dense<1, ctnn::act::sigmoid>>;

static_assert(CTNN_VERSION_MAJOR == 0 && CTNN_VERSION_MINOR == 1, "unexpected ctnn version");
static_assert(xor_net::parameter_count == 4 * 2 + 4 + 1 * 4 + 1);

int main() {
    xor_net net{};
    net.initialize(1);
    const ctnn::matrix<double, 2, 4> X{{0, 0, 1, 1, 0, 1, 0, 1}};  // one sample per column
    const ctnn::matrix<double, 1, 4> Y{{0, 1, 1, 0}};
    const ctnn::loss::binary_cross_entropy bce{};
    const ctnn::optim::sgd opt{0.5};

    const double first = bce.value(net.forward(X).output(), Y);
    for (int i = 0; i < 2000; ++i) {
        const auto cache = net.forward(X);
        opt.step(net, net.backward(cache, Y, bce));
    }
    const double last = bce.value(net.forward(X).output(), Y);
    const auto p = net.predict(X);

    const bool sane = std::isfinite(first) && std::isfinite(last) && last < first;
    const bool learned = p(0, 0) < 0.5 && p(0, 1) > 0.5 && p(0, 2) > 0.5 && p(0, 3) < 0.5;
    std::printf("consumer: loss %.4f -> %.4f after 2000 sgd steps; XOR outputs %.3f %.3f %.3f %.3f: %s\n", first,
                last, p(0, 0), p(0, 1), p(0, 2), p(0, 3), sane && learned ? "learned" : "NOT LEARNED");
    return sane && learned ? 0 : 1;
}
