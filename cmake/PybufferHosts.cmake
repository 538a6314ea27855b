# Finds the shared CPython builds (3.6-3.13) this machine has, to run the host-dependent
# tests once per interpreter. Always includes the Python3 found by FindPython3; adds every
# python3.X on PATH, the distribution's python3 and python3.X (in the bin directories of
# CMAKE_SYSTEM_PREFIX_PATH, whatever PATH says) and, when pyenv is installed, each of its
# versions. The first interpreter found of a version gets the plain id ("3.11").
#
# Defines:
#   PYBUFFER_HOSTS                  ids such as "3.11" or "3.11-2" (one per distinct libpython)
#   PYBUFFER_HOST_<id>_VERSION      "3.11"
#   PYBUFFER_HOST_<id>_INCLUDE_DIR  directory holding Python.h
#   PYBUFFER_HOST_<id>_LIBRARY      real path of libpython
#   PYBUFFER_HOST_<id>_EXECUTABLE   the interpreter
#   PYBUFFER_HOSTS_MISSING          minor versions of 3.6-3.13 with no shared build found
include_guard(GLOBAL)
set(PYBUFFER_HOST_MINORS 6 7 8 9 10 11 12 13)

function(_pybuffer_probe executable)
  execute_process(COMMAND "${executable}" "${PROJECT_SOURCE_DIR}/cmake/pybuffer_probe_host.py"
                  OUTPUT_VARIABLE line RESULT_VARIABLE failed ERROR_QUIET
                  OUTPUT_STRIP_TRAILING_WHITESPACE TIMEOUT 30)
  if(failed OR line STREQUAL "")
    return()
  endif()
  list(LENGTH line fields)
  if(NOT fields EQUAL 6)
    return()
  endif()
  list(GET line 0 version)
  list(GET line 1 shared)
  list(GET line 2 include_dir)
  list(GET line 3 library)
  list(GET line 4 real_executable)
  list(GET line 5 free_threaded)
  if(NOT shared OR free_threaded OR library STREQUAL "" OR NOT EXISTS "${include_dir}/Python.h")
    return()
  endif()
  if(version VERSION_LESS 3.6 OR version VERSION_GREATER_EQUAL 3.14)
    return()
  endif()
  if(library IN_LIST _PYBUFFER_SEEN_LIBRARIES)
    return()
  endif()
  set(id "${version}")
  set(n 2)
  while(id IN_LIST PYBUFFER_HOSTS)
    set(id "${version}-${n}")
    math(EXPR n "${n} + 1")
  endwhile()
  set(_PYBUFFER_SEEN_LIBRARIES ${_PYBUFFER_SEEN_LIBRARIES} "${library}" PARENT_SCOPE)
  set(PYBUFFER_HOSTS ${PYBUFFER_HOSTS} "${id}" PARENT_SCOPE)
  set(PYBUFFER_HOST_${id}_VERSION "${version}" PARENT_SCOPE)
  set(PYBUFFER_HOST_${id}_INCLUDE_DIR "${include_dir}" PARENT_SCOPE)
  set(PYBUFFER_HOST_${id}_LIBRARY "${library}" PARENT_SCOPE)
  set(PYBUFFER_HOST_${id}_EXECUTABLE "${real_executable}" PARENT_SCOPE)
endfunction()

set(PYBUFFER_HOSTS "")
set(_PYBUFFER_SEEN_LIBRARIES "")
set(_candidates "${Python3_EXECUTABLE}")
# Each python3.X on PATH, then the distribution's python3 and python3.X (Debian's
# /usr/bin/python3) looked up in the system prefixes only: pyenv shims or a virtual
# environment ahead on PATH would otherwise hide them.
list(TRANSFORM CMAKE_SYSTEM_PREFIX_PATH APPEND "/bin" OUTPUT_VARIABLE _system_bins)
set(_names python3)
foreach(minor IN LISTS PYBUFFER_HOST_MINORS)
  list(APPEND _names python3.${minor})
endforeach()
foreach(name IN LISTS _names)
  find_program(_on_path NAMES ${name} NO_CACHE)
  find_program(_in_system NAMES ${name} PATHS ${_system_bins} NO_DEFAULT_PATH NO_CACHE)
  foreach(found IN ITEMS "${_on_path}" "${_in_system}")
    if(found)
      list(APPEND _candidates "${found}")
    endif()
  endforeach()
  unset(_on_path)
  unset(_in_system)
endforeach()
find_program(_pyenv NAMES pyenv NO_CACHE)
if(_pyenv)
  execute_process(COMMAND "${_pyenv}" root OUTPUT_VARIABLE _pyenv_root
                  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  file(GLOB _pyenv_pythons "${_pyenv_root}/versions/*/bin/python3")
  list(SORT _pyenv_pythons COMPARE NATURAL)
  list(APPEND _candidates ${_pyenv_pythons})
endif()
foreach(candidate IN LISTS _candidates)
  _pybuffer_probe("${candidate}")
endforeach()

set(PYBUFFER_HOSTS_MISSING "")
foreach(minor IN LISTS PYBUFFER_HOST_MINORS)
  set(found FALSE)
  foreach(id IN LISTS PYBUFFER_HOSTS)
    if(PYBUFFER_HOST_${id}_VERSION STREQUAL "3.${minor}")
      set(found TRUE)
    endif()
  endforeach()
  if(NOT found)
    list(APPEND PYBUFFER_HOSTS_MISSING "3.${minor}")
  endif()
endforeach()
foreach(id IN LISTS PYBUFFER_HOSTS)
  message(STATUS "pybuffer: CPython host ${id}: ${PYBUFFER_HOST_${id}_LIBRARY}")
endforeach()
if(PYBUFFER_HOSTS_MISSING)
  message(STATUS "pybuffer: no shared CPython found for ${PYBUFFER_HOSTS_MISSING}")
endif()
