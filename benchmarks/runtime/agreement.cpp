// agreement.cpp — the four implementations compute the same thing. For every
// benchmarked network, starting from the benchmarks' own weights and inputs:
// the predictions for the 16 predict1 inputs, the batch-32 forward output, the
// batch-32 loss, and the weights and biases after one train32 SGD step agree
// with ctnn's to a relative tolerance.
//
// The step uses learning rate 1 here (the benchmarks use 0.01), so that the
// updated weights differ from the initial ones by the whole gradient: with
// 0.01 an error in a gradient would be scaled down a hundredfold and could
// hide under the tolerance.
//
// Tolerance, per compared tensor: max |x - x_ctnn| <= 1e-5 * max |x_ctnn|
// (normwise, as rounding errors of sums are bounded relative to the size of
// their terms, not of the result). The implementations round differently on
// purpose: Eigen sums products in its own blocked order and has its own
// vectorised exp and tanh, the twin may contract multiply-adds where ctnn's
// SIMD kernels do not. float's epsilon is 6e-8; a sum of K <= 256 products
// typically carries sqrt(K)·eps <= 1e-6 relative error, and three layers
// forward and back compound a few of those. The largest deviation measured is
// printed on every run; 1e-5 leaves a margin of about 10x over it, while a
// wrong formula (a missing factor, a wrong derivative, a wrong index) moves
// results by far more than 1e-5.
//
// Exit status 0 when everything agrees, 1 otherwise (the CTest test "bench: agreement").
#include <cmath>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "harness.hpp"

namespace {

constexpr double tolerance = 1e-5;

/// printf-style text (std::string's operator+ trips g++ 12's -Wrestrict false positive at -O3)
template <class... A>
std::string text(const char* fmt, A... a) {
    char buf[256];
    std::snprintf(buf, sizeof buf, fmt, a...);
    return buf;
}

/// max |a - ref| / max |ref| (0 when both are all zero; infinity on a size mismatch or a NaN)
double deviation(const std::vector<float>& a, const std::vector<float>& ref) {
    if (a.size() != ref.size() || ref.empty()) return INFINITY;
    double diff = 0, scale = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        const double d = std::fabs(double(a[i]) - double(ref[i]));
        if (!(d == d)) return INFINITY;
        diff = std::fmax(diff, d);
        scale = std::fmax(scale, std::fabs(double(ref[i])));
    }
    return scale > 0 ? diff / scale : (diff > 0 ? INFINITY : 0.0);
}

struct tally {
    int checks = 0, failures = 0;
    double worst = 0;
    std::string worst_what;
    void check(const std::string& what, double dev) {
        ++checks;
        if (dev > worst || std::isinf(dev)) {
            worst = dev;
            worst_what = what;
        }
        if (!(dev <= tolerance)) {
            ++failures;
            std::printf("FAIL %s: relative deviation %.3g > %.0e\n", what.c_str(), dev, tolerance);
        }
    }
};

} // namespace

int main() {
    const bench::registry reg = bench::all_implementations();
    std::vector<std::string> nets;
    bench::for_each_case([&](const auto& c) { nets.push_back(c.name); });
    tally t;
    for (const std::string& net : nets) {
        const bench::registry::maker* ref_maker = nullptr;
        for (const auto& m : reg.impls)
            if (m.net == net && m.impl == "ctnn") ref_maker = &m;
        if (!ref_maker) {
            std::printf("FAIL %s: no ctnn implementation registered\n", net.c_str());
            return 1;
        }
        bench::problem p = *ref_maker->prob;
        p.lr = 1.0f;
        auto ref = ref_maker->make(p);
        std::vector<std::vector<float>> ref_pred;
        for (size_t k = 0; k < bench::pool_size; ++k) ref_pred.push_back(ref->prediction(k));
        const auto ref_out = ref->output32();
        const float ref_loss = ref->loss32();
        ref->train32();
        const auto ref_params = ref->params();

        int others = 0;
        for (const auto& m : reg.impls) {
            if (m.net != net || m.impl == "ctnn") continue;
            ++others;
            auto impl = m.make(p);
            const std::string tag = text("%s/%s", net.c_str(), m.impl.c_str());
            const int before = t.checks;
            double w = 0;
            auto check = [&](const std::string& what, double dev) {
                t.check(text("%s %s", tag.c_str(), what.c_str()), dev);
                w = std::fmax(w, dev);
            };
            for (size_t k = 0; k < bench::pool_size; ++k)
                check(text("prediction %zu", k), deviation(impl->prediction(k), ref_pred[k]));
            check("forward32 output", deviation(impl->output32(), ref_out));
            check("loss32", deviation({impl->loss32()}, {ref_loss}));
            impl->train32();
            const auto params = impl->params();
            if (params.size() != ref_params.size()) {
                check("number of parameter tensors", INFINITY);
            } else {
                for (size_t i = 0; i < params.size(); ++i)
                    check(text("%s%zu after train32", i % 2 ? "b" : "W", i / 2),
                          deviation(params[i], ref_params[i]));
            }
            std::printf("%-10s %-14s %2d checks, largest relative deviation %.2e\n", net.c_str(), m.impl.c_str(),
                        t.checks - before, w);
        }
        // twin, eigen_fixed, eigen_dynamic; and ctnn_value on the named networks
        const int expected = net.rfind("sweep-", 0) == 0 ? 3 : 4;
        if (others != expected) {
            std::printf("FAIL %s: %d implementations besides ctnn, expected %d\n", net.c_str(), others, expected);
            ++t.failures;
        }
    }
    std::printf("%d checks, %d failed; largest relative deviation %.2e (%s); tolerance %.0e\n", t.checks, t.failures,
                t.worst, t.worst_what.c_str(), tolerance);
    return t.failures == 0 ? 0 : 1;
}
