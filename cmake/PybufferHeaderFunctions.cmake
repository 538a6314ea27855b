# pybuffer_header_functions(<header> <variable> [<table>]): the CPython names of the
# PYBUFFER_FUNCTIONS table (or the table named, say PYBUFFER_LEGACY_FUNCTIONS) in <header>, in
# its order. Whatever lists the fifteen functions (the binding report,
# the API reference's check) reads them from the table, so it cannot fall behind it.
function(pybuffer_header_functions header variable)
  set(table_name PYBUFFER_FUNCTIONS)
  if(ARGC GREATER 2)
    set(table_name "${ARGV2}")
  endif()
  file(READ "${header}" text)
  # The table runs from its #define to the first blank line.
  string(FIND "${text}" "#define ${table_name}(X)" start)
  if(start EQUAL -1)
    message(FATAL_ERROR "no ${table_name} table in ${header}")
  endif()
  string(SUBSTRING "${text}" ${start} -1 table)
  string(FIND "${table}" "\n\n" end)
  string(SUBSTRING "${table}" 0 ${end} table)
  string(REGEX MATCHALL "X\\([^,]+, *([A-Za-z_]+)," entries "${table}")
  set(names "")
  foreach(entry IN LISTS entries)
    string(REGEX REPLACE "X\\([^,]+, *([A-Za-z_]+)," "\\1" name "${entry}")
    list(APPEND names "${name}")
  endforeach()
  if(NOT names)
    message(FATAL_ERROR "no ${table_name} entries found in ${header}")
  endif()
  set(${variable} "${names}" PARENT_SCOPE)
endfunction()
