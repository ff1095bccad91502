# run_codegen.cmake — one codegen test: compile SOURCE to an object, run the
# checker on it and compare the verdict with EXPECT.
#
#   cmake -D CXX=<compiler> -D "FLAGS=<flag|flag>" -D SOURCE=<.cpp> -D OBJECT=<.o>
#         -D PYTHON=<python3> -D CHECKER=<check_loop_free.py> -D OBJDUMP=<objdump>
#         -D "FUNCTIONS=<name|name>" -D EXPECT=<strict|branchfree|pass|loop|call|branch|layout> -P run_codegen.cmake
#
# EXPECT=strict  the checker --strict must accept the object (exit 0): no
#                backward jump at all, no call but libm
# EXPECT=branchfree  as strict, and no conditional branch at all (--no-branches)
# EXPECT=pass    the checker must accept the object (exit 0): no loop (a
#                backward jump of block layout, not on a cycle, is accepted)
# EXPECT=loop    the checker must reject it (exit 1) and report "(a loop)"
# EXPECT=call    the checker must reject it (exit 1) and report "not inlined"
# EXPECT=branch  the checker must accept it, and reject it with --no-branches
# EXPECT=layout  the checker must accept it with a "layout, not on a cycle"
#                backward jump, and reject it with --strict
cmake_minimum_required(VERSION 3.25)

foreach(var CXX SOURCE OBJECT PYTHON CHECKER OBJDUMP EXPECT)
    if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
        message(FATAL_ERROR "run_codegen.cmake: -D ${var}=... is required")
    endif()
endforeach()

# lists arrive "|"-separated (add_test splits arguments at ";")
string(REPLACE "|" ";" FLAGS "${FLAGS}")
string(REPLACE "|" ";" FUNCTIONS "${FUNCTIONS}")

get_filename_component(object_dir "${OBJECT}" DIRECTORY)
file(MAKE_DIRECTORY "${object_dir}")
file(REMOVE "${OBJECT}")

list(JOIN FLAGS " " flags_text)
message(STATUS "compile: ${CXX} ${flags_text} -c ${SOURCE} -o ${OBJECT}")
execute_process(COMMAND "${CXX}" ${FLAGS} -c "${SOURCE}" -o "${OBJECT}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "compiling ${SOURCE} failed (${rc}):\n${out}")
endif()

set(expect_args "")
foreach(fn IN LISTS FUNCTIONS)
    list(APPEND expect_args --expect "${fn}")
endforeach()

function(run_checker result_var output_var)
    execute_process(COMMAND "${PYTHON}" "${CHECKER}" "${OBJECT}" --objdump "${OBJDUMP}" ${expect_args} ${ARGN}
                    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
    set(${result_var} "${rc}" PARENT_SCOPE)
    set(${output_var} "${out}" PARENT_SCOPE)
endfunction()

if(EXPECT STREQUAL "strict")
    run_checker(rc out --strict)
elseif(EXPECT STREQUAL "branchfree")
    run_checker(rc out --strict --no-branches)
else()
    run_checker(rc out)
endif()
message("${out}")

if(EXPECT STREQUAL "pass" OR EXPECT STREQUAL "strict" OR EXPECT STREQUAL "branchfree")
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "codegen check failed (checker exit ${rc}): see the report above")
    endif()
elseif(EXPECT STREQUAL "loop" OR EXPECT STREQUAL "call")
    if(EXPECT STREQUAL "loop")
        set(needle "(a loop)")
    else()
        set(needle "(not inlined)")
    endif()
    string(FIND "${out}" "${needle}" at)
    if(NOT rc EQUAL 1 OR at EQUAL -1)
        message(FATAL_ERROR "the checker should have rejected ${SOURCE} with exit 1 and \"${needle}\"; "
                            "it exited ${rc}")
    endif()
    message(STATUS "as expected, the checker rejected ${SOURCE} (\"${needle}\")")
elseif(EXPECT STREQUAL "branch")
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "the checker should have accepted ${SOURCE} (no loop); it exited ${rc}")
    endif()
    run_checker(rc out --no-branches)
    string(FIND "${out}" "(--no-branches" at)
    if(NOT rc EQUAL 1 OR at EQUAL -1)
        message("${out}")
        message(FATAL_ERROR "with --no-branches the checker should have rejected ${SOURCE}; it exited ${rc}")
    endif()
    message(STATUS "as expected: accepted (no loop), rejected with --no-branches")
elseif(EXPECT STREQUAL "layout")
    string(FIND "${out}" "layout, not on a cycle" at)
    if(NOT rc EQUAL 0 OR at EQUAL -1)
        message(FATAL_ERROR "the checker should have accepted ${SOURCE} (exit 0) and listed a backward jump "
                            "that is not on a cycle; it exited ${rc}")
    endif()
    run_checker(rc out --strict)
    if(NOT rc EQUAL 1)
        message("${out}")
        message(FATAL_ERROR "with --strict the checker should have rejected ${SOURCE}; it exited ${rc}")
    endif()
    message(STATUS "as expected: accepted (backward jumps are layout only), rejected with --strict")
else()
    message(FATAL_ERROR "run_codegen.cmake: EXPECT must be strict, branchfree, pass, loop, call, branch or layout, not '${EXPECT}'")
endif()
