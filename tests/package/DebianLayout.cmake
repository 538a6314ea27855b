# Where the Debian packages put things, and which python their tools are built for. The
# package tests configure the packaging tree with these and read the unpacked packages at
# the same places.
#
# Defines PYBUFFER_DEB_PREFIX, PYBUFFER_DEB_LIBDIR (relative to the prefix: the multiarch
# directory, where pkg-config finds .pc files for cross builds too) and PYBUFFER_DEB_PYTHON.
set(PYBUFFER_DEB_PREFIX /usr)
if(CMAKE_LIBRARY_ARCHITECTURE)
  set(PYBUFFER_DEB_LIBDIR "lib/${CMAKE_LIBRARY_ARCHITECTURE}")
else()
  set(PYBUFFER_DEB_LIBDIR lib)
endif()
# The distribution's python3, looked up in the system prefixes only (pyenv shims or a virtual
# environment ahead on PATH would hide it): the tools link its libpython, which dpkg-shlibdeps
# then names as a dependency.
list(TRANSFORM CMAKE_SYSTEM_PREFIX_PATH APPEND "/bin" OUTPUT_VARIABLE _pybuffer_system_bins)
find_program(PYBUFFER_DEB_PYTHON NAMES python3 PATHS ${_pybuffer_system_bins} NO_DEFAULT_PATH)
if(NOT PYBUFFER_DEB_PYTHON)
  message(FATAL_ERROR "PYBUFFER_DEB_TESTS: no python3 in the system prefixes "
                      "(${_pybuffer_system_bins}); install python3-dev")
endif()
unset(_pybuffer_system_bins)
