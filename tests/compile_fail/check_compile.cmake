# check_compile.cmake — run by CTest as `cmake -P`: compiles one compile-fail case.
#
#   -DCOMPILER=<c++ compiler>  -DSOURCE=<case.cpp>  -DINCLUDE_DIR=<ctnn's include dir>
#   -DSYSTEM_INCLUDES=<dir|dir|...> (may be empty)  -DMODE=fail|twin  -DMAX_LINES=<n>
#
# MODE=fail: compiles with -DCTNN_FAIL=1 and passes only if the compilation
#   fails, its output matches the regex on the case's `// expect: <regex>` line,
#   and the output has at most MAX_LINES lines.
# MODE=twin: compiles with -DCTNN_FAIL=0 and passes only if that succeeds.
# Both modes use the same flags (warnings as errors included), so the macro is
# the only difference between a case and its twin.
cmake_minimum_required(VERSION 3.25)

foreach(var COMPILER SOURCE INCLUDE_DIR MODE)
    if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
        message(FATAL_ERROR "check_compile.cmake: -D${var}=... is required")
    endif()
endforeach()
if(NOT DEFINED MAX_LINES)
    set(MAX_LINES 15)
endif()

set(flags -std=c++20 -fsyntax-only -fdiagnostics-color=never -Wall -Wextra -Wpedantic -Werror "-I${INCLUDE_DIR}")
if(NOT "${SYSTEM_INCLUDES}" STREQUAL "")
    string(REPLACE "|" ";" system_includes "${SYSTEM_INCLUDES}")
    foreach(dir IN LISTS system_includes)
        list(APPEND flags -isystem "${dir}")
    endforeach()
endif()

if(MODE STREQUAL "fail")
    list(APPEND flags -DCTNN_FAIL=1)
elseif(MODE STREQUAL "twin")
    list(APPEND flags -DCTNN_FAIL=0)
else()
    message(FATAL_ERROR "check_compile.cmake: MODE must be fail or twin, not '${MODE}'")
endif()

# The expected fragment of the `ctnn: ` message, from the case itself.
file(READ "${SOURCE}" source_text)
if(NOT source_text MATCHES "// expect: ([^\n]+)")
    message(FATAL_ERROR "${SOURCE} has no `// expect: <regex>` line")
endif()
string(STRIP "${CMAKE_MATCH_1}" expect)
if(NOT expect MATCHES "^ctnn: ")
    message(FATAL_ERROR "${SOURCE}: the expected regex must start with `ctnn: `, not '${expect}'")
endif()

# Extra flags of the case, for both modes, from an optional `// flags: ...` line.
if(source_text MATCHES "// flags: ([^\n]+)")
    string(STRIP "${CMAKE_MATCH_1}" extra)
    separate_arguments(extra UNIX_COMMAND "${extra}")
    list(APPEND flags ${extra})
endif()

list(JOIN flags " " flags_text)
message("command: ${COMPILER} ${flags_text} ${SOURCE}")
execute_process(
    COMMAND "${COMPILER}" ${flags} "${SOURCE}"
    RESULT_VARIABLE result
    OUTPUT_VARIABLE output
    ERROR_VARIABLE output)

# Lines of compiler output: one per newline, plus an unterminated last line.
string(REGEX REPLACE "[^\n]" "" newlines "${output}")
string(LENGTH "${newlines}" line_count)
if(NOT output STREQUAL "" AND NOT output MATCHES "\n$")
    math(EXPR line_count "${line_count} + 1")
endif()

message("----- compiler output (exit code ${result}) -----\n${output}-----")
message("lines of compiler output: ${line_count} (limit for a failing case: ${MAX_LINES})")

if(MODE STREQUAL "twin")
    if(NOT result EQUAL 0)
        message(FATAL_ERROR "the corrected twin (CTNN_FAIL=0) does not compile; the case tests nothing")
    endif()
    message("ok: the corrected twin compiles")
    return()
endif()

set(problems "")
if(result EQUAL 0)
    string(APPEND problems "\n  - it compiled, but the mistake must be a compile error")
endif()
if(NOT output MATCHES "${expect}")
    string(APPEND problems "\n  - the output does not match the expected regex: ${expect}")
endif()
if(line_count GREATER MAX_LINES)
    string(APPEND problems "\n  - ${line_count} lines of output, more than ${MAX_LINES}")
endif()
if(NOT problems STREQUAL "")
    message(FATAL_ERROR "compile-fail case ${SOURCE} failed:${problems}")
endif()
message("ok: fails with the expected message (${expect}) in ${line_count} lines")
