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
