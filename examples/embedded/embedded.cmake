# embedded.cmake — included by the top-level CMakeLists.txt: the Cortex-M side.
#
# CTNN_BUILD_EMBEDDED (default ON when arm-none-eabi-gcc and qemu-system-arm are
# found; ON with a missing tool is a configure error, not a silent skip):
#   - host programs: export_moons (trains the seed network, writes its constexpr
#     header at build time) and the host twins of the firmwares;
#   - the firmware project (this folder's CMakeLists.txt) built for Cortex-M4F
#     and Cortex-M3 (ExternalProject, toolchain files in cmake/toolchains/);
#   - CTest tests, label `embedded`: every firmware under QEMU against its host
#     twin (compare_runs.py), no heap in the bare firmware, the weights in flash,
#     and the size targets (size_report.py).
find_program(CTNN_ARM_GCC_EXE arm-none-eabi-gcc)
find_program(CTNN_ARM_NM arm-none-eabi-nm)
find_program(CTNN_ARM_OBJCOPY arm-none-eabi-objcopy)
find_program(CTNN_QEMU_ARM qemu-system-arm)
set(ctnn_embedded_default OFF)
if(CTNN_ARM_GCC_EXE AND CTNN_QEMU_ARM AND CTNN_ARM_NM AND CTNN_ARM_OBJCOPY)
    set(ctnn_embedded_default ON)
endif()
option(CTNN_BUILD_EMBEDDED "Build the Cortex-M firmware examples and run them under QEMU (label embedded)"
       ${ctnn_embedded_default})
if(NOT CTNN_BUILD_EMBEDDED)
    return()
endif()
foreach(tool CTNN_ARM_GCC_EXE CTNN_ARM_NM CTNN_ARM_OBJCOPY CTNN_QEMU_ARM)
    if(NOT ${tool})
        message(FATAL_ERROR "ctnn: CTNN_BUILD_EMBEDDED=ON but ${tool} was not found; install the Debian packages "
                            "gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-dev qemu-system-arm "
                            "(scripts/test.sh does), or configure with -DCTNN_BUILD_EMBEDDED=OFF")
    endif()
endforeach()
find_package(Python3 REQUIRED COMPONENTS Interpreter)
include(ExternalProject)

set(ctnn_emb_src "${PROJECT_SOURCE_DIR}/examples/embedded")
set(ctnn_emb_bin "${PROJECT_BINARY_DIR}/embedded")
set(ctnn_emb_gen "${ctnn_emb_bin}/generated")
file(MAKE_DIRECTORY "${ctnn_emb_gen}")

# Host: train the seed network and export it as models::moons (constexpr).
add_executable(export_moons "${ctnn_emb_src}/export_moons.cpp")
target_link_libraries(export_moons PRIVATE ctnn::ctnn ctnn_strict)
add_custom_command(OUTPUT "${ctnn_emb_gen}/moons_net.hpp"
                   COMMAND export_moons "${ctnn_emb_gen}/moons_net.hpp"
                   DEPENDS export_moons
                   COMMENT "Training the seed network on the host and exporting it as a constexpr header")
add_custom_target(ctnn_moons_header ALL DEPENDS "${ctnn_emb_gen}/moons_net.hpp")

# Host twins: the firmwares' sources built for the host, with the same math
# settings and the same layouts (no SIMD alignment: the RAM figures they print
# must be the microcontroller's).
add_executable(train_xor_host "${ctnn_emb_src}/train_xor.cpp")
add_executable(infer_moons_host "${ctnn_emb_src}/infer_moons.cpp" "${ctnn_emb_gen}/moons_net.hpp")
add_executable(infer_moons_exit_host "${ctnn_emb_src}/infer_moons.cpp" "${ctnn_emb_gen}/moons_net.hpp")
target_compile_definitions(infer_moons_host PRIVATE CTNN_FW_PRINTF=1)
target_compile_definitions(infer_moons_exit_host PRIVATE CTNN_FW_PRINTF=0)
foreach(t train_xor_host infer_moons_host infer_moons_exit_host)
    target_link_libraries(${t} PRIVATE ctnn::ctnn ctnn_strict)
    target_include_directories(${t} PRIVATE "${ctnn_emb_src}" "${ctnn_emb_gen}")
    target_compile_definitions(${t} PRIVATE CTNN_ALIGN_BYTES=0)
endforeach()
target_compile_options(infer_moons_host PRIVATE -ffp-contract=off)
target_compile_options(infer_moons_exit_host PRIVATE -ffp-contract=off)

# Boost for the cross build: the folder that holds boost/ (the firmware project
# puts only a link to boost/ on its include path, never this folder itself).
set(ctnn_emb_boost_root "")
foreach(dir IN LISTS Boost_INCLUDE_DIRS)
    if(EXISTS "${dir}/boost/hana.hpp")
        set(ctnn_emb_boost_root "${dir}")
        break()
    endif()
endforeach()
if(NOT ctnn_emb_boost_root)
    message(FATAL_ERROR "ctnn: Boost.Hana not found in Boost_INCLUDE_DIRS='${Boost_INCLUDE_DIRS}'")
endif()

# The firmwares, for each CPU, and their tests.
foreach(cpu m4f m3)
    if(cpu STREQUAL "m4f")
        set(toolchain "${PROJECT_SOURCE_DIR}/cmake/toolchains/cortex-m4f.cmake")
        set(machine mps2-an386)
    else()
        set(toolchain "${PROJECT_SOURCE_DIR}/cmake/toolchains/cortex-m3.cmake")
        set(machine mps2-an385)
    endif()
    set(fw "${ctnn_emb_bin}/${cpu}")
    ExternalProject_Add(ctnn_firmware_${cpu}
        SOURCE_DIR "${ctnn_emb_src}"
        BINARY_DIR "${fw}"
        CMAKE_ARGS "-DCMAKE_TOOLCHAIN_FILE=${toolchain}" "-DCTNN_ROOT=${PROJECT_SOURCE_DIR}"
                   "-DCTNN_BOOST_ROOT=${ctnn_emb_boost_root}" "-DCTNN_GENERATED_DIR=${ctnn_emb_gen}"
        BUILD_ALWAYS ON
        INSTALL_COMMAND ""
        DEPENDS ctnn_moons_header
        BUILD_BYPRODUCTS "${fw}/train_xor.elf" "${fw}/infer_moons.elf" "${fw}/infer_moons_exit.elf")

    set(run --qemu "${CTNN_QEMU_ARM}" --machine ${machine})
    add_test(NAME "embedded: train_xor on ${cpu}"
             COMMAND Python3::Interpreter "${ctnn_emb_src}/compare_runs.py" ${run} --elf "${fw}/train_xor.elf"
                     --host $<TARGET_FILE:train_xor_host> --tolerance 1e-4)
    add_test(NAME "embedded: infer_moons on ${cpu}"
             COMMAND Python3::Interpreter "${ctnn_emb_src}/compare_runs.py" ${run} --elf "${fw}/infer_moons.elf"
                     --host $<TARGET_FILE:infer_moons_host> --exact)
    add_test(NAME "embedded: infer_moons_exit on ${cpu}"
             COMMAND Python3::Interpreter "${ctnn_emb_src}/compare_runs.py" ${run} --elf "${fw}/infer_moons_exit.elf"
                     --host $<TARGET_FILE:infer_moons_exit_host> --exact)
    add_test(NAME "embedded: no heap in infer_moons_exit on ${cpu}"
             COMMAND Python3::Interpreter "${ctnn_emb_src}/size_report.py" --nm "${CTNN_ARM_NM}"
                     --check-no-heap "${fw}/infer_moons_exit.elf")
    add_test(NAME "embedded: weights in flash on ${cpu}"
             COMMAND Python3::Interpreter "${ctnn_emb_src}/size_report.py" --nm "${CTNN_ARM_NM}"
                     --objcopy "${CTNN_ARM_OBJCOPY}" --check-weights-in-flash "${fw}/infer_moons_exit.elf"
                     "${ctnn_emb_gen}/moons_net.hpp")
endforeach()
add_test(NAME "embedded: size report"
         COMMAND Python3::Interpreter "${ctnn_emb_src}/size_report.py" --nm "${CTNN_ARM_NM}"
                 --qemu "${CTNN_QEMU_ARM}" --build "${ctnn_emb_bin}" --check)

get_property(ctnn_emb_tests DIRECTORY PROPERTY TESTS)
foreach(t IN LISTS ctnn_emb_tests)
    if(t MATCHES "^embedded: ")
        set_tests_properties("${t}" PROPERTIES LABELS embedded TIMEOUT 60)
    endif()
endforeach()
