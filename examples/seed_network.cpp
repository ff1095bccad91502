// seed_network.cpp — the seeds' 2-3-3-1 network (relu, relu, sigmoid) trained
// with back propagation and SGD on the two-moons data set: forward, backward
// (dZ, dW, db, dA per layer, all shape-checked at compile time), SGD step.
// Prints the loss per epoch and the final train and held-out accuracy; exits
// non-zero if the held-out accuracy is below 0.95.
#include <cstdio>

#include <ctnn/ctnn.hpp>

#include "two_moons.hpp"

using seed_net = ctnn::network<float,
                               ctnn::input<2>,
                               ctnn::dense<3, ctnn::act::relu>,
                               ctnn::dense<3, ctnn::act::relu>,
                               ctnn::dense<1, ctnn::act::sigmoid>>;

int main() {
    constexpr std::size_t n_train = 256, n_test = 256, batch = 8, epochs = 100;
    const auto train = two_moons::make<float, n_train>(1);
    const auto test = two_moons::make<float, n_test>(2);

    seed_net net{};
    net.initialize(7);
    ctnn::optim::sgd opt{0.2};
    constexpr ctnn::loss::binary_cross_entropy bce{};

    std::printf("seed network 2-3-3-1: %zu parameters (%zu bytes), one training step with batch %zu needs %zu bytes\n",
                seed_net::parameter_count, seed_net::parameter_bytes, batch, seed_net::training_step_bytes<batch>);
    for (std::size_t epoch = 1; epoch <= epochs; ++epoch) {
        double loss_sum = 0;
        for (std::size_t first = 0; first < n_train; first += batch) {
            const auto X = two_moons::columns<batch>(train.X, first);
            const auto Y = two_moons::columns<batch>(train.Y, first);
            const auto cache = net.forward(X);                // A[l] and Z[l] of every layer
            loss_sum += bce.value(cache.output(), Y);
            const auto grads = net.backward(cache, Y, bce);   // dW[l], db[l]
            opt.step(net, grads);                             // W -= lr dW, b -= lr db
        }
        std::printf("epoch %3zu  loss %.4f\n", epoch, loss_sum / (n_train / batch));
    }
    const double train_acc = two_moons::accuracy(net.predict(train.X), train.Y);
    const double test_acc = two_moons::accuracy(net.predict(test.X), test.Y);
    std::printf("train accuracy %.3f, held-out accuracy %.3f\n", train_acc, test_acc);
    return test_acc >= 0.95 ? 0 : 1;
}
