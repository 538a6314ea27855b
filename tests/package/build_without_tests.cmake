# package.without_tests: configures this source tree with BUILD_TESTING=OFF and GoogleTest made
# unfindable, then builds it. Proves that a build without tests needs no GoogleTest and
# processes no tests/ directory. With PYBUFFER_DEB_TESTS its tree is also the one the Debian
# packages are made from (tests/package/deb).
#
#   cmake -DSOURCE_DIR=... -DWORK_DIR=... -DGENERATOR=... [-DMAKE_PROGRAM=...]
#         -DC_COMPILER=... -DCXX_COMPILER=... -DPYTHON=... [-DTARGETS=<a;b;...>]
#         [-DCONFIGURE_ARGS=<-Dname=value;...>] -P ...
# Without TARGETS, everything is built.
cmake_minimum_required(VERSION 3.20)

file(REMOVE_RECURSE "${WORK_DIR}")
set(configure_args -G "${GENERATOR}" "-DCMAKE_C_COMPILER=${C_COMPILER}"
                   "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}" "-DPython3_EXECUTABLE=${PYTHON}"
                   -DCMAKE_BUILD_TYPE=Release -DPYBUFFER_WERROR=ON -DBUILD_TESTING=OFF
                   -DCMAKE_DISABLE_FIND_PACKAGE_GTest=ON ${CONFIGURE_ARGS})
if(MAKE_PROGRAM)
  list(APPEND configure_args "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" -S "${SOURCE_DIR}" -B "${WORK_DIR}" ${configure_args}
                RESULT_VARIABLE failed)
if(failed)
  message(FATAL_ERROR "configuring with BUILD_TESTING=OFF and no GoogleTest failed")
endif()
if(EXISTS "${WORK_DIR}/tests")
  message(FATAL_ERROR "BUILD_TESTING=OFF still processed tests/ (${WORK_DIR}/tests exists)")
endif()

set(target_args "")
foreach(target IN LISTS TARGETS)
  list(APPEND target_args --target "${target}")
endforeach()
execute_process(COMMAND "${CMAKE_COMMAND}" --build "${WORK_DIR}" -j2 ${target_args}
                RESULT_VARIABLE failed)
if(failed)
  message(FATAL_ERROR "building without tests failed (targets: ${TARGETS})")
endif()
