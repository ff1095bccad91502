// config.hpp — version numbers and the few CTNN_ macros every other header relies on.
#pragma once

#include <cstddef>

#define CTNN_VERSION_MAJOR 0
#define CTNN_VERSION_MINOR 1
#define CTNN_VERSION_PATCH 0

/// Largest number of multiply-adds in one matrix kernel that is emitted as
/// straight-line code (index-sequence folds) instead of loops. Tiny networks
/// then compile to loop-free code at -O2; big matrices keep compact loops so
/// that compile time and code size stay bounded. Element-wise passes unroll
/// up to a quarter of it (kernels.hpp: unroll_elements).
#ifndef CTNN_UNROLL_LIMIT
#define CTNN_UNROLL_LIMIT 256
#endif

/// Marks every function and lambda of the core: a training step or a predict
/// call is inlined into its caller as one block, so that tiny networks become
/// straight-line code with no calls (tests/codegen checks it) and wide ones
/// keep only their kernels' loops. (GCC and Clang inline only what is worth it
/// by their own estimate otherwise, and leave kernels of a few instructions
/// out of line.) Unoptimised builds inline nothing, so that they stay
/// debuggable and fast to compile (forcing it at -O0 under AddressSanitizer
/// made one test file take 7 minutes and 7 GB to compile).
#if (defined(__GNUC__) || defined(__clang__)) && defined(__OPTIMIZE__)
#define CTNN_INLINE __attribute__((always_inline))
#else
#define CTNN_INLINE
#endif

/// Float exp and tanh (the activations' functions) are always ctnn's own,
/// branch-free float code (math.hpp): the same bits at compile time, at run time
/// and on every IEEE-754 target compiled without fused multiply-adds
/// (-ffp-contract=off). With CTNN_PORTABLE_MATH 1, the remaining functions
/// (double exp and tanh, expm1, log, sqrt) also use ctnn's own implementations
/// at run time instead of <cmath>; they compute in double, which costs time and
/// code on a single-precision FPU. Default 0.
#ifndef CTNN_PORTABLE_MATH
#define CTNN_PORTABLE_MATH 0
#endif

/// Bytes of one SIMD register the run-time kernels are blocked for; 0 selects
/// the plain loops (e.g. Cortex-M). Define it to override the detection.
#ifndef CTNN_SIMD_BYTES
#if defined(__AVX__)
#define CTNN_SIMD_BYTES 32
#elif defined(__SSE2__) || defined(__ARM_NEON) || defined(__ALTIVEC__)
#define CTNN_SIMD_BYTES 16
#else
#define CTNN_SIMD_BYTES 0
#endif
#endif

/// Bytes of the widest register for long element-wise passes of exp and tanh
/// (twice CTNN_SIMD_BYTES on AVX-512 hardware: half the instructions), else
/// CTNN_SIMD_BYTES. Only ever a width the target has registers for, so no
/// vector crosses a function boundary in a way the ABI would pass in memory.
#ifndef CTNN_SIMD_WIDE_BYTES
#if defined(__AVX512F__) && CTNN_SIMD_BYTES == 32
#define CTNN_SIMD_WIDE_BYTES 64
#else
#define CTNN_SIMD_WIDE_BYTES CTNN_SIMD_BYTES
#endif
#endif

/// Alignment, in bytes, of every matrix whose size is a multiple of it (so that
/// no matrix grows; structs of matrices may get padding after a smaller one).
/// Vector loads and stores of an aligned matrix never straddle a cache line
/// (docs/performance-notes.md). It depends on the architecture only, never on -m flags, so objects
/// built with different SIMD levels agree on every layout. 0: alignof(T) only
/// (microcontrollers: no padding in RAM).
#ifndef CTNN_ALIGN_BYTES
#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__)
#define CTNN_ALIGN_BYTES 32
#elif defined(__aarch64__)
#define CTNN_ALIGN_BYTES 16
#else
#define CTNN_ALIGN_BYTES 0
#endif
#endif

/// forward_into() with a cache larger than this many bytes ends by telling the
/// compiler that the cache may have changed, so that the backward pass reads it
/// from memory. Otherwise the compilers keep the forward pass's results in
/// registers for the backward pass and, with more of them than there are
/// registers, spill most of them to the stack (docs/performance-notes.md). A
/// smaller cache (a single-sample step) fits in registers, and reloading it
/// would only lengthen the step's dependency chain. The value form forward(X)
/// is left alone: its cache is the caller's local, which need not be in
/// memory at all. -1: never.
#ifndef CTNN_REREAD_CACHE_BYTES
#define CTNN_REREAD_CACHE_BYTES 1024
#endif

/// Marks the float exp/tanh helpers: inlined (so activation loops vectorise)
/// on targets with SIMD; left to the compiler elsewhere, where one shared copy
/// keeps microcontroller code small.
#if CTNN_SIMD_BYTES > 0
#define CTNN_MATH_INLINE CTNN_INLINE
#else
#define CTNN_MATH_INLINE
#endif

/// Fused multiply-adds. ctnn's results are the same bits at compile time, at
/// run time, in every build and on every IEEE-754 target only when the
/// compiler does not fuse a * b + c into one rounding (README: bit identity).
/// GCC fuses by default wherever the target has FMA instructions (x86 with
/// -mfma or -march=haswell and later, every AArch64, Cortex-M4F/M7), in every
/// -std mode, and Clang within each expression; no macro tells whether it
/// will. So on such a target the build must say which it wants:
///   CTNN_FP_CONTRACT=0 with -ffp-contract=off: bit identity (what the
///     ctnn::ctnn CMake target gives every target that links it);
///   CTNN_FP_CONTRACT=1: the compiler's contraction, accepted. Batched
///     products are faster; a sample's result still does not depend on its
///     batch (docs/layers.md; with g++ given --param=avoid-fma-max-bits=0,
///     which the CMake target adds: its AMD Zen tuning fuses 512-bit sums
///     and not 256-bit ones, docs/realtime.md), but it may differ in the last
///     bits from constant evaluation and from a target without FMA.
/// Without FMA instructions there is nothing to fuse, and the default is 0.
#ifndef CTNN_FP_CONTRACT
#if (defined(__GNUC__) || defined(__clang__)) &&                                                                  \
    (defined(__FMA__) || defined(__ARM_FEATURE_FMA) || defined(__FP_FAST_FMA) || defined(__FP_FAST_FMAF))
#error "ctnn: this target has fused multiply-adds, which the compiler may use and so change results in the last bits: build with -ffp-contract=off -DCTNN_FP_CONTRACT=0 for bit-identical results (the ctnn::ctnn CMake target does), or with -DCTNN_FP_CONTRACT=1 to accept fused ones"
#endif
#define CTNN_FP_CONTRACT 0
#endif

namespace ctnn {
/// Sizes and indices throughout the library.
using std::size_t;
} // namespace ctnn
