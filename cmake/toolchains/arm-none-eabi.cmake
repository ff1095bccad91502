# arm-none-eabi.cmake — shared part of the Cortex-M toolchain files
# (cortex-m4f.cmake, cortex-m3.cmake set CTNN_CPU_FLAGS and include this).
#
# Debian packages: gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-dev
# (C++ headers only: nothing links libstdc++, so the driver is arm-none-eabi-gcc
# for linking too; the g++ driver would ask for libstdc++_nano, which only the
# 1.5 GB libstdc++-arm-none-eabi-newlib package ships).
#
# The compiler does not search /usr/include, and must not (glibc headers would
# leak in): point -isystem at a folder that holds only a `boost` link, e.g.
#   cmake -DCTNN_BOOST_INCLUDE=/path/to/dir-with-boost-symlink ...
set(CMAKE_SYSTEM_NAME Generic)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(CMAKE_TRY_COMPILE_TARGET_TYPE STATIC_LIBRARY)  # no board to run a test program on

find_program(CTNN_ARM_GCC arm-none-eabi-gcc REQUIRED)
set(CMAKE_C_COMPILER "${CTNN_ARM_GCC}")
set(CMAKE_CXX_COMPILER "${CTNN_ARM_GCC}")  # links with gcc's driver, see above
set(CMAKE_ASM_COMPILER "${CTNN_ARM_GCC}")
find_program(CMAKE_OBJCOPY arm-none-eabi-objcopy)
find_program(CMAKE_SIZE arm-none-eabi-size)
find_program(CMAKE_NM arm-none-eabi-nm)

# C++ headers of libstdc++-arm-none-eabi-dev, for this CPU's multilib: the gcc
# driver (unlike g++) does not add them by itself.
execute_process(COMMAND "${CTNN_ARM_GCC}" ${CTNN_CPU_FLAGS} -print-multi-directory
                OUTPUT_VARIABLE ctnn_multilib OUTPUT_STRIP_TRAILING_WHITESPACE)
execute_process(COMMAND "${CTNN_ARM_GCC}" -dumpfullversion
                OUTPUT_VARIABLE ctnn_gcc_version OUTPUT_STRIP_TRAILING_WHITESPACE)
get_filename_component(ctnn_arm_prefix "${CTNN_ARM_GCC}" DIRECTORY)
get_filename_component(ctnn_arm_prefix "${ctnn_arm_prefix}" DIRECTORY)
set(ctnn_cxx_inc "${ctnn_arm_prefix}/lib/arm-none-eabi/include/c++/${ctnn_gcc_version}")
if(NOT EXISTS "${ctnn_cxx_inc}/type_traits")
    message(FATAL_ERROR "ctnn: no C++ headers for arm-none-eabi at ${ctnn_cxx_inc} "
                        "(install libstdc++-arm-none-eabi-dev)")
endif()
set(CMAKE_CXX_STANDARD_INCLUDE_DIRECTORIES
    "${ctnn_cxx_inc}" "${ctnn_cxx_inc}/arm-none-eabi/${ctnn_multilib}" "${ctnn_cxx_inc}/backward")

list(JOIN CTNN_CPU_FLAGS " " ctnn_cpu_flags_text)
set(ctnn_common "${ctnn_cpu_flags_text} -ffunction-sections -fdata-sections")
set(CMAKE_C_FLAGS_INIT "${ctnn_common}")
set(CMAKE_ASM_FLAGS_INIT "${ctnn_common}")
set(CMAKE_CXX_FLAGS_INIT "${ctnn_common} -fno-exceptions -fno-rtti -fno-threadsafe-statics -fno-use-cxa-atexit")
set(CMAKE_EXE_LINKER_FLAGS_INIT "${ctnn_cpu_flags_text} -Wl,--gc-sections")
# -Os: CMake's MinSizeRel ("-Os -DNDEBUG"); its Release would append -O3 to any -Os given here
set(CMAKE_BUILD_TYPE MinSizeRel CACHE STRING "Build type (firmware: MinSizeRel, i.e. -Os)")

# Only the cross environment for libraries and headers; host programs for tools.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
