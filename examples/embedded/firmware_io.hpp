// firmware_io.hpp — the few lines that differ between a firmware and its host
// twin. Lines that only the target prints start with "target:" (compare_runs.py
// leaves them out of the comparison; size_report.py reads the stack figure).
// They are written by semihosting SYS_WRITE0, which QEMU prints on its stderr.
#pragma once

#if defined(__arm__) && !defined(__linux__)
#include "firmware.h"
#define CTNN_FW_TARGET 1
#else
#define CTNN_FW_TARGET 0
#endif

/// target only: prints "target: stack used N bytes", the stack's high-water
/// mark (startup.c paints the stack at reset). No printf: one semihosting write.
inline void board_report_stack() {
#if CTNN_FW_TARGET
    char line[48] = "target: stack used ";
    char digits[12];
    int n = 0;
    for (unsigned long v = board_stack_used(); n == 0 || v != 0; v /= 10) digits[n++] = char('0' + v % 10);
    char* p = line + sizeof("target: stack used ") - 1;
    while (n > 0) *p++ = digits[--n];
    for (const char* s = " bytes\n"; *s != 0;) *p++ = *s++;
    *p = 0;
    board_write(line);
#endif
}
