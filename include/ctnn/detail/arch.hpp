// detail/arch.hpp — the core's only target-specific code: inline asm and
// intrinsics, each behind a function the portable code calls, with a
// has_... constant that says whether this target has it. Everything else in
// the library is portable C++ (and GCC/Clang vector extensions). See
// docs/performance-notes.md for what each one is measured to pay.
#pragma once

#include <type_traits>

#include <ctnn/config.hpp>

#if defined(__SSE2__) && (defined(__GNUC__) || defined(__clang__))
// SSE2's header only: <immintrin.h> costs every includer about 0.4 s of
// compile time; the few 32-byte operations are the compilers' builtins
// (the ones their own AVX headers wrap), which GCC and Clang share.
#include <emmintrin.h>
#define CTNN_ARCH_X86 1
#else
#define CTNN_ARCH_X86 0
#endif

namespace ctnn::detail::arch {

#if CTNN_ARCH_X86 && defined(__AVX__)
typedef float f32x8 __attribute__((vector_size(32)));
typedef double f64x4 __attribute__((vector_size(32)));
#endif

/// Tells the compiler that obj may have changed here, so that what follows
/// reads it from memory (config.hpp: CTNN_REREAD_CACHE_BYTES). It emits no
/// instruction and writes nothing.
template <class O>
CTNN_INLINE inline void reread([[maybe_unused]] O& obj) noexcept {
#if defined(__GNUC__) || defined(__clang__)
    __asm__ volatile("" : "+m"(obj));
#endif
}

/// v, rounded to its type here: the compiler may not fuse the operation that
/// made v with the one that uses it. (GCC's default -ffp-contract=fast fuses
/// a multiplication into an addition across statements, and in p1 + p2 with
/// two products it fuses either one, depending on the code around it.) An
/// empty asm statement that takes v in a vector register, in two halves if it
/// is wider than one; nothing in constant evaluation, which never fuses, nor
/// with Clang, which fuses only within one expression.
template <class V>
CTNN_INLINE constexpr void keep_rounded([[maybe_unused]] V& v) noexcept {
#if defined(__GNUC__) && !defined(__clang__) && (defined(__x86_64__) || defined(__aarch64__))
    if (std::is_constant_evaluated()) return;
#if defined(__AVX512F__)
    constexpr size_t widest = 64;
#elif defined(__AVX__)
    constexpr size_t widest = 32;
#else
    constexpr size_t widest = 16;
#endif
    if constexpr (!std::is_arithmetic_v<V> && sizeof(V) > widest) {
        typedef std::remove_cvref_t<decltype(v[0])> half __attribute__((vector_size(sizeof(V) / 2)));
        half h[2];
        __builtin_memcpy(h, &v, sizeof(V));
        keep_rounded(h[0]);
        keep_rounded(h[1]);
        __builtin_memcpy(&v, h, sizeof(V));
    } else {
#if defined(__x86_64__) && defined(__AVX512F__)
        __asm__("" : "+v"(v));
#elif defined(__x86_64__)
        __asm__("" : "+x"(v));
#else
        __asm__("" : "+w"(v));
#endif
    }
#endif
}

// ---------------------------------------------------------------------------
// ReLU: max(z, +0) and (0 < z ? d : +0), scalars and vectors.

/// whether max0 and mask_positive take a V (float, double or a vector of them) here
template <class V>
inline constexpr bool has_relu = [] {
#if CTNN_ARCH_X86
    if constexpr (std::is_arithmetic_v<V>) {
        return std::is_same_v<V, float> || std::is_same_v<V, double>;
    } else {
        return sizeof(V) == 16 || (sizeof(V) == 32 && CTNN_SIMD_BYTES >= 32);
    }
#else
    return false;
#endif
}();

#if CTNN_ARCH_X86
/// z > 0 ? z : +0 as maxps/maxpd (a NaN or -0 gives +0: the second operand).
/// Vectors get the one instruction (the compilers would emit a compare and a
/// blend, and GCC on AVX-512 then keeps the compare's mask alive for the
/// backward pass and spills it). A scalar as the instruction itself with GCC,
/// which widens a scalar for an intrinsic by zeroing the other lanes first.
template <class V>
CTNN_INLINE inline V max0(V z) noexcept {
    if constexpr (!std::is_arithmetic_v<V>) {
        using E = std::remove_cvref_t<decltype(z[0])>;
        if constexpr (std::is_same_v<E, float> && sizeof(V) == 16) {
            return (V)_mm_max_ps((__m128)z, __m128{});
        } else if constexpr (std::is_same_v<E, double> && sizeof(V) == 16) {
            return (V)_mm_max_pd((__m128d)z, __m128d{});
#if defined(__AVX__)
        } else if constexpr (std::is_same_v<E, float>) {
            return (V)__builtin_ia32_maxps256((f32x8)z, f32x8{});
        } else {
            return (V)__builtin_ia32_maxpd256((f64x4)z, f64x4{});
#endif
        }
#if defined(__clang__)
    } else if constexpr (std::is_same_v<V, float>) {
        return _mm_cvtss_f32(_mm_max_ss(_mm_set_ss(z), _mm_setzero_ps()));
    } else {
        return _mm_cvtsd_f64(_mm_max_sd(_mm_set_sd(z), _mm_setzero_pd()));
#else
    } else {
        V r;
#if defined(__AVX__)
        if constexpr (sizeof(V) == 4) {
            __asm__("vmaxss %2, %1, %0" : "=x"(r) : "x"(z), "x"(V(0)));
        } else {
            __asm__("vmaxsd %2, %1, %0" : "=x"(r) : "x"(z), "x"(V(0)));
        }
#else
        r = z;
        if constexpr (sizeof(V) == 4) {
            __asm__("maxss %1, %0" : "+x"(r) : "x"(V(0)));
        } else {
            __asm__("maxsd %1, %0" : "+x"(r) : "x"(V(0)));
        }
#endif
        return r;
#endif
    }
}

/// z > 0 ? d : +0 through a compare mask and an AND, never a branch (GCC
/// turns a scalar select, and even a product with a selected 0 or 1, into jumps)
template <class V>
CTNN_INLINE inline V mask_positive(V z, V d) noexcept {
    if constexpr (!std::is_arithmetic_v<V>) {
        using M = decltype(z > V{});
        return (V)((z > V{}) & (M)d);
#if defined(__clang__)
    } else if constexpr (std::is_same_v<V, float>) {
        return _mm_cvtss_f32(_mm_and_ps(_mm_cmplt_ss(_mm_setzero_ps(), _mm_set_ss(z)), _mm_set_ss(d)));
    } else {
        return _mm_cvtsd_f64(_mm_and_pd(_mm_cmplt_sd(_mm_setzero_pd(), _mm_set_sd(z)), _mm_set_sd(d)));
#else
    } else {
        V r;
#if defined(__AVX__)
        if constexpr (sizeof(V) == 4) {
            __asm__("vcmpltss %2, %3, %0\n\tvandps %1, %0, %0" : "=&x"(r) : "x"(d), "x"(z), "x"(V(0)));
        } else {
            __asm__("vcmpltsd %2, %3, %0\n\tvandpd %1, %0, %0" : "=&x"(r) : "x"(d), "x"(z), "x"(V(0)));
        }
#else
        if constexpr (sizeof(V) == 4) {
            __asm__("xorps %0, %0\n\tcmpltss %2, %0\n\tandps %1, %0" : "=&x"(r) : "x"(d), "x"(z));
        } else {
            __asm__("xorpd %0, %0\n\tcmpltsd %2, %0\n\tandpd %1, %0" : "=&x"(r) : "x"(d), "x"(z));
        }
#endif
        return r;
#endif
    }
}
#else
template <class V>
CTNN_INLINE inline V max0(V z) noexcept {
    return z;
}
template <class V>
CTNN_INLINE inline V mask_positive(V, V d) noexcept {
    return d;
}
#endif

// ---------------------------------------------------------------------------
// The sigmoid's one limit, |x| <= 104 with x's sign, on a float or a float vector.

/// whether limit_104 takes V (a float, or a float vector of sizeof(V) bytes) here
template <class V>
inline constexpr bool has_limit_104 = [] {
#if CTNN_ARCH_X86 && defined(__AVX512DQ__)
    return std::is_same_v<V, float> || sizeof(V) == 16 || sizeof(V) == 32 || sizeof(V) == 64;
#elif CTNN_ARCH_X86 && defined(__AVX__)
    return std::is_same_v<V, float> || sizeof(V) == 16 || sizeof(V) == 32;
#elif CTNN_ARCH_X86
    return std::is_same_v<V, float> || sizeof(V) == 16;
#else
    return false;
#endif
}();

#if CTNN_ARCH_X86
/// x limited to |x| <= 104 with x's sign: vrangeps with AVX-512DQ (the smaller
/// magnitude of x and 104 in one instruction; a NaN gives ±104), else maxps then minps
/// (a NaN gives -104); the caller carries a NaN separately
template <class V>
CTNN_INLINE inline V limit_104(V x) noexcept {
#if defined(__AVX512DQ__) && defined(__AVX512VL__)
    constexpr bool range_ps = sizeof(V) > 4;  // vrangeps on 16, 32 and 64 bytes
#elif defined(__AVX512DQ__)
    constexpr bool range_ps = sizeof(V) == 64;
#else
    constexpr bool range_ps = false;
#endif
    V xc;
    if constexpr (std::is_same_v<V, float>) {
        // the scalar instructions themselves: an intrinsic would first widen
        // x to a vector (a vinsertps on the chain with GCC)
#if defined(__AVX512DQ__)
        __asm__("vrangess $2, %2, %1, %0" : "=v"(xc) : "v"(x), "v"(104.0f));
#elif defined(__AVX__)
        __asm__("vmaxss %2, %1, %0\n\tvminss %3, %0, %0" : "=&x"(xc) : "x"(x), "x"(-104.0f), "x"(104.0f));
#else
        xc = x;
        __asm__("maxss %1, %0\n\tminss %2, %0" : "+x"(xc) : "x"(-104.0f), "x"(104.0f));
#endif
    } else if constexpr (range_ps) {
#if defined(__AVX512DQ__)
        __asm__("vrangeps $2, %2, %1, %0" : "=v"(xc) : "v"(x), "vm"(V{} + 104.0f));
#endif
    } else if constexpr (sizeof(V) == 16) {
        xc = (V)_mm_min_ps(_mm_max_ps((__m128)x, (__m128)(V{} - 104.0f)), (__m128)(V{} + 104.0f));
    } else {
#if defined(__AVX__)
        xc = (V)__builtin_ia32_minps256(__builtin_ia32_maxps256((f32x8)x, (f32x8)(V{} - 104.0f)), (f32x8)(V{} + 104.0f));
#endif
    }
    return xc;
}
#else
template <class V>
CTNN_INLINE inline V limit_104(V x) noexcept {
    return x;
}
#endif

/// The floating-point control register of the calling thread, and its bits
/// that make the unit treat subnormal inputs as zero and flush subnormal
/// results to zero (fpenv.hpp). x86: MXCSR's FTZ (bit 15) and DAZ (bit 6), for
/// the SSE/AVX arithmetic the compilers use for float and double (not the x87
/// unit, which 32-bit x86 without SSE uses). AArch64: FPCR.FZ (bit 24).
/// 32-bit ARM with a VFP unit (Cortex-M4F, M7, A-class): FPSCR.FZ (bit 24).
/// Elsewhere (no FPU: software floats, which have no such mode) none. Each
/// access is a volatile asm with a memory clobber: the compilers assume the
/// default floating-point mode and would otherwise move arithmetic across the
/// switch, or reuse a result computed before it (clang did, in a test).
#if CTNN_ARCH_X86
inline constexpr bool has_flush_subnormals = true;
using fp_control_word = unsigned;
inline constexpr fp_control_word flush_subnormals_bits = 0x8040;
inline fp_control_word fp_control() noexcept {
    fp_control_word v;
    __asm__ volatile("stmxcsr %0" : "=m"(v) : : "memory");
    return v;
}
inline void set_fp_control(fp_control_word v) noexcept { __asm__ volatile("ldmxcsr %0" : : "m"(v) : "memory"); }
#elif defined(__aarch64__) && (defined(__GNUC__) || defined(__clang__))
inline constexpr bool has_flush_subnormals = true;
using fp_control_word = unsigned long long;
inline constexpr fp_control_word flush_subnormals_bits = 1ULL << 24;
inline fp_control_word fp_control() noexcept {
    fp_control_word v;
    __asm__ volatile("mrs %0, fpcr" : "=r"(v) : : "memory");
    return v;
}
inline void set_fp_control(fp_control_word v) noexcept { __asm__ volatile("msr fpcr, %0" : : "r"(v) : "memory"); }
#elif defined(__arm__) && defined(__ARM_FP) && (defined(__GNUC__) || defined(__clang__))
inline constexpr bool has_flush_subnormals = true;
using fp_control_word = unsigned;
inline constexpr fp_control_word flush_subnormals_bits = 1U << 24;
inline fp_control_word fp_control() noexcept {
    fp_control_word v;
    __asm__ volatile("vmrs %0, fpscr" : "=r"(v) : : "memory");
    return v;
}
inline void set_fp_control(fp_control_word v) noexcept { __asm__ volatile("vmsr fpscr, %0" : : "r"(v) : "memory"); }
#else
inline constexpr bool has_flush_subnormals = false;
using fp_control_word = unsigned;
inline constexpr fp_control_word flush_subnormals_bits = 0;
inline fp_control_word fp_control() noexcept { return 0; }
inline void set_fp_control(fp_control_word) noexcept {}
#endif

} // namespace ctnn::detail::arch
