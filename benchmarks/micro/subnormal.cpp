// subnormal.cpp — what subnormal inputs cost a predict, and what
// ctnn::flush_subnormals (fpenv.hpp) gives back: a tanh 16-32-32-4 network,
// one sample, on normal inputs, on subnormal inputs, and on subnormal inputs
// under the guard; each timed as the best of 15 interleaved rounds, so that
// the three share the machine's state. Twice: with the zero biases that
// initialize() gives (subnormals then run through every layer) and with
// biases of 0.1 (only the first layer's products are subnormal). Prints ns per
// predict and the ratios to the normal inputs (docs/realtime.md). Not a CTest test:
//   cmake --build build --target ctnn_bench_subnormal && build/benchmarks/micro/ctnn_bench_subnormal
#include <ctnn/ctnn.hpp>

#include <bit>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string_view>

namespace {
using net_t = ctnn::network<float, ctnn::input<16>, ctnn::dense<32, ctnn::act::tanh>,
                            ctnn::dense<32, ctnn::act::tanh>, ctnn::dense<4, ctnn::act::identity>>;
net_t net{};

/// ns per predict over n calls on x
__attribute__((noinline)) double time_predict(const ctnn::matrix<float, 16, 1>& x, int n) {
    float sink = 0;
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < n; ++i) {
        const ctnn::matrix<float, 16, 1>* p = &x;
        __asm__ volatile("" : "+r"(p) : : "memory");  // a fresh input every call
        sink += net.predict(*p)(0, 0);
    }
    const auto t1 = std::chrono::steady_clock::now();
    __asm__ volatile("" : : "r"(sink));
    return std::chrono::duration<double, std::nano>(t1 - t0).count() / n;
}
} // namespace

int main() {
    ctnn::matrix<float, 16, 1> normal{}, subnormal{};
    for (std::size_t i = 0; i < 16; ++i) {
        normal(i, 0) = 0.05f * float(i) - 0.4f;
        subnormal(i, 0) = std::bit_cast<float>(std::uint32_t(1000 + 97977 * i));  // below 2^-126
    }
    constexpr int n = 100000;
    std::printf("tanh 16-32-32-4, batch 1, ns per predict (best of 15 rounds of %d)\n", n);
    for (const float bias : {0.0f, 0.1f}) {
        net.initialize(7);
        net.visit([&](const auto& info, auto& m, auto&...) {
            if (info.name == std::string_view("b"))
                for (auto& v : m.elems) v = bias;
        });
        double best[3] = {1e30, 1e30, 1e30};
        for (int round = 0; round < 15; ++round) {
            const double t[3] = {time_predict(normal, n), time_predict(subnormal, n), [&] {
                                     const ctnn::flush_subnormals ftz;
                                     return time_predict(subnormal, n);
                                 }()};
            for (int k = 0; k < 3; ++k) best[k] = t[k] < best[k] ? t[k] : best[k];
        }
        std::printf("biases %.1f: normal inputs %.1f, subnormal %.1f (%.2fx), subnormal under flush_subnormals %.1f (%.2fx)\n",
                    double(bias), best[0], best[1], best[1] / best[0], best[2], best[2] / best[0]);
    }
}
