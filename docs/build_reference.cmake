# Builds the API reference and checks that it covers the API: doxygen (any warning is an
# error, Doxyfile.in), then every function of the PYBUFFER_FUNCTIONS table (and of legacy.h's
# PYBUFFER_LEGACY_FUNCTIONS) has an entry of its own, and the pages have their tables and examples.
#
#   cmake -DDOXYGEN=... -DDOXYFILE=... -DOUTPUT=<its OUTPUT_DIRECTORY> -DHEADER=<pybuffer.h> -P ...
cmake_minimum_required(VERSION 3.20)
include("${CMAKE_CURRENT_LIST_DIR}/../cmake/PybufferHeaderFunctions.cmake")

file(REMOVE_RECURSE "${OUTPUT}")
get_filename_component(directory "${DOXYFILE}" DIRECTORY)
execute_process(COMMAND "${DOXYGEN}" "${DOXYFILE}" WORKING_DIRECTORY "${directory}"
                RESULT_VARIABLE failed)
if(failed)
  message(FATAL_ERROR "doxygen failed (${failed}): warnings are errors")
endif()

# Fails unless the page `file` of the HTML output contains each of the strings that follow.
function(expect_in file)
  set(path "${OUTPUT}/html/${file}")
  if(NOT EXISTS "${path}")
    message(FATAL_ERROR "the reference has no ${file}")
  endif()
  file(READ "${path}" text)
  foreach(expected IN LISTS ARGN)
    string(FIND "${text}" "${expected}" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "${file} lacks '${expected}'")
    endif()
  endforeach()
endfunction()

# A documented member has a title of its own: "&#9670;&nbsp;</a></span>NAME()".
pybuffer_header_functions("${HEADER}" functions)
set(titles "")
foreach(name IN LISTS functions ITEMS pybuffer_version pybuffer_host_version_hex
                                   pybuffer_format_info)
  list(APPEND titles "</a></span>${name}()</h2>")
endforeach()
expect_in(pybuffer_8h.html ${titles})
# legacy.h, next to pybuffer.h: its table's functions.
get_filename_component(include_dir "${HEADER}" DIRECTORY)
pybuffer_header_functions("${include_dir}/legacy.h" legacy PYBUFFER_LEGACY_FUNCTIONS)
set(titles "")
foreach(name IN LISTS legacy)
  list(APPEND titles "</a></span>${name}()</h2>")
endforeach()
expect_in(legacy_8h.html ${titles})
expect_in(structPy__buffer.html "suboffsets" "internal")
# The README's tables and the compiled examples, pulled in by the pages.
expect_in(api_functions.html "PyObject_CheckReadBuffer" "pybuffer_format_info")
expect_in(api_differences.html "SystemError" "crashes")
expect_in(api_using.html "PyInit_vendored_example" "PyBuffer_ToContiguous" "LD_PRELOAD")
expect_in(index.html "api_functions.html" "api_differences.html" "api_using.html")
list(LENGTH functions count)
message(STATUS "reference: ${OUTPUT}/html/index.html (${count} functions of the table)")
