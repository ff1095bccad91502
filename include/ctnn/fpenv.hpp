// fpenv.hpp — flushing subnormal floats to zero for a scope, for real-time code.
//
//   void process(const float* in, float* out) {   // an audio or control callback
//       ctnn::flush_subnormals ftz;                  // until the end of the scope
//       ... net.predict(x) ...
//   }
//
// Subnormal numbers (|x| < 2^-126 for float) take a slow path on most x86 and
// many ARM application cores: a predict whose inputs or activations decay into
// that range (a signal fading out, a recurrent state going quiet) can take
// several times as long, which a deadline cannot allow (docs/realtime.md has
// the figures). With this guard alive the calling thread's floating-point unit
// reads subnormal inputs as zero and writes zero for subnormal results, at
// full speed; the previous mode comes back when the guard is destroyed.
//
// The results then differ from ctnn's usual ones wherever a value was
// subnormal (constant evaluation, which never flushes, included); they stay the
// same everywhere else. The mode is per thread, and a function called inside
// the scope runs with it too. The switch orders memory accesses, not register
// arithmetic: the mode reliably covers what is computed from data read after
// the guard is made and written before it ends (as a callback's buffers are);
// a value the compiler already holds from before the guard may be reused.
//
// Targets: x86 (SSE/AVX arithmetic: MXCSR FTZ and DAZ), AArch64 (FPCR.FZ) and
// 32-bit ARM with a VFP unit such as Cortex-M4F and M7 (FPSCR.FZ). On a core
// without an FPU (Cortex-M0/M3: floats in software) there is no such mode:
// ctnn::can_flush_subnormals is false and the guard does nothing.
#pragma once

#include <ctnn/detail/arch.hpp>

namespace ctnn {

/// whether flush_subnormals changes anything on this target
inline constexpr bool can_flush_subnormals = detail::arch::has_flush_subnormals;

/// Treats subnormal floats as zero, inputs and results, in the calling thread
/// while it lives (see above); restores the previous mode on destruction.
class flush_subnormals {
public:
    flush_subnormals() noexcept : saved_(detail::arch::fp_control()) {
        detail::arch::set_fp_control(saved_ | detail::arch::flush_subnormals_bits);
    }
    ~flush_subnormals() { detail::arch::set_fp_control(saved_); }
    flush_subnormals(const flush_subnormals&) = delete;
    flush_subnormals& operator=(const flush_subnormals&) = delete;

private:
    detail::arch::fp_control_word saved_;
};

} // namespace ctnn
