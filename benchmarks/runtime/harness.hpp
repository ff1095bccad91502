// harness.hpp — the timed loops every implementation shares, and the registry
// through which each implementation's translation unit hands its benchmarks
// (for ctnn_bench_runtime) and its results (for the agreement test) to main.
//
// A runner R (one per implementation and network) is built from a problem and has
//   predict1(k)  -> the output for pool input k (single-sample predict)
//   forward32()  -> whatever keeps the batch-32 cache (by value or in the runner)
//   train1(), train32()  forward + backward + SGD step on X's first 1 / 32 columns
//   prediction(k), output32(), loss32(), params()  plain vectors, for the agreement test
#pragma once

#include <cmath>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include "cases.hpp"

namespace bench {

/// the agreement test's view of one implementation on one network
struct checkable {
    virtual ~checkable() = default;
    /// the output for pool input k
    virtual std::vector<float> prediction(size_t k) = 0;
    /// the output of the batch-32 forward pass, out x batch row-major
    virtual std::vector<float> output32() = 0;
    /// the loss of that output against Y
    virtual float loss32() = 0;
    /// one train32 step
    virtual void train32() = 0;
    /// W and b of every layer, row-major (W0, b0, W1, b1, ...)
    virtual std::vector<std::vector<float>> params() = 0;
};

struct entry {
    std::string workload, net, impl;
    std::function<void(benchmark::State&)> fn;
};

struct registry {
    std::vector<entry> benchmarks;
    /// (network name, implementation name, factory)
    struct maker {
        std::string net, impl;
        std::shared_ptr<const problem> prob;  ///< the problem the benchmarks use
        std::function<std::unique_ptr<checkable>(const problem&)> make;
    };
    std::vector<maker> impls;
};

void add_ctnn(registry&);
void add_twin(registry&);
void add_eigen_fixed(registry&);
void add_eigen_fixed_sweep(registry&);
void add_eigen_dynamic(registry&);

/// the whole registry, implementations in report order
inline registry all_implementations() {
    registry r;
    add_ctnn(r);
    add_twin(r);
    add_eigen_fixed(r);
    add_eigen_fixed_sweep(r);
    add_eigen_dynamic(r);
    return r;
}

inline bool all_finite(const std::vector<std::vector<float>>& ps) {
    for (const auto& p : ps)
        for (float v : p)
            if (!std::isfinite(v)) return false;
    return true;
}

template <class R>
struct checkable_runner final : checkable {
    std::unique_ptr<R> r;
    explicit checkable_runner(const problem& p) : r(std::make_unique<R>(p)) {}
    std::vector<float> prediction(size_t k) override { return r->prediction(k); }
    std::vector<float> output32() override { return r->output32(); }
    float loss32() override { return r->loss32(); }
    void train32() override { r->train32(); }
    std::vector<std::vector<float>> params() override { return r->params(); }
};

inline void set_flops(benchmark::State& st, const problem& p, bool train, size_t M) {
    st.counters["flops"] = benchmark::Counter(flops(p, train, M), benchmark::Counter::kIsIterationInvariantRate);
}

// Compiler barriers of our own instead of benchmark::DoNotOptimize and
// ClobberMemory. For a non-const lvalue, libbenchmark 1.7's GCC form of
// DoNotOptimize is asm("" : "+m,r"(x) : : "memory"), and g++ 12 miscompiles
// that two-alternative constraint in run_train (-O3 -march=x86-64-v3): the
// loop read the runner's pointer from a stack slot nothing had written, and
// the training step wrote over the benchmark library's heap. These use one
// plain constraint each, which GCC and Clang document and agree on.

/// the compiler must assume that the asm reads and writes *p, and everything
/// reachable from it: *p is in memory with its current value here, and it may
/// have changed afterwards
template <class T>
inline void escape(T* p) noexcept {
    asm volatile("" : : "r"(p) : "memory");
}
/// the compiler must assume that any memory may have been read and written here
inline void clobber() noexcept { asm volatile("" : : : "memory"); }

// The timed loops. The runner lives on the heap and its address escapes, so
// after each clobber() the compiler must assume that its weights and inputs
// may have changed: nothing is hoisted out of the loop or constant-folded,
// and every training step is really done (its weights are read again by the
// next iteration). Each result is escaped, so it is really computed.

template <class R>
void run_predict1(benchmark::State& st, const problem& p) {
    auto r = std::make_unique<R>(p);
    R* const rp = r.get();
    escape(rp);
    size_t k = 0;
    for (auto _ : st) {
        auto&& y = rp->predict1(k);
        escape(&y);
        k = (k + 1) % pool_size;
        clobber();
    }
    set_flops(st, p, false, 1);
}

template <class R>
void run_forward32(benchmark::State& st, const problem& p) {
    auto r = std::make_unique<R>(p);
    R* const rp = r.get();
    escape(rp);
    for (auto _ : st) {
        auto&& c = rp->forward32();
        escape(&c);
        clobber();
    }
    set_flops(st, p, false, batch);
}

template <class R, size_t M>
void run_train(benchmark::State& st, const problem& p) {
    auto r = std::make_unique<R>(p);
    R* const rp = r.get();
    escape(rp);
    for (auto _ : st) {
        if constexpr (M == 1) rp->train1();
        else rp->train32();
        clobber();
    }
    if (!all_finite(rp->params())) st.SkipWithError("training diverged: non-finite parameters");
    set_flops(st, p, true, M);
}

/// which networks an add_implementation call covers (a translation unit may
/// take only a part, so that a slow-to-compile implementation builds on two cores)
enum class part { all, named, sweep };

/// registers implementation `impl` (runner template Runner<net_case>) for the networks of `Part`
template <template <class> class Runner, part Part = part::all>
void add_implementation(registry& reg, const std::string& impl) {
    for_each_case([&](auto c) {
        using C = decltype(c);
        if constexpr ((Part == part::named && C::sweep) || (Part == part::sweep && !C::sweep)) {
            return;
        } else {
            using R = Runner<C>;
            auto prob = std::make_shared<problem>(make_problem<typename C::net, typename C::loss>(c.name));
            auto add = [&](const char* workload, void (*fn)(benchmark::State&, const problem&)) {
                reg.benchmarks.push_back({workload, c.name, impl, [prob, fn](benchmark::State& st) { fn(st, *prob); }});
            };
            add("predict1", &run_predict1<R>);
            if constexpr (!C::sweep) {
                add("forward32", &run_forward32<R>);
                add("train1", &run_train<R, 1>);
            }
            add("train32", &run_train<R, batch>);
            reg.impls.push_back({c.name, impl, prob, [](const problem& q) {
                                     return std::unique_ptr<checkable>(std::make_unique<checkable_runner<R>>(q));
                                 }});
        }
    });
}

} // namespace bench
