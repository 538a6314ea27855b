// The pending Python exception as a value (class and message), shared by the stress suites and
// the fuzzers. Compiled into each program against the Python.h of the host it embeds.
#pragma once

#include <Python.h>

#include <string>

namespace pybuffer_test {

struct Raised {
  bool set = false;
  PyObject *type = nullptr;  // borrowed: exception classes outlive every call under test
  std::string message;       // str(exception)
};

/// The pending exception, fetched and cleared; an empty Raised when none is pending.
Raised take_exception();

/// The name of an exception class, "(none)" for NULL: for failure messages.
const char *type_name(PyObject *type);

}  // namespace pybuffer_test
