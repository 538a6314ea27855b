# Finds PyPy 3.9 (its interpreter and the headers of pypy3-dev) for the PyPy build variant,
# libpybuffer-pypy39. The interpreter is asked where its headers are, never a fixed path.
#
# PYBUFFER_BUILD_PYPY: AUTO (the default) builds the variant when PyPy 3.9's headers are found;
# ON requires them; OFF never builds it.
#
# Defines:
#   PYBUFFER_PYPY_FOUND        TRUE when the variant is built
#   PYBUFFER_PYPY_REASON       why not, when it is not
#   PYBUFFER_PYPY_EXECUTABLE   the pypy3 interpreter
#   PYBUFFER_PYPY_INCLUDE_DIR  the directory of PyPy's Python.h
#   PYBUFFER_PYPY_EXT_SUFFIX   the file name suffix of its extension modules
include_guard(GLOBAL)
set(PYBUFFER_BUILD_PYPY "AUTO" CACHE STRING "Build the PyPy 3.9 variant (AUTO, ON, OFF)")
set_property(CACHE PYBUFFER_BUILD_PYPY PROPERTY STRINGS AUTO ON OFF)

set(PYBUFFER_PYPY_FOUND FALSE)
set(PYBUFFER_PYPY_REASON "")
if(PYBUFFER_BUILD_PYPY STREQUAL "OFF")
  set(PYBUFFER_PYPY_REASON "PYBUFFER_BUILD_PYPY is OFF")
else()
  find_program(PYBUFFER_PYPY_EXECUTABLE NAMES pypy3.9 pypy3)
  if(NOT PYBUFFER_PYPY_EXECUTABLE)
    set(PYBUFFER_PYPY_REASON "no pypy3 interpreter found (Debian: apt-get install pypy3 pypy3-dev)")
  else()
    # One line: "<implementation>-<language version>;<include dir>;<extension suffix>".
    execute_process(
      COMMAND "${PYBUFFER_PYPY_EXECUTABLE}" -c
              "import sys, sysconfig; print('%s-%d.%d;%s;%s' % ((sys.implementation.name,) + sys.version_info[:2] + (sysconfig.get_paths()['include'], sysconfig.get_config_var('EXT_SUFFIX'))))"
      OUTPUT_VARIABLE _line RESULT_VARIABLE _failed ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE
      TIMEOUT 60)
    list(LENGTH _line _fields)
    if(_failed OR NOT _fields EQUAL 3)
      set(PYBUFFER_PYPY_REASON "${PYBUFFER_PYPY_EXECUTABLE} did not describe itself")
    else()
      list(GET _line 0 _version)
      list(GET _line 1 PYBUFFER_PYPY_INCLUDE_DIR)
      list(GET _line 2 PYBUFFER_PYPY_EXT_SUFFIX)
      if(NOT _version STREQUAL "pypy-3.9")
        set(PYBUFFER_PYPY_REASON "${PYBUFFER_PYPY_EXECUTABLE} is ${_version}, not pypy-3.9")
      elseif(NOT EXISTS "${PYBUFFER_PYPY_INCLUDE_DIR}/Python.h")
        set(PYBUFFER_PYPY_REASON
            "PyPy's headers are not installed in ${PYBUFFER_PYPY_INCLUDE_DIR} (Debian: pypy3-dev)")
      else()
        set(PYBUFFER_PYPY_FOUND TRUE)
      endif()
    endif()
  endif()
endif()

include(PybufferVariantReport)
pybuffer_report_variant("PyPy 3.9" PYBUFFER_BUILD_PYPY "${PYBUFFER_PYPY_FOUND}" "${PYBUFFER_PYPY_REASON}"
                        "${PYBUFFER_PYPY_INCLUDE_DIR}")

# pybuffer_add_pypy_test(<name> [NOT_RUN_BECAUSE <reason>] LABELS <label>...
#                        COMMAND <command>...): a test of the PyPy variant. Without the
# variant, or with a reason not to run it, the test is still registered, as one that reports
# why it did not run and is counted by ctest as skipped (never as passed).
function(pybuffer_add_pypy_test name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "NOT_RUN_BECAUSE" "LABELS;COMMAND")
  set(reason "${arg_NOT_RUN_BECAUSE}")
  if(NOT PYBUFFER_PYPY_FOUND)
    set(reason "the PyPy variant is not built: ${PYBUFFER_PYPY_REASON}")
  endif()
  if(reason STREQUAL "")
    add_test(NAME ${name} COMMAND ${arg_COMMAND})
  else()
    add_test(NAME ${name} COMMAND "${CMAKE_COMMAND}" -E echo "not run: ${reason}")
    set_tests_properties(${name} PROPERTIES SKIP_REGULAR_EXPRESSION "^not run: ")
  endif()
  set_tests_properties(${name} PROPERTIES LABELS "${arg_LABELS};pypy")
endfunction()
