# run_install.cmake — install ctnn from a build tree into a fresh prefix,
# then configure, build and run tests/install/consumer against that prefix.
#
#   cmake -D BUILD_DIR=<ctnn build tree> -D WORK_DIR=<scratch dir> -D CONSUMER_DIR=<consumer source>
#         -D CXX=<compiler> [-D BUILD_TYPE=<config>] [-D GENERATOR=<generator>]
#         [-D "PREFIX_PATH=<dir|dir>"] [-D BOOST_DIR=<dir of BoostConfig.cmake>] -P run_install.cmake
#
# The scratch directory is wiped first. Only the install prefix (and, through
# PREFIX_PATH and BOOST_DIR, the dependencies) is visible to the consumer: not
# the source tree, not the build tree, not the user package registry.
cmake_minimum_required(VERSION 3.25)

foreach(var BUILD_DIR WORK_DIR CONSUMER_DIR CXX)
    if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
        message(FATAL_ERROR "run_install.cmake: -D ${var}=... is required")
    endif()
endforeach()
if(NOT BUILD_TYPE)
    set(BUILD_TYPE Release)
endif()
string(REPLACE "|" ";" PREFIX_PATH "${PREFIX_PATH}")

set(prefix "${WORK_DIR}/prefix")
set(consumer_build "${WORK_DIR}/consumer-build")
file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")

function(step what)
    list(JOIN ARGN " " text)
    message(STATUS "${what}: ${text}")
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
    message("${out}")
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "${what} failed (exit ${rc})")
    endif()
endfunction()

# 1. install (header-only: needs no build)
step("install" "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${prefix}" --config "${BUILD_TYPE}")

foreach(f include/ctnn/ctnn.hpp include/ctnn/config.hpp)
    if(NOT EXISTS "${prefix}/${f}")
        message(FATAL_ERROR "install: ${prefix}/${f} is missing")
    endif()
endforeach()
file(GLOB_RECURSE config_files "${prefix}/*ctnnConfig.cmake" "${prefix}/*ctnnConfigVersion.cmake"
                                "${prefix}/*ctnnTargets.cmake")
list(LENGTH config_files n)
if(n LESS 3)
    message(FATAL_ERROR "install: expected ctnnConfig.cmake, ctnnConfigVersion.cmake and ctnnTargets.cmake "
                        "under ${prefix}, found: ${config_files}")
endif()
file(GLOB_RECURSE installed RELATIVE "${prefix}" "${prefix}/*")
list(JOIN installed "\n  " installed_text)
message(STATUS "installed:\n  ${installed_text}")

# 2. configure the consumer against the prefix only
set(generator_args "")
if(GENERATOR)
    set(generator_args -G "${GENERATOR}")
endif()
list(PREPEND PREFIX_PATH "${prefix}")
set(boost_args "")
if(BOOST_DIR)
    set(boost_args "-DBoost_DIR=${BOOST_DIR}")
endif()
step("configure consumer" "${CMAKE_COMMAND}" ${generator_args} -S "${CONSUMER_DIR}" -B "${consumer_build}"
     "-DCMAKE_CXX_COMPILER=${CXX}" "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}" "-DCMAKE_PREFIX_PATH=${PREFIX_PATH}"
     ${boost_args} -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)

# the package must have come from the prefix, not from anywhere else
file(STRINGS "${consumer_build}/CMakeCache.txt" ctnn_dir_line REGEX "^ctnn_DIR:")
string(REGEX REPLACE "^ctnn_DIR:[A-Z]+=" "" ctnn_dir "${ctnn_dir_line}")
file(REAL_PATH "${prefix}" real_prefix)
file(REAL_PATH "${ctnn_dir}" real_ctnn_dir)
string(FIND "${real_ctnn_dir}" "${real_prefix}/" at)
if(NOT at EQUAL 0)
    message(FATAL_ERROR "find_package(ctnn) found '${ctnn_dir}', not the package installed under ${prefix}")
endif()
message(STATUS "find_package(ctnn) used ${ctnn_dir}")

# 3. build and run
step("build consumer" "${CMAKE_COMMAND}" --build "${consumer_build}" --config "${BUILD_TYPE}")
find_program(app NAMES app PATHS "${consumer_build}" "${consumer_build}/${BUILD_TYPE}" NO_DEFAULT_PATH)
if(NOT app)
    message(FATAL_ERROR "the consumer's executable 'app' was not built in ${consumer_build}")
endif()
step("run consumer" "${app}")
