// layout.cpp — how much a training step's time depends on where its objects
// sit in memory: the same runner (network, inputs, cache, gradients, as in
// the runtime benchmark) is placed at 16 offsets within a 4 KiB page, and
// each placement is timed (best of 7). Same code, same data; only the
// address modulo 4096 changes, which moves the runner's arrays against the
// step's temporaries on the stack (4K aliasing between their stores and
// loads is the likely cause of the differences).
//
//   g++ -std=c++20 -O3 -march=native -Iinclude benchmarks/micro/layout.cpp -o layout && ./layout
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <new>

#include "runner.hpp"

namespace {
using namespace micro;

/// the step of R at each offset, in ns
template <class R>
void sweep(const char* name, char* page, int n) {
    std::printf("%-14s", name);
    double lo = 1e30, hi = 0;
    for (size_t off = 0; off < 4096; off += 256) {
        R* r = new (page + off) R();
        R* rp = r;
        asm volatile("" : "+r"(rp));  // the compiler does not know the address
        const double ns = best_ns([&] { rp->step(); }, n, 7);
        r->~R();
        lo = std::min(lo, ns);
        hi = std::max(hi, ns);
        std::printf(" %6.1f", ns);
    }
    std::printf("   range %.1f-%.1f ns (%.0f %%)\n", lo, hi, 100 * (hi / lo - 1));
}
} // namespace

int main() {
    const size_t bytes = 1 << 20;
    char* page = static_cast<char*>(std::aligned_alloc(4096, bytes));
    if (!page) return 1;
    std::printf("offset within the page:");
    for (size_t off = 0; off < 4096; off += 256) std::printf(" %6zu", off);
    std::printf("\n");
    sweep<runner<seed, 1, loss::binary_cross_entropy>>("seed batch 1", page, 200000);
    sweep<runner<seed, 32, loss::binary_cross_entropy>>("seed batch 32", page, 100000);
    sweep<runner<big, 1, loss::cross_entropy>>("64-32-10 b1", page, 20000);
    sweep<runner<big, 32, loss::cross_entropy>>("64-32-10 b32", page, 2000);
    std::free(page);
}
