# Writes pybuffer_bindings/functions.py from the PYBUFFER_FUNCTIONS table of the public
# header, so the report and the library always know the same names.
# Usage: cmake -DHEADER=<pybuffer.h> -DOUTPUT=<functions.py> -P write_functions.cmake
file(READ "${HEADER}" header)
# The table runs from its #define to the first blank line.
string(FIND "${header}" "#define PYBUFFER_FUNCTIONS(X)" start)
if(start EQUAL -1)
  message(FATAL_ERROR "no PYBUFFER_FUNCTIONS table in ${HEADER}")
endif()
string(SUBSTRING "${header}" ${start} -1 table)
string(FIND "${table}" "\n\n" end)
string(SUBSTRING "${table}" 0 ${end} table)
string(REGEX MATCHALL "X\\([^,]+, *([A-Za-z_]+)," entries "${table}")
set(names "")
foreach(entry IN LISTS entries)
  string(REGEX REPLACE "X\\([^,]+, *([A-Za-z_]+)," "\\1" name "${entry}")
  string(APPEND names "    \"${name}\",\n")
endforeach()
if(names STREQUAL "")
  message(FATAL_ERROR "no PYBUFFER_FUNCTIONS entries found in ${HEADER}")
endif()
string(CONCAT content
       "\"\"\"Generated from PYBUFFER_FUNCTIONS in pybuffer.h: the buffer functions, "
       "in its order.\"\"\"\n"
       "FUNCTIONS = [\n${names}]\n")
file(WRITE "${OUTPUT}" "${content}")
