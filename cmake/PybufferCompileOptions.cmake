# Per-target compile settings shared by the project's own targets (no global flags).
function(pybuffer_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra)
  if(PYBUFFER_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

function(pybuffer_set_sanitizers target)
  if(PYBUFFER_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=${PYBUFFER_SANITIZE}
                                             -fno-omit-frame-pointer -fno-sanitize-recover=all)
    target_link_options(${target} PRIVATE -fsanitize=${PYBUFFER_SANITIZE})
  endif()
endfunction()

# Settings of the project's own code: C++17, warnings, sanitizers.
function(pybuffer_project_target target)
  target_compile_features(${target} PRIVATE cxx_std_17)
  pybuffer_set_warnings(${target})
  pybuffer_set_sanitizers(${target})
endfunction()

# A C extension module of a test suite, loaded by an interpreter from <directory>:
#   pybuffer_test_extension(<target> SOURCES <file>... INCLUDE_DIR <Python.h's directory>
#                           DIRECTORY <dir> SUFFIX <suffix> [OUTPUT_NAME <module>]
#                           [LIBRARIES <library>...])
function(pybuffer_test_extension target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "INCLUDE_DIR;DIRECTORY;SUFFIX;OUTPUT_NAME"
                        "SOURCES;LIBRARIES")
  add_library(${target} MODULE ${arg_SOURCES})
  target_include_directories(${target} SYSTEM PRIVATE "${arg_INCLUDE_DIR}")
  if(arg_LIBRARIES)
    target_link_libraries(${target} PRIVATE ${arg_LIBRARIES})
  endif()
  if(NOT arg_OUTPUT_NAME)
    set(arg_OUTPUT_NAME ${target})
  endif()
  set_target_properties(${target} PROPERTIES OUTPUT_NAME ${arg_OUTPUT_NAME} PREFIX ""
                                             SUFFIX "${arg_SUFFIX}"
                                             LIBRARY_OUTPUT_DIRECTORY "${arg_DIRECTORY}"
                                             C_STANDARD 11 C_VISIBILITY_PRESET hidden)
  pybuffer_set_warnings(${target})
endfunction()
