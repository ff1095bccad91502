// infer_moons.cpp — inference from flash: the 2-3-3-1 network trained on the
// host (export_moons.cpp) and exported with ctnn::io::write_header is compiled
// in as `constexpr` data (models::moons, in .rodata: flash, never copied to
// RAM). The firmware classifies a fixed 8 x 4 grid of points, one sample at a
// time. ctnn's float exp (the sigmoid) is its own branch-free code on every
// target, and the firmware and its host twin are built with -ffp-contract=off
// (no fused multiply-adds), so the predictions are the same bits on both; the
// test compares the two outputs exactly.
//
// CTNN_FW_PRINTF=1: prints each point, its class, its probability and the
//   probability's bit pattern.
// CTNN_FW_PRINTF=0: no printf, no C library start-up: the exit status is a
//   checksum of the 32 predictions' bit patterns (1..127), compared with the
//   host twin's; this build links no malloc or _sbrk (checked with nm). Its
//   only output is the target's stack figure, by one semihosting write.
// CTNN_FW_BASELINE=1: the same program with the network call removed (size
//   report only).
#include <bit>
#include <cstdint>
#include <type_traits>

#include <ctnn/ctnn.hpp>

#include "board.hpp"
#include "moons_net.hpp"  // generated: inline constexpr ctnn::network<...> models::moons{...};
#include "seed_net.hpp"

#if CTNN_FW_PRINTF
#include <cstdio>
#endif
#include "firmware_io.hpp"

// a network of another shape or type is a compile error here, not a wrong answer
static_assert(std::is_same_v<std::remove_cvref_t<decltype(models::moons)>, seed_net>,
              "the generated models::moons is not the seed network");
// inference keeps its parameters in flash: RAM is the stack only
static_assert(ctnn::fits_ram_budget<seed_net::parameter_bytes, board::network_ram_budget>());

namespace {
constexpr int grid_x = 8, grid_y = 4;
/// grid point (i, j): x = -1.25 + 0.5 i, y = -0.75 + 0.5 j, exact in float
constexpr float point_x(int i) { return -1.25f + 0.5f * static_cast<float>(i); }
constexpr float point_y(int j) { return -0.75f + 0.5f * static_cast<float>(j); }

#if !CTNN_FW_BASELINE
/// the network's code, out of line under a fixed name for the size report
[[gnu::noinline]] float ctnn_fw_predict(float x, float y) {
    const ctnn::matrix<float, 2, 1> in{{x, y}};
    return models::moons.predict(in)(0, 0);
}
#else
volatile float opaque = 0.5f;
[[gnu::noinline]] float ctnn_fw_predict(float x, float y) { return opaque * x + y; }
#endif
} // namespace

int main() {
    // as a real-time loop should: subnormals are zero, so no input slows a
    // prediction down (M4F: FPSCR.FZ; the host twin: MXCSR; M3: nothing to set)
    const ctnn::flush_subnormals ftz;
    std::uint32_t hash = 2166136261u;  // FNV-1a over the predictions' bits
    int positives = 0;
    for (int j = 0; j < grid_y; ++j)
        for (int i = 0; i < grid_x; ++i) {
            const float p = ctnn_fw_predict(point_x(i), point_y(j));
            const auto bits = std::bit_cast<std::uint32_t>(p);
            for (int k = 0; k < 4; ++k) hash = (hash ^ ((bits >> (8 * k)) & 0xffu)) * 16777619u;
            positives += p >= 0.5f;
#if CTNN_FW_PRINTF
            std::printf("%+.2f %+.2f -> class %d  p %.7f  bits %08lx\n", double(point_x(i)), double(point_y(j)),
                        p >= 0.5f ? 1 : 0, double(p), static_cast<unsigned long>(bits));
#endif
        }
#if CTNN_FW_PRINTF
    std::printf("class 1: %d of %d points; checksum %08lx\n", positives, grid_x * grid_y,
                static_cast<unsigned long>(hash));
    std::fflush(stdout);
    board_report_stack();
    return 0;
#else
    (void)positives;
    board_report_stack();
    return 1 + static_cast<int>(hash % 127u);
#endif
}
