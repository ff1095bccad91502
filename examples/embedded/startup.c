/* startup.c — vector table, reset and fault handlers, semihosting exit for the
 * ctnn firmware examples on QEMU's MPS2 boards (mps2-an386: Cortex-M4F,
 * mps2-an385: Cortex-M3). Layout from cortex_m.ld: code and constants in flash
 * at 0x0 (where the vector table must be), RAM at 0x20000000, the stack at the
 * top of RAM.
 *
 * Reset: copy .data from flash, zero .bss, paint the stack (for the high-water
 * measure in board_stack_used), enable the FPU on M4F, then
 *   - CTNN_FW_NEWLIB=1 (the printf firmwares): set up newlib's semihosting
 *     stdio (librdimon), run the constructors (there are none: size_report.py
 *     checks .init_array), exit(main()) so that stdout is flushed;
 *   - otherwise: board_exit(main()), with no C library start-up at all.
 * Every fault ends QEMU through semihosting with status 255, so a crash fails
 * the test at once instead of hanging it. */
#include <stdint.h>

#include "firmware.h"

extern uint32_t __data_load__[], __data_start__[], __data_end__[];
extern uint32_t __bss_start__[], __bss_end__[];
extern uint32_t __stack_limit__[], __stack_top__[];

int main(void);

/* semihosting: BKPT 0xAB with the operation in r0 and its argument in r1 */
static uintptr_t semihost(uintptr_t op, const void* arg) {
    register uintptr_t r0 __asm__("r0") = op;
    register const void* r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void board_write(const char* text) { semihost(0x04 /* SYS_WRITE0 */, text); }

void board_exit(int status) {
    /* SYS_EXIT_EXTENDED: ADP_Stopped_ApplicationExit with the exit status */
    const uintptr_t block[2] = {0x20026u, (uintptr_t)status};
    semihost(0x20, block);
    for (;;) {}
}

#define STACK_PAINT 0xC7A1C7A1u

uint32_t board_stack_used(void) {
    const uint32_t* p = __stack_limit__;
    while (p < __stack_top__ && *p == STACK_PAINT) ++p;
    return (uint32_t)((uintptr_t)__stack_top__ - (uintptr_t)p);
}

#if CTNN_FW_NEWLIB
#include <stdlib.h>
extern void initialise_monitor_handles(void);
extern void __libc_init_array(void);
/* crti.o's empty _init/_fini, which -nostartfiles leaves out */
void _init(void) {}
void _fini(void) {}
#endif

__attribute__((noreturn, used)) void Reset_Handler(void) {
    for (uint32_t *src = __data_load__, *dst = __data_start__; dst < __data_end__;) *dst++ = *src++;
    for (uint32_t* dst = __bss_start__; dst < __bss_end__;) *dst++ = 0;
    /* paint the stack below the current frame (a few words of margin) */
    uint32_t* sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    for (uint32_t* p = __stack_limit__; p < sp - 16;) *p++ = STACK_PAINT;
#if defined(__ARM_FP)
    /* CPACR: full access to CP10 and CP11, else the first FPU instruction faults */
    *(volatile uint32_t*)0xE000ED88u |= 0xFu << 20;
    __asm__ volatile("dsb\n\tisb" ::: "memory");
#endif
#if CTNN_FW_NEWLIB
    initialise_monitor_handles();
    __libc_init_array();
    exit(main());
#else
    board_exit(main());
#endif
    for (;;) {}
}

__attribute__((noreturn)) static void Fault_Handler(void) {
    board_write("ctnn firmware: fault\n");
    board_exit(255);
    for (;;) {}
}

typedef void (*vector)(void);

/* Cortex-M vector table: initial stack pointer, then the exception handlers */
__attribute__((section(".vectors"), used)) const vector board_vectors[16] = {
    (vector)(uintptr_t)__stack_top__,
    Reset_Handler,
    Fault_Handler, /* NMI */
    Fault_Handler, /* HardFault */
    Fault_Handler, /* MemManage */
    Fault_Handler, /* BusFault */
    Fault_Handler, /* UsageFault */
    0, 0, 0, 0,
    Fault_Handler, /* SVCall */
    Fault_Handler, /* DebugMonitor */
    0,
    Fault_Handler, /* PendSV */
    Fault_Handler, /* SysTick */
};
