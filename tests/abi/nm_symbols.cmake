# Helper for the abi check scripts: the dynamic symbols of a shared object, via nm.

# Sets <out> to the sorted, de-duplicated names that `nm -D <filter>` prints for <file>;
# <filter> is --defined-only or --undefined-only. Version suffixes ("@GLIBC_2.34",
# "@@V1") are kept unless STRIP_VERSIONS is given, so that a symbol gaining a version is
# seen as a different symbol.
function(pybuffer_nm_symbols out nm file filter)
  cmake_parse_arguments(PARSE_ARGV 4 arg "STRIP_VERSIONS" "" "")
  execute_process(COMMAND "${nm}" -D ${filter} -P "${file}" OUTPUT_VARIABLE text
                  ERROR_VARIABLE error RESULT_VARIABLE failed)
  if(failed)
    message(FATAL_ERROR "${nm} -D ${filter} ${file} failed (${failed}): ${error}")
  endif()
  # POSIX format: one "name type [value size]" line per symbol.
  string(REGEX MATCHALL "[^\n]+" lines "${text}")
  set(names "")
  foreach(line IN LISTS lines)
    string(REGEX MATCH "^[^ ]+" name "${line}")
    if(arg_STRIP_VERSIONS)
      string(REGEX REPLACE "@.*$" "" name "${name}")
    endif()
    list(APPEND names "${name}")
  endforeach()
  list(REMOVE_DUPLICATES names)
  list(SORT names)
  set(${out} "${names}" PARENT_SCOPE)
endfunction()
