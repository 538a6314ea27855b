# The version is written once, in include/pybuffer/pybuffer.h (PYBUFFER_VERSION_MAJOR/MINOR/
# PATCH, which pybuffer_version() reports). The top-level CMakeLists.txt gives it to project()
# and so to the package files; the package test reads the installed header with the same rule.

# pybuffer_header_version(<header> <variable>): "MAJOR.MINOR.PATCH" as <header> defines it.
function(pybuffer_header_version header variable)
  file(STRINGS "${header}" lines REGEX "^#define PYBUFFER_VERSION_(MAJOR|MINOR|PATCH) +[0-9]+ *$")
  set(version "")
  foreach(part MAJOR MINOR PATCH)
    if(NOT lines MATCHES "PYBUFFER_VERSION_${part} +([0-9]+)")
      message(FATAL_ERROR "${header} does not define PYBUFFER_VERSION_${part}")
    endif()
    list(APPEND version "${CMAKE_MATCH_1}")
  endforeach()
  list(JOIN version "." version)
  set(${variable} "${version}" PARENT_SCOPE)
endfunction()
