# abi.undefined_symbols: the library leaves nothing of the interpreter for the dynamic linker
# to bind. Its only undefined dynamic symbols are the C library's (versioned) and the weak
# ones every toolchain emits, so it loads into any process (one without an interpreter, one
# run with LD_BIND_NOW=1); the interpreter is looked up at run time (src/host).
#
# In a sanitizer build the runtime (libasan, libubsan) defines malloc, memcpy and the like
# unversioned and the library is bound to it; there only the interpreter's names are refused.
#
#   cmake -DNM=<nm> -DLIBRARY=<libpybuffer.so> [-DSANITIZED=ON] -P ...
cmake_minimum_required(VERSION 3.20)

foreach(var NM LIBRARY)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "${var} is not set")
  endif()
endforeach()

execute_process(COMMAND "${NM}" -D --undefined-only -P "${LIBRARY}" OUTPUT_VARIABLE text
                ERROR_VARIABLE error RESULT_VARIABLE failed)
if(failed)
  message(FATAL_ERROR "${NM} -D --undefined-only ${LIBRARY} failed (${failed}): ${error}")
endif()
# POSIX format: "name type" per line; U strong undefined, w/v weak.
string(REGEX MATCHALL "[^\n]+" lines "${text}")
set(libc 0)
set(offending "")
foreach(line IN LISTS lines)
  if(NOT line MATCHES "^([^ ]+) ([A-Za-z])")
    message(FATAL_ERROR "unexpected nm line: ${line}")
  endif()
  set(name "${CMAKE_MATCH_1}")
  set(type "${CMAKE_MATCH_2}")
  if(name MATCHES "^_?Py")
    list(APPEND offending "${name} (${type})")
  elseif(name MATCHES "@GLIBC_" OR (SANITIZED AND name MATCHES "^(malloc|memcpy)$"))
    math(EXPR libc "${libc} + 1")
  elseif(NOT SANITIZED AND NOT type MATCHES "^[wv]$")
    list(APPEND offending "${name} (${type})")
  endif()
endforeach()
# The library calls malloc and memcpy at least: none found means nm was not understood.
if(libc EQUAL 0)
  message(FATAL_ERROR "no C library symbol found among the undefined symbols of ${LIBRARY}")
endif()
if(offending)
  list(JOIN offending "\n  " offending_text)
  message(FATAL_ERROR "${LIBRARY} needs symbols from whoever loads it:\n  ${offending_text}")
endif()
if(SANITIZED)
  message(STATUS "${LIBRARY}: no undefined symbol of Python (sanitizer build)")
else()
  message(STATUS "${LIBRARY}: ${libc} undefined symbols, all the C library's; none of Python's")
endif()
