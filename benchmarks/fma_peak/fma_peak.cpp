// fma_peak.cpp — this machine's single-core float FMA throughput, the peak the
// report compares ctnn's FLOP/s with. Independent chains of fused
// multiply-adds (more chains than FMA latency x FMA units, so the FMA units
// are never idle) at each vector width the CPU has: 256-bit (AVX2 + FMA) and
// 512-bit (AVX-512F). Each accumulator is its own local variable and an empty
// asm statement per step keeps it in a register and stops the compiler from
// folding the chains. Timed in thread CPU time. Prints JSON: for each width the best and the median
// GFLOP/s over the repetitions (1 FMA = 2 FLOP per lane).
//
// Build: g++ -O3 -march=native fma_peak.cpp -o fma_peak
#include <immintrin.h>

#include <algorithm>
#include <ctime>
#include <cstdio>
#include <vector>

namespace {

// This thread's CPU time: on a shared machine, time the process spent
// descheduled is not counted (as Google Benchmark's cpu_time).
double cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

constexpr long iterations = 20'000'000;
constexpr int repetitions = 15;
volatile float sink;

#define CTNN_FMA_CHAINS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)
constexpr int chains = 12;  // 12 accumulators + 2 operands fit in AVX2's 16 ymm registers

__attribute__((target("avx2,fma"))) double run256() {
    const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
#define CTNN_INIT(k) __m256 acc##k = _mm256_set1_ps(0.001f * k);
    CTNN_FMA_CHAINS(CTNN_INIT)
    const double t0 = cpu_seconds();
    for (long i = 0; i < iterations; ++i) {
#define CTNN_STEP(k) acc##k = _mm256_fmadd_ps(acc##k, a, b); __asm__ volatile("" : "+x"(acc##k));
        CTNN_FMA_CHAINS(CTNN_STEP)
    }
    const double t1 = cpu_seconds();
    __m256 s = _mm256_setzero_ps();
#define CTNN_SUM(k) s = _mm256_add_ps(s, acc##k);
    CTNN_FMA_CHAINS(CTNN_SUM)
    alignas(32) float lanes[8];
    _mm256_store_ps(lanes, s);
    sink = lanes[0];
    return 2.0 * 8 * chains * static_cast<double>(iterations) / (t1 - t0) / 1e9;
}

__attribute__((target("avx512f"))) double run512() {
    const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
#undef CTNN_INIT
#define CTNN_INIT(k) __m512 acc##k = _mm512_set1_ps(0.001f * k);
    CTNN_FMA_CHAINS(CTNN_INIT)
    const double t0 = cpu_seconds();
    for (long i = 0; i < iterations; ++i) {
#undef CTNN_STEP
#define CTNN_STEP(k) acc##k = _mm512_fmadd_ps(acc##k, a, b); __asm__ volatile("" : "+v"(acc##k));
        CTNN_FMA_CHAINS(CTNN_STEP)
    }
    const double t1 = cpu_seconds();
    __m512 s = _mm512_setzero_ps();
#undef CTNN_SUM
#define CTNN_SUM(k) s = _mm512_add_ps(s, acc##k);
    CTNN_FMA_CHAINS(CTNN_SUM)
    alignas(64) float lanes[16];
    _mm512_store_ps(lanes, s);
    sink = lanes[0];
    return 2.0 * 16 * chains * static_cast<double>(iterations) / (t1 - t0) / 1e9;
}

void report(const char* name, int bits, double (*run)(), bool last) {
    std::vector<double> g;
    for (int r = 0; r < repetitions; ++r) g.push_back(run());
    std::sort(g.begin(), g.end());
    std::printf("  {\"width\": \"%s\", \"bits\": %d, \"float_lanes\": %d, \"chains\": %d, \"best_gflops\": %.3f, "
                "\"median_gflops\": %.3f, \"min_gflops\": %.3f, \"repetitions\": %d}%s\n",
                name, bits, bits / 32, chains, g.back(), g[g.size() / 2], g.front(), repetitions, last ? "" : ",");
}

}  // namespace

int main() {
    __builtin_cpu_init();
    const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    const bool avx512 = __builtin_cpu_supports("avx512f");
    std::printf("{\"iterations\": %ld, \"widths\": [\n", iterations);
    if (avx2) report("avx2-fma-256", 256, run256, !avx512);
    if (avx512) report("avx512f-512", 512, run512, true);
    std::printf("]}\n");
    return avx2 || avx512 ? 0 : 1;
}
