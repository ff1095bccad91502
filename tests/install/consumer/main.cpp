// main.cpp — trains XOR with the installed ctnn; exits 0 only if it learns it.
#include <ctnn/ctnn.hpp>

int main() {
    ctnn::network<double, ctnn::input<2>, ctnn::dense<4, ctnn::act::tanh>, ctnn::dense<1, ctnn::act::sigmoid>> net{};
    net.initialize(1);
    const ctnn::matrix<double, 2, 4> X{{0, 0, 1, 1, 0, 1, 0, 1}};
    const ctnn::matrix<double, 1, 4> Y{{0, 1, 1, 0}};
    ctnn::optim::sgd opt{0.5};
    for (int i = 0; i < 2000; ++i) opt.step(net, net.backward(net.forward(X), Y, ctnn::loss::binary_cross_entropy{}));
    const auto out = net.predict(X);
    const bool ok = out(0, 0) < 0.5 && out(0, 1) > 0.5 && out(0, 2) > 0.5 && out(0, 3) < 0.5;
    return ok ? 0 : 1;
}
