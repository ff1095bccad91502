// export_moons.cpp — host program, run at build time: trains the seeds' 2-3-3-1
// network on the two-moons data set (as examples/seed_network.cpp does) and
// writes it with ctnn::io::write_header as `models::moons`, a constexpr object
// that the inference firmware (infer_moons.cpp) compiles into flash.
//
//   export_moons OUTPUT.hpp
//
// Fails (status 1, nothing written) if the held-out accuracy is below 0.95.
#include <cstdio>

#include <ctnn/ctnn.hpp>
#include <ctnn/io/header.hpp>

#include "../two_moons.hpp"
#include "seed_net.hpp"

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s OUTPUT.hpp\n", argv[0]);
        return 2;
    }
    constexpr std::size_t n_train = 256, n_test = 256, batch = 8, epochs = 100;
    const auto train = two_moons::make<float, n_train>(1);
    const auto test = two_moons::make<float, n_test>(2);

    seed_net net{};
    net.initialize(7);
    ctnn::optim::sgd opt{0.2};
    constexpr ctnn::loss::binary_cross_entropy bce{};
    for (std::size_t epoch = 1; epoch <= epochs; ++epoch)
        for (std::size_t first = 0; first < n_train; first += batch) {
            const auto X = two_moons::columns<batch>(train.X, first);
            const auto Y = two_moons::columns<batch>(train.Y, first);
            const auto cache = net.forward(X);
            opt.step(net, net.backward(cache, Y, bce));
        }
    const double test_acc = two_moons::accuracy(net.predict(test.X), test.Y);
    std::printf("export_moons: held-out accuracy %.3f\n", test_acc);
    if (test_acc < 0.95) {
        std::fprintf(stderr, "export_moons: held-out accuracy %.3f < 0.95, not exporting\n", test_acc);
        return 1;
    }
    if (const auto status = ctnn::io::write_header(net, "models::moons", std::string(argv[1])); !status) {
        std::fprintf(stderr, "export_moons: %s\n", status.error.what().c_str());
        return 1;
    }
    std::printf("export_moons: wrote %s\n", argv[1]);
    return 0;
}
