// steps.cpp — a micro-benchmark of whole training steps and predicts, for
// comparing two builds of the same code side by side (compare.sh): the seed
// network 2-3-3-1, 8-16-16-4 (tanh) and 64-32-10 (relu, softmax) at batch 1
// and 32, in place (forward_into, backward_into, sgd) and in the value forms.
// Each step depends on the weights the previous one wrote, as in the runtime
// benchmark; a case prints the best of 11 timings of n steps, in ns per step.
// This is the tool behind the micro-benchmark figures in the kernels' and the
// network's comments; the report's figures come from scripts/bench.sh.
#include <cstdio>

#include "runner.hpp"

namespace {
using namespace micro;

template <class Net, size_t M, class Loss>
void run(const char* name, int n) {
    static runner<Net, M, Loss> r;  // static: no stack frame of a few KiB per case
    std::printf("%s/%zu/step %.2f\n", name, M, best_ns([] { r.step(); }, n, 11));
    std::printf("%s/%zu/step_value %.2f\n", name, M, best_ns([] { r.step_value(); }, n, 11));
    if constexpr (M > 1) std::printf("%s/%zu/forward %.2f\n", name, M, best_ns([] { r.forward(); }, n, 11));
}

seed predict_net{};
matrix<float, 2, 1> pool[16]{};
float sink = 0;
__attribute__((noinline)) void predict16() {
    for (auto& x : pool) sink += predict_net.predict(x).elems[0];
}
} // namespace

int main() {
    predict_net.initialize(42);
    for (int k = 0; k < 16; ++k) pool[k] = matrix<float, 2, 1>{{0.1f * float(k) - 0.5f, 0.4f - 0.05f * float(k)}};
    std::printf("seed/1/predict %.2f\n", best_ns(predict16, 100000, 11) / 16);
    run<seed, 1, loss::binary_cross_entropy>("seed", 200000);
    run<seed, 32, loss::binary_cross_entropy>("seed", 100000);
    run<mid, 1, loss::mse>("mid", 100000);
    run<mid, 32, loss::mse>("mid", 10000);
    run<big, 1, loss::cross_entropy>("big", 50000);
    run<big, 32, loss::cross_entropy>("big", 3000);
    return sink == 12345.0f;  // keeps the predictions
}
