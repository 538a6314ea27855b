# pybuffer_report_variant(<name> <option variable> <found> <reason> <include dir>): the one
# status line of an optional build variant (PyPy, CPython 2.7), or the configure error when its
# option is ON (required) and its runtime was not found.
include_guard(GLOBAL)

function(pybuffer_report_variant name option found reason include_dir)
  if(found)
    message(STATUS "pybuffer: ${name} variant built against ${include_dir}")
  elseif("${${option}}" STREQUAL "ON")
    message(FATAL_ERROR "pybuffer: ${option} is ON but ${reason}")
  else()
    message(STATUS "pybuffer: ${name} variant not built: ${reason}")
  endif()
endfunction()
