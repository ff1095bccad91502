# run_install.cmake — install ctnn from BUILD into a fresh prefix, then
# configure, build and run tests/install/consumer against it with find_package.
# Inputs: BUILD, WORK, CONSUMER, CXX.
file(REMOVE_RECURSE "${WORK}")
function(run)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
    message("$ ${ARGN}\n${out}")
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "failed (exit ${rc})")
    endif()
endfunction()
run(${CMAKE_COMMAND} --install "${BUILD}" --prefix "${WORK}/prefix")
if(NOT EXISTS "${WORK}/prefix/include/ctnn/ctnn.hpp")
    message(FATAL_ERROR "the headers were not installed")
endif()
run(${CMAKE_COMMAND} -S "${CONSUMER}" -B "${WORK}/consumer" -DCMAKE_PREFIX_PATH=${WORK}/prefix
    -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_BUILD_TYPE=Release)
run(${CMAKE_COMMAND} --build "${WORK}/consumer")
run("${WORK}/consumer/app")
