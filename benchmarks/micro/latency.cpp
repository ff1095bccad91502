// latency.cpp — the latencies this machine's core gives the instructions on a
// single-sample training step's dependency chain (README, Speed: why the
// batch-1 step is not 5× the twin). Each figure is a loop-carried chain of one
// instruction (or one store and the load of the same address), timed over
// 10^8 iterations; cycles are ns divided by the ns of a chain of dependent
// vaddss, taken as 3 cycles (Zen 4; AMD's optimization guide gives 3). Not a
// CTest test. Build and run on x86-64 with AVX-512DQ:
//   g++ -std=c++20 -O2 -march=native benchmarks/micro/latency.cpp -o /tmp/latency && /tmp/latency
#include <chrono>
#include <cstdio>

namespace {
constexpr long n = 100'000'000;
template <class F>
double ns_per_iteration(F f) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    const auto t1 = std::chrono::steady_clock::now();
    return std::chrono::duration<double, std::nano>(t1 - t0).count() / n;
}
} // namespace

int main() {
    float x = 1.0f, y = 1e-9f, one = 1.0f;
    alignas(64) static float mem[16] = {1.0f};
    float* p = mem;
    const double add = ns_per_iteration([&] {
        for (long i = 0; i < n; ++i) asm volatile("vaddss %1, %0, %0" : "+x"(x) : "x"(y));
    });
    const double cycle = add / 3;
    const auto row = [&](const char* what, double ns) { std::printf("%-58s %5.2f ns  %5.1f cycles\n", what, ns, ns / cycle); };
    row("vaddss (the unit: 3 cycles)", add);
    row("vmulss", ns_per_iteration([&] {
        for (long i = 0; i < n; ++i) asm volatile("vmulss %1, %0, %0" : "+x"(x) : "x"(one));
    }));
    row("vfmadd231ss", ns_per_iteration([&] {
        for (long i = 0; i < n; ++i) asm volatile("vfmadd231ss %1, %2, %0" : "+x"(x) : "x"(y), "x"(one));
    }));
    row("vmaxss", ns_per_iteration([&] {
        for (long i = 0; i < n; ++i) asm volatile("vmaxss %1, %0, %0" : "+x"(x) : "x"(y));
    }));
    row("vdivss", ns_per_iteration([&] {
        for (long i = 0; i < n; ++i) asm volatile("vdivss %1, %0, %0" : "+x"(x) : "x"(one));
    }));
#if defined(__AVX512DQ__)
    row("vrangess", ns_per_iteration([&] {
        for (long i = 0; i < n; ++i) asm volatile("vrangess $2, %1, %0, %0" : "+v"(x) : "v"(one));
    }));
#endif
    row("vmovd to a register and back", ns_per_iteration([&] {
        int r;
        for (long i = 0; i < n; ++i) asm volatile("vmovd %0, %1\n\tvmovd %1, %0" : "+x"(x), "=r"(r));
    }));
    // a weight through memory: loaded at the top of a step, stored at its end
    // (the same base register and offset), with 5 dependent vaddss between
    const double in_register = ns_per_iteration([&] {
        for (long i = 0; i < n; ++i)
            asm volatile("vaddss %1, %0, %0\n\tvaddss %1, %0, %0\n\tvaddss %1, %0, %0\n\t"
                         "vaddss %1, %0, %0\n\tvaddss %1, %0, %0"
                         : "+x"(x)
                         : "x"(y));
    });
    const double through_memory = ns_per_iteration([&] {
        for (long i = 0; i < n; ++i)
            asm volatile("vmovss 8(%1), %%xmm1\n\tvaddss %2, %%xmm1, %%xmm1\n\tvaddss %2, %%xmm1, %%xmm1\n\t"
                         "vaddss %2, %%xmm1, %%xmm1\n\tvaddss %2, %%xmm1, %%xmm1\n\tvaddss %2, %%xmm1, %%xmm1\n\t"
                         "vmovss %%xmm1, 8(%1)"
                         : "+x"(x)
                         : "r"(p), "x"(y)
                         : "memory", "xmm1");
    });
    row("a float stored and loaded again (same base and offset)", through_memory - in_register);
    const double vector_through_memory = ns_per_iteration([&] {
        for (long i = 0; i < n; ++i)
            asm volatile("vmovups 32(%0), %%ymm1\n\tvaddps %%ymm1, %%ymm1, %%ymm1\n\tvaddps %%ymm1, %%ymm1, %%ymm1\n\t"
                         "vaddps %%ymm1, %%ymm1, %%ymm1\n\tvaddps %%ymm1, %%ymm1, %%ymm1\n\tvaddps %%ymm1, %%ymm1, %%ymm1\n\t"
                         "vmovups %%ymm1, 32(%0)"
                         :
                         : "r"(p)
                         : "memory", "xmm1");
    });
    row("a 32-byte vector stored and loaded again (same base and offset)", vector_through_memory - in_register);
    return x > 1e30f;
}
