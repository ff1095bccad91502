# run_codegen.cmake — compile one source to an object with the given flags and
# run check_loop_free.py on it. -DEXPECT_LOOP=ON inverts the verdict (the
# checker's self-test). Inputs: CXX, SRC, OBJ, FLAGS (;-list), INCLUDE,
# PYTHON, CHECKER, FUNCTION, EXPECT_LOOP.
execute_process(COMMAND ${CXX} -std=c++20 ${FLAGS} -DNDEBUG -I${INCLUDE} -c ${SRC} -o ${OBJ}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "compiling ${SRC} failed:\n${out}")
endif()
execute_process(COMMAND ${PYTHON} ${CHECKER} --strict --expect ${FUNCTION} ${OBJ}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
message("${CXX} ${FLAGS}: ${SRC}\n${out}")
if(EXPECT_LOOP)
    if(NOT rc EQUAL 1)
        message(FATAL_ERROR "the checker did not detect the loop in ${FUNCTION} (exit ${rc})")
    endif()
elseif(NOT rc EQUAL 0)
    message(FATAL_ERROR "${FUNCTION} is not loop-free (exit ${rc})")
endif()
