#include "python_start.hpp"

#include <Python.h>

#include <cstdio>

// The test programs never finalise the interpreter before LeakSanitizer looks, and it keeps
// interned strings, type caches and module state for the life of the process (some behind
// pointers LeakSanitizer cannot follow), so allocations made inside libpython are not
// reported. pybuffer's own allocations still are; Python objects leaked through a
// reference-count mistake are caught by the suites' reference-count checks.
extern "C" const char *__lsan_default_suppressions() {
  return "leak:libpython\n";
}

namespace pybuffer_test {

bool start_python(const char *program) {
  if (Py_IsInitialized()) return true;
  if (program == nullptr) {
    Py_InitializeEx(0);
  } else {
#if PY_VERSION_HEX < 0x03080000
    // No PyConfig before 3.8: the program name is set beforehand and kept for the process.
    wchar_t *name = Py_DecodeLocale(program, nullptr);
    if (name == nullptr) {
      std::fprintf(stderr, "cannot decode the program name %s\n", program);
      return false;
    }
    Py_SetProgramName(name);
    Py_InitializeEx(0);
#else
    PyConfig config;
    PyConfig_InitPythonConfig(&config);
    config.install_signal_handlers = 0;
    PyStatus status = PyConfig_SetBytesString(&config, &config.program_name, program);
    if (!PyStatus_Exception(status)) status = Py_InitializeFromConfig(&config);
    PyConfig_Clear(&config);
    if (PyStatus_Exception(status)) {
      std::fprintf(stderr, "cannot start the host interpreter: %s\n",
                   status.err_msg != nullptr ? status.err_msg : "?");
      return false;
    }
#endif
  }
  if (!Py_IsInitialized()) {
    std::fprintf(stderr, "the embedded interpreter did not start\n");
    return false;
  }
  return true;
}

}  // namespace pybuffer_test
