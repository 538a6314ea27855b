# Chooses the interpreter FindPython3 uses when the user names none (-DPython3_EXECUTABLE):
# the distribution's python3, looked up in the system prefixes only. The packages the set-up
# installs (python3-numpy, python3-pytest) serve that interpreter alone; the first python3 on
# PATH is often a pyenv shim or a virtual environment that cannot import them, and a build
# embedding it would skip every suite that needs them. Where the system prefixes hold no
# python3, or one without its headers (no python3-dev), FindPython3's own search decides.
include_guard(GLOBAL)
if(NOT DEFINED Python3_EXECUTABLE AND NOT DEFINED CACHE{Python3_EXECUTABLE})
  list(TRANSFORM CMAKE_SYSTEM_PREFIX_PATH APPEND "/bin" OUTPUT_VARIABLE _pybuffer_system_bins)
  find_program(_pybuffer_system_python NAMES python3 PATHS ${_pybuffer_system_bins}
               NO_DEFAULT_PATH NO_CACHE)
  if(_pybuffer_system_python)
    string(CONCAT _pybuffer_has_headers "import os, sysconfig; assert os.path.isfile("
                  "os.path.join(sysconfig.get_paths()['include'], 'Python.h'))")
    execute_process(COMMAND "${_pybuffer_system_python}" -c "${_pybuffer_has_headers}"
                    RESULT_VARIABLE _pybuffer_unusable OUTPUT_QUIET ERROR_QUIET TIMEOUT 30)
    if(NOT _pybuffer_unusable)
      message(STATUS "pybuffer: default interpreter: the system's ${_pybuffer_system_python} "
                     "(-DPython3_EXECUTABLE=... chooses another)")
      set(Python3_EXECUTABLE "${_pybuffer_system_python}" CACHE FILEPATH
                             "The interpreter the build embeds and the tests run on")
    endif()
  endif()
  unset(_pybuffer_system_python)
  unset(_pybuffer_unusable)
  unset(_pybuffer_has_headers)
endif()
