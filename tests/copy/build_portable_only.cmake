# copy.portable_only: configures this source tree with PYBUFFER_PORTABLE_ONLY=ON (what a
# non-x86 processor gets: the portable copy kernels alone), builds the shared library only,
# and checks that it holds the portable kernels and none of the x86 levels'.
#
#   cmake -DSOURCE_DIR=... -DWORK_DIR=... -DGENERATOR=... [-DMAKE_PROGRAM=...]
#         -DC_COMPILER=... -DCXX_COMPILER=... -DPYTHON=... -DNM=... -P ...
cmake_minimum_required(VERSION 3.20)

# Configured and built as package.without_tests builds (no tests, Release, warnings as errors).
set(CONFIGURE_ARGS -DPYBUFFER_BUILD_TOOLS=OFF -DPYBUFFER_BUILD_DOCS=OFF
                   -DPYBUFFER_PORTABLE_ONLY=ON)
set(TARGETS pybuffer_core)
include("${CMAKE_CURRENT_LIST_DIR}/../package/build_without_tests.cmake")

# The kernels' run_plan of each level compiled in (C++ names, demangled).
file(GLOB_RECURSE archives "${WORK_DIR}/src/*.a")
execute_process(COMMAND "${NM}" -C --defined-only ${archives} OUTPUT_VARIABLE symbols
                RESULT_VARIABLE failed)
if(failed OR NOT archives)
  message(FATAL_ERROR "nm of the core archive (${archives}) failed")
endif()
if(NOT symbols MATCHES "engine::portable::run_plan")
  message(FATAL_ERROR "the portable kernels are missing from the portable-only core")
endif()
foreach(level sse2 avx2 avx512)
  if(symbols MATCHES "engine::${level}::")
    message(FATAL_ERROR "the portable-only core holds kernels of level ${level}")
  endif()
endforeach()
message(STATUS "portable-only core: portable kernels only")
