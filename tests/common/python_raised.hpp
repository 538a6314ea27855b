// The pending Python exception as a value (class, message and the exception object), shared by
// every suite that embeds CPython. Compiled into each program against the Python.h of the host
// it embeds (pybuffer_test_python_support, tests/common/CMakeLists.txt).
#pragma once

#include <Python.h>

#include <string>

#include "python_ref.hpp"

namespace pybuffer_test {

struct Raised {
  bool set = false;
  PyObject *type = nullptr;  // borrowed: exception classes outlive every call under test
  std::string message;       // str(exception), "" when str() itself fails
  Ref value;                 // the (normalised) exception, for args or __context__
};

/// The pending exception, fetched and cleared; an empty Raised when none is pending.
Raised take_exception();

/// The name of an exception class, "(none)" for NULL: for failure messages.
const char *type_name(PyObject *type);

/// The UTF-8 of a str object, never failing: "<null>" for NULL, "<unprintable>" when it has
/// none (the exception of either is cleared). For messages.
std::string utf8_text(PyObject *text);

/// "ValueError: message", or "(no exception)": for failure messages.
std::string describe(const Raised &raised);

/// Takes the pending exception and describes it, for failures of a test's own set-up.
std::string take_exception_text();

/// `raised` is an exception of exactly `type` whose message contains `needle`.
bool raised_matches(const Raised &raised, PyObject *type, const char *needle);

}  // namespace pybuffer_test
