# The copy kernels' CPU levels (src/core/cpu_level.hpp): src/core/copy_kernels_<level>.cpp is
# compiled once per level, each file with the instructions of its level. Only on x86-64; with
# PYBUFFER_PORTABLE_ONLY, or on any other processor, the x86 files compile to nothing and the
# portable kernels are all there is.
include_guard(GLOBAL)
option(PYBUFFER_PORTABLE_ONLY "Compile only the portable copy kernels (no x86 SIMD levels)" OFF)

if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$" AND NOT PYBUFFER_PORTABLE_ONLY)
  set(PYBUFFER_X86_LEVELS ON)
else()
  set(PYBUFFER_X86_LEVELS OFF)
endif()

# The levels beyond the baseline that the tests run (each with PYBUFFER_CPU set), besides the
# default (best) level.
if(PYBUFFER_X86_LEVELS)
  set(PYBUFFER_CPU_LEVELS portable sse2 avx2 avx512)
else()
  set(PYBUFFER_CPU_LEVELS portable)
endif()

# Gives the kernel files of the core, as compiled by `target` (pybuffer_core, or the fuzzers'
# instrumented copy), their level's flags and PYBUFFER_PORTABLE_ONLY. Source file properties
# belong to one directory, hence a function each directory compiling them calls.
function(pybuffer_cpu_level_flags target core_dir)
  if(PYBUFFER_PORTABLE_ONLY)
    target_compile_definitions(${target} PUBLIC PYBUFFER_PORTABLE_ONLY)
  endif()
  if(NOT PYBUFFER_X86_LEVELS)
    return()
  endif()
  set_source_files_properties("${core_dir}/copy_kernels_avx2.cpp" TARGET_DIRECTORY ${target}
                              PROPERTIES COMPILE_OPTIONS "-mavx2;-mbmi2")
  set_source_files_properties(
    "${core_dir}/copy_kernels_avx512.cpp" TARGET_DIRECTORY ${target}
    PROPERTIES COMPILE_OPTIONS "-mavx2;-mbmi2;-mavx512f;-mavx512bw;-mavx512vl")
endfunction()

# The test `name` run with PYBUFFER_CPU=`level`: marked not run (never passed) when the
# library says that level is not available on this machine.
function(pybuffer_cpu_level_test name level)
  set_property(TEST ${name} APPEND PROPERTY ENVIRONMENT "PYBUFFER_CPU=${level}")
  set_property(TEST ${name} PROPERTY SKIP_REGULAR_EXPRESSION
                                     "pybuffer: PYBUFFER_CPU=${level} not available")
endfunction()
