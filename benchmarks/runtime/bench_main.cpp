// bench_main.cpp — ctnn_bench_runtime: every implementation on every network
// and workload, named <workload>/<net>/<impl>, grouped so that the
// implementations of one case are adjacent.
#include <algorithm>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "harness.hpp"

int main(int argc, char** argv) {
    bench::registry reg = bench::all_implementations();
    const std::vector<std::string> workloads{"predict1", "forward32", "train1", "train32"};
    const std::vector<std::string> impls{"ctnn", "twin", "eigen_fixed", "eigen_dynamic"};
    std::vector<std::string> nets;
    bench::for_each_case([&](const auto& c) { nets.push_back(c.name); });
    auto index = [](const std::vector<std::string>& v, const std::string& s) {
        return std::find(v.begin(), v.end(), s) - v.begin();
    };
    std::stable_sort(reg.benchmarks.begin(), reg.benchmarks.end(), [&](const auto& a, const auto& b) {
        const auto ka = std::make_tuple(index(workloads, a.workload), index(nets, a.net), index(impls, a.impl));
        const auto kb = std::make_tuple(index(workloads, b.workload), index(nets, b.net), index(impls, b.impl));
        return ka < kb;
    });
    for (auto& e : reg.benchmarks) {
        const std::string name = e.workload + "/" + e.net + "/" + e.impl;
        benchmark::RegisterBenchmark(name.c_str(), e.fn);
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
