# abi.host_symbols.<host>: every Py*/_Py* symbol the library leaves for the host to provide
# is defined by that host's libpython. Run once per CPython found, it shows that one build
# of the library loads into each of them.
#
#   cmake -DNM=<nm> -DLIBRARY=<libpybuffer.so> -DHOST_LIBRARY=<libpython> -P ...
cmake_minimum_required(VERSION 3.20)

foreach(var NM LIBRARY HOST_LIBRARY)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "${var} is not set")
  endif()
endforeach()
include("${CMAKE_CURRENT_LIST_DIR}/nm_symbols.cmake")

pybuffer_nm_symbols(undefined "${NM}" "${LIBRARY}" --undefined-only STRIP_VERSIONS)
list(FILTER undefined INCLUDE REGEX "^_?Py")
# The library needs the interpreter (exceptions, reference counts), so an empty list means
# nm's output was not understood.
if(undefined STREQUAL "")
  message(FATAL_ERROR "no undefined Py* symbol found in ${LIBRARY}")
endif()

pybuffer_nm_symbols(provided "${NM}" "${HOST_LIBRARY}" --defined-only STRIP_VERSIONS)
set(missing "${undefined}")
list(REMOVE_ITEM missing ${provided})
if(missing)
  list(JOIN missing "\n  " missing_text)
  message(FATAL_ERROR "${HOST_LIBRARY} does not define what ${LIBRARY} needs:\n"
                      "  ${missing_text}")
endif()
list(LENGTH undefined count)
message(STATUS "all ${count} Py* symbols the library needs are defined by ${HOST_LIBRARY}")
