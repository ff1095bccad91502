# cortex-m4f.cmake — Cortex-M4 with the single-precision FPU, hard-float ABI
# (QEMU board: mps2-an386). Use: cmake -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/cortex-m4f.cmake
set(CTNN_CPU_FLAGS -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16)
set(CTNN_CPU cortex-m4f)
include("${CMAKE_CURRENT_LIST_DIR}/arm-none-eabi.cmake")
