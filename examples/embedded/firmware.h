/* firmware.h — what startup.c offers the firmware examples (C and C++). */
#ifndef CTNN_FIRMWARE_H
#define CTNN_FIRMWARE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** writes a NUL-terminated string to the host's stdout (semihosting SYS_WRITE0) */
void board_write(const char* text);
/** ends the program (QEMU exits with this status) */
__attribute__((noreturn)) void board_exit(int status);
/** bytes of stack used so far (highest point reached; the stack is painted at reset) */
uint32_t board_stack_used(void);

#ifdef __cplusplus
}
#endif

#endif
