# cortex-m3.cmake — Cortex-M3, no FPU, soft float (QEMU board: mps2-an385).
# Use: cmake -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/cortex-m3.cmake
set(CTNN_CPU_FLAGS -mcpu=cortex-m3 -mthumb -mfloat-abi=soft)
set(CTNN_CPU cortex-m3)
include("${CMAKE_CURRENT_LIST_DIR}/arm-none-eabi.cmake")
