# Finds a shared CPython 2.7 (its interpreter, headers and libpython2.7) for the 2.7 build
# variant, libpybuffer-py27, and its differential suite. The interpreter is asked where its
# headers and library are, never a fixed path. Candidates: python2.7 / python2 on PATH, the
# system's, then (when pyenv is installed) each pyenv version's bin/python2.7, whose shims
# answer only when that version is selected.
#
# PYBUFFER_BUILD_PY27: AUTO (the default) builds the variant when a shared 2.7 is found; ON
# requires one; OFF never builds it. The interpreter is looked up whatever the option says:
# the porting layer's suite (tests/legacy) compares with it too.
#
# Defines:
#   PYBUFFER_PY27_FOUND        TRUE when the variant is built
#   PYBUFFER_PY27_REASON       why not, when it is not
#   PYBUFFER_PY27_EXECUTABLE   the python2.7 interpreter ("" when none is found)
#   PYBUFFER_PY27_INCLUDE_DIR  the directory of its Python.h
#   PYBUFFER_PY27_LIBRARY      its libpython2.7 (real path)
include_guard(GLOBAL)
set(PYBUFFER_BUILD_PY27 "AUTO" CACHE STRING "Build the CPython 2.7 variant (AUTO, ON, OFF)")
set_property(CACHE PYBUFFER_BUILD_PY27 PROPERTY STRINGS AUTO ON OFF)

set(PYBUFFER_PY27_FOUND FALSE)
set(PYBUFFER_PY27_REASON "")

# Sets <out> to "<version>;<include dir>;<libpython>" for a shared 2.7, else "".
function(_pybuffer_probe_py27 executable out)
  set(${out} "" PARENT_SCOPE)
  execute_process(
    COMMAND "${executable}" -c
            "import os, sys, sysconfig; v = sysconfig.get_config_var; print('%d.%d;%s;%s' % (sys.version_info[:2] + (sysconfig.get_paths()['include'], os.path.realpath(os.path.join(v('LIBDIR') or '', v('LDLIBRARY') or '')) if v('Py_ENABLE_SHARED') else '')))"
    OUTPUT_VARIABLE line RESULT_VARIABLE failed ERROR_QUIET OUTPUT_STRIP_TRAILING_WHITESPACE
    TIMEOUT 30)
  list(LENGTH line fields)
  if(failed OR NOT fields EQUAL 3)
    return()
  endif()
  list(GET line 0 version)
  list(GET line 1 include_dir)
  list(GET line 2 library)
  if(version STREQUAL "2.7" AND EXISTS "${include_dir}/Python.h" AND library MATCHES "\\.so"
     AND EXISTS "${library}")
    set(${out} "${line}" PARENT_SCOPE)
  endif()
endfunction()

set(PYBUFFER_PY27_EXECUTABLE "")
set(_candidates "")
find_program(_py27_on_path NAMES python2.7 python2 NO_CACHE)
if(_py27_on_path)
  list(APPEND _candidates "${_py27_on_path}")
endif()
list(TRANSFORM CMAKE_SYSTEM_PREFIX_PATH APPEND "/bin" OUTPUT_VARIABLE _py27_system_bins)
find_program(_py27_system NAMES python2.7 PATHS ${_py27_system_bins} NO_DEFAULT_PATH NO_CACHE)
if(_py27_system)
  list(APPEND _candidates "${_py27_system}")
endif()
find_program(_py27_pyenv NAMES pyenv NO_CACHE)
if(_py27_pyenv)
  execute_process(COMMAND "${_py27_pyenv}" root OUTPUT_VARIABLE _py27_pyenv_root
                  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  file(GLOB _py27_pyenv_pythons "${_py27_pyenv_root}/versions/*/bin/python2.7")
  list(SORT _py27_pyenv_pythons COMPARE NATURAL ORDER DESCENDING)
  list(APPEND _candidates ${_py27_pyenv_pythons})
endif()
foreach(candidate IN LISTS _candidates)
  _pybuffer_probe_py27("${candidate}" _line)
  if(_line)
    list(GET _line 1 PYBUFFER_PY27_INCLUDE_DIR)
    list(GET _line 2 PYBUFFER_PY27_LIBRARY)
    set(PYBUFFER_PY27_EXECUTABLE "${candidate}")
    break()
  endif()
endforeach()

if(PYBUFFER_BUILD_PY27 STREQUAL "OFF")
  set(PYBUFFER_PY27_REASON "PYBUFFER_BUILD_PY27 is OFF")
elseif(PYBUFFER_PY27_EXECUTABLE)
  set(PYBUFFER_PY27_FOUND TRUE)
else()
  set(PYBUFFER_PY27_REASON
      "no shared CPython 2.7 found (python2.7 on PATH, the system's, pyenv's versions)")
endif()

include(PybufferVariantReport)
pybuffer_report_variant("CPython 2.7" PYBUFFER_BUILD_PY27 "${PYBUFFER_PY27_FOUND}" "${PYBUFFER_PY27_REASON}"
                        "${PYBUFFER_PY27_INCLUDE_DIR}")
