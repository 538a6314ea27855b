// The embedded host interpreter as the format tests use it: owned references, the outcome
// of one call (value or exception), and printable formats.
#pragma once

#include <Python.h>

#include <string>

#include "python_raised.hpp"
#include "python_ref.hpp"
#include "python_start.hpp"

namespace format_test {

using Ref = pybuffer_test::Ref;

/// What a call returned: a size, or the exception it raised (class, str() and args).
struct Outcome {
  Py_ssize_t value = -1;
  PyObject *type = nullptr;  // borrowed: exception classes outlive the test
  Ref args;
  std::string message;

  bool raised() const { return type != nullptr; }
};

/// Takes the result of a call: `value`, plus the pending exception if any (cleared).
Outcome take_outcome(Py_ssize_t value);

/// Same value, same exception class, equal args and equal str(); else a description.
bool same_outcome(const Outcome &expected, const Outcome &actual, std::string *why);

/// "struct.error: bad char in struct format" or "8".
std::string describe(const Outcome &outcome);

/// The format as a C string literal body: printable ASCII kept, everything else \xNN.
std::string escape(const std::string &format);

/// Text of the pending exception (cleared), for failures of the test's own set-up.
using pybuffer_test::take_exception_text;
/// Starts the embedded interpreter; the format tests pass the host's own executable.
using pybuffer_test::start_python;

/// The major.minor of the running interpreter, e.g. "3.11.7".
std::string host_version();

}  // namespace format_test
