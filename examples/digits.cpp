// digits.cpp — the flagship demo: a 64-32-10 network (relu, softmax) learns the
// 8x8 handwritten digits (UCI, 1797 samples) with Adam (L2 weight decay) and mini-batches of 32,
// entirely in static-shape, heap-free training code; the data set is loaded and
// split on the host by ctnn::io. Prints one line per epoch, then the held-out
// accuracy, the training time and the network's memory. Exits non-zero if the
// held-out accuracy is below 0.97.
// Usage: digits [digits.csv] [seed] [epochs] [learning rate] [weight decay]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <ctnn/ctnn.hpp>
#include <ctnn/io/data.hpp>

#ifndef CTNN_EXAMPLES_DATA_DIR
#define CTNN_EXAMPLES_DATA_DIR "examples/data"
#endif

using digits_net = ctnn::network<float,
                                 ctnn::input<64>,
                                 ctnn::dense<32, ctnn::act::relu>,
                                 ctnn::dense<10, ctnn::act::softmax>>;

namespace {
double now_seconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
} // namespace

int main(int argc, char** argv) {
    const std::string path = argc > 1 ? argv[1] : CTNN_EXAMPLES_DATA_DIR "/digits.csv";
    const std::uint64_t seed = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 0;
    // defaults measured over init/shuffle seeds 0-9 (see README)
    const std::size_t epochs = argc > 3 ? std::size_t(std::atoi(argv[3])) : 60;
    const double lr = argc > 4 ? std::strtod(argv[4], nullptr) : 1e-3;
    const double weight_decay = argc > 5 ? std::strtod(argv[5], nullptr) : 0.01;
    constexpr std::size_t batch = 32;

    ctnn::io::classification_data<float, 64, 10> all;
    if (const auto status = ctnn::io::load_csv(path, all); !status) {
        std::fprintf(stderr, "%s\n", status.error.what().c_str());
        return 2;
    }
    // 80/20 stratified split; standardisation fitted on the training part only
    auto [train, test] = ctnn::io::stratified_split(all, 0.2, 0);
    const auto scaler = ctnn::io::standardizer<float, 64>::fit(train);
    for (auto* part : {&train, &test})
        if (const auto status = scaler.apply(*part); !status) {  // data a float cannot hold once scaled
            std::fprintf(stderr, "%s\n", status.error.what().c_str());
            return 2;
        }
    const auto train_set = ctnn::io::to_training_set(train);
    const auto test_set = ctnn::io::to_training_set(test);

    std::printf("digits: %zu training and %zu test samples; network 64-32-10 with %zu parameters (%zu bytes)\n",
                train_set.size(), test_set.size(), digits_net::parameter_count, digits_net::parameter_bytes);
    std::printf("one training step with batch %zu needs %zu bytes besides the parameters; Adam adds %zu\n", batch,
                digits_net::training_step_bytes<batch>, sizeof(ctnn::optim::adam<digits_net>));

    digits_net net{};
    net.initialize(seed);
    ctnn::optim::adam<digits_net> adam{.lr = lr, .weight_decay = weight_decay};
    const double start = now_seconds();
    const auto last = ctnn::fit<batch>(net, train_set.view(), ctnn::loss::cross_entropy{}, adam,
                                       ctnn::fit_options{.epochs = epochs, .seed = seed, .clock = now_seconds},
                                       [&](const ctnn::epoch_report& r) {
                                           if (r.epoch % 5 == 0 || r.epoch == 1)
                                               std::printf("epoch %2zu  loss %.4f  train accuracy %.4f  %.1f ms\n",
                                                           r.epoch, r.loss, r.accuracy, r.seconds * 1e3);
                                       });
    const double seconds = now_seconds() - start;
    if (!last.ok()) {  // NaN data, loss or parameters, or nothing to train on (0 epochs)
        std::fprintf(stderr, "training stopped in epoch %zu, batch %zu: %s\n", last.epoch, last.batch,
                     ctnn::describe(last.fault));
        return 3;
    }
    const auto e = ctnn::evaluate(net, test_set.view(), ctnn::loss::cross_entropy{});
    std::printf("held-out accuracy %.4f (%zu samples), loss %.4f; training took %.3f s\n", e.accuracy, e.samples,
                e.loss, seconds);
    return e.accuracy >= 0.97 ? 0 : 1;
}
