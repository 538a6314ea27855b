# abi.symbols: the defined dynamic symbols of the shared library equal the committed list
# exactly. Anything extra is an accidental ABI promise; anything missing breaks users.
#
#   cmake -DNM=<nm> -DLIBRARY=<libpybuffer.so> -DEXPECTED=<abi/exported_symbols.txt> -P ...
#
# A variant whose runtime spells CPython's names with another prefix (PyPy) also passes
# -DRENAMED_FROM=<abi/exported_symbols.txt> -DPREFIX=<prefix>: its list must be CPython's,
# each name starting with "Py" spelled with the prefix instead, and nothing else.
cmake_minimum_required(VERSION 3.20)

foreach(var NM LIBRARY EXPECTED)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "${var} is not set")
  endif()
endforeach()
include("${CMAKE_CURRENT_LIST_DIR}/nm_symbols.cmake")

file(STRINGS "${EXPECTED}" expected)
# The committed list is the reviewable form of the promise: keep it sorted and unique so
# that its diffs show exactly what changed.
set(sorted "${expected}")
list(REMOVE_DUPLICATES sorted)
list(SORT sorted)
if(NOT sorted STREQUAL expected)
  message(FATAL_ERROR "${EXPECTED} is not sorted (byte order) and free of duplicates")
endif()
if(expected STREQUAL "")
  message(FATAL_ERROR "${EXPECTED} is empty")
endif()

if(DEFINED RENAMED_FROM)
  file(STRINGS "${RENAMED_FROM}" renamed)
  list(TRANSFORM renamed REPLACE "^Py" "${PREFIX}")
  list(SORT renamed)
  if(NOT renamed STREQUAL expected)
    message(FATAL_ERROR "${EXPECTED} is not ${RENAMED_FROM} with the prefix ${PREFIX}")
  endif()
endif()

pybuffer_nm_symbols(actual "${NM}" "${LIBRARY}" --defined-only)
set(extra "${actual}")
list(REMOVE_ITEM extra ${expected})
set(missing "${expected}")
list(REMOVE_ITEM missing ${actual})
if(extra OR missing)
  list(JOIN extra "\n  " extra_text)
  list(JOIN missing "\n  " missing_text)
  message(FATAL_ERROR "exported symbols of ${LIBRARY} differ from ${EXPECTED}\n"
                      "exported but not listed:\n  ${extra_text}\n"
                      "listed but not exported:\n  ${missing_text}")
endif()
list(LENGTH actual count)
message(STATUS "${count} exported symbols, exactly as listed")
