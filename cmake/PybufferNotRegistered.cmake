# A record of the test suites this configuration does not register, and why, so that
# `tools/pybuffer-dev test` can list them beside the tests CTest skipped: a suite that never
# ran must not pass for one that passed. One line per suite in
# <build>/not_registered.txt, "suite<TAB>reason", rewritten by every configure.
include_guard(GLOBAL)
set(PYBUFFER_NOT_REGISTERED_FILE "${PROJECT_BINARY_DIR}/not_registered.txt")
file(WRITE "${PYBUFFER_NOT_REGISTERED_FILE}" "")

# Says at configure time that `suite` is not registered, and records it. The reason may come
# in several strings, joined as they are.
function(pybuffer_not_registered suite reason)
  string(JOIN "" reason "${reason}" ${ARGN})
  message(STATUS "pybuffer: ${suite} not registered: ${reason}")
  file(APPEND "${PYBUFFER_NOT_REGISTERED_FILE}" "${suite}\t${reason}\n")
endfunction()
