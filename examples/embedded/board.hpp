// board.hpp — the board the firmware examples are built for, and what it
// gives the network. The sizes are set once, in CMakeLists.txt (CTNN_BOARD_*),
// which passes them to the compiler and to the linker script (cortex_m.ld.in);
// the host twins get the same defaults below.
#pragma once

#include <cstddef>

#ifndef CTNN_BOARD_FLASH_BYTES
#define CTNN_BOARD_FLASH_BYTES (256 * 1024)
#endif
#ifndef CTNN_BOARD_RAM_BYTES
#define CTNN_BOARD_RAM_BYTES (64 * 1024)
#endif
#ifndef CTNN_BOARD_STACK_BYTES
#define CTNN_BOARD_STACK_BYTES (8 * 1024)
#endif
#ifndef CTNN_BOARD_NETWORK_RAM_BYTES
#define CTNN_BOARD_NETWORK_RAM_BYTES (2 * 1024)
#endif

namespace board {
inline constexpr std::size_t flash_bytes = CTNN_BOARD_FLASH_BYTES;
inline constexpr std::size_t ram_bytes = CTNN_BOARD_RAM_BYTES;
inline constexpr std::size_t stack_bytes = CTNN_BOARD_STACK_BYTES;
/// the share of RAM the application grants the network: its parameters, one
/// training step (cache, gradients, backward temporaries) and optimiser state
inline constexpr std::size_t network_ram_budget = CTNN_BOARD_NETWORK_RAM_BYTES;
static_assert(network_ram_budget <= stack_bytes, "the training step lives on the stack");
} // namespace board
