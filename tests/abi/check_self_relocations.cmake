# abi.self_relocations: no dynamic relocation of the shared library refers to one of its own
# exported symbols. Such a relocation (a PLT call or a GOT load of, say, PyBuffer_Release)
# would let whichever object comes first in symbol lookup, libpython for one, take over
# the library's internal calls; internal code must call hidden functions instead.
#
#   cmake -DREADELF=<readelf> -DLIBRARY=<libpybuffer.so> -DEXPECTED=<exported_symbols.txt> -P ...
cmake_minimum_required(VERSION 3.20)

foreach(var READELF LIBRARY EXPECTED)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "${var} is not set")
  endif()
endforeach()
file(STRINGS "${EXPECTED}" exported)

execute_process(COMMAND "${READELF}" -W -r "${LIBRARY}" OUTPUT_VARIABLE text
                ERROR_VARIABLE error RESULT_VARIABLE failed)
if(failed)
  message(FATAL_ERROR "${READELF} -W -r ${LIBRARY} failed (${failed}): ${error}")
endif()

# A relocation against a symbol reads "offset info type symbol-value name[@version] + addend";
# relocations without a symbol (R_*_RELATIVE) have no name column and are skipped.
string(REGEX MATCHALL "[^\n]+" lines "${text}")
set(named 0)
set(offending "")
foreach(line IN LISTS lines)
  if(line MATCHES "^ *[0-9a-fA-F]+ +[0-9a-fA-F]+ +R_[A-Za-z0-9_]+ +[0-9a-fA-F]+ +([^ ]+)")
    math(EXPR named "${named} + 1")
    string(REGEX REPLACE "@.*$" "" name "${CMAKE_MATCH_1}")
    if(name IN_LIST exported)
      list(APPEND offending "${line}")
    endif()
  endif()
endforeach()
# The library imports functions from libpython and libc, so a parse that finds no named
# relocation means readelf's format was not understood, not that the library is clean.
if(named EQUAL 0)
  message(FATAL_ERROR "no relocation against a symbol found in the output of ${READELF}:\n"
                      "${text}")
endif()
if(offending)
  list(JOIN offending "\n  " offending_text)
  message(FATAL_ERROR "${LIBRARY} relocates against its own exported symbols:\n"
                      "  ${offending_text}")
endif()
message(STATUS "${named} relocations against symbols, none against an exported one")
