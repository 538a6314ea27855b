# Writes pybuffer_bindings/functions.py from the PYBUFFER_FUNCTIONS table of the public
# header, so the report and the library always know the same names.
# Usage: cmake -DHEADER=<pybuffer.h> -DOUTPUT=<functions.py> -P write_functions.cmake
include("${CMAKE_CURRENT_LIST_DIR}/../../cmake/PybufferHeaderFunctions.cmake")
pybuffer_header_functions("${HEADER}" functions)
set(names "")
foreach(name IN LISTS functions)
  string(APPEND names "    \"${name}\",\n")
endforeach()
string(CONCAT content
       "\"\"\"Generated from PYBUFFER_FUNCTIONS in pybuffer.h: the buffer functions, "
       "in its order.\"\"\"\n"
       "FUNCTIONS = [\n${names}]\n")
file(WRITE "${OUTPUT}" "${content}")
