// xor.cpp — the smallest non-linear problem: a 2-4-1 network (tanh, sigmoid)
// learns XOR with full-batch SGD on binary cross-entropy. Exits non-zero if
// any of the four predictions is wrong.
#include <cstdio>

#include <ctnn/ctnn.hpp>

using xor_net = ctnn::network<float, ctnn::input<2>, ctnn::dense<4, ctnn::act::tanh>, ctnn::dense<1, ctnn::act::sigmoid>>;

int main() {
    // one sample per column
    constexpr ctnn::matrix<float, 2, 4> X{{0, 0, 1, 1,
                                           0, 1, 0, 1}};
    constexpr ctnn::matrix<float, 1, 4> Y{{0, 1, 1, 0}};
    constexpr ctnn::loss::binary_cross_entropy bce{};

    xor_net net{};
    net.initialize(1);
    ctnn::optim::sgd opt{0.5};
    for (int epoch = 0; epoch <= 1000; ++epoch) {
        const auto cache = net.forward(X);
        if (epoch % 100 == 0) std::printf("epoch %4d  loss %.5f\n", epoch, bce.value(cache.output(), Y));
        opt.step(net, net.backward(cache, Y, bce));
    }
    const auto out = net.predict(X);
    int correct = 0;
    for (std::size_t j = 0; j < 4; ++j) {
        const bool predicted = out(0, j) >= 0.5f;
        correct += predicted == (Y(0, j) == 1.0f);
        std::printf("%g xor %g -> %.4f\n", double(X(0, j)), double(X(1, j)), double(out(0, j)));
    }
    std::printf("%d of 4 correct\n", correct);
    return correct == 4 ? 0 : 1;
}
