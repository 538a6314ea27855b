// The Python side of the suite: owned references, the helper namespace in which exporters
// are built from Python expressions, and capture of the pending exception.
#pragma once

#include <Python.h>

#include <string>

#include "python_raised.hpp"
#include "python_ref.hpp"

namespace diff {

using Ref = pybuffer_test::Ref;

/// Runs the helper module's source once; false (with the Python traceback text) on failure.
bool init_python_helpers(std::string *error);

/// Evaluates `expr` in the helper namespace. A null result leaves the exception pending.
Ref eval(const std::string &expr);

/// Calls helper function `name` with one argument; null with the exception pending on error.
Ref call_helper(const char *name, PyObject *arg);

/// The running interpreter's minor version (3.x), read from sys.version_info.
int host_minor();

/// True when the helper namespace could import `module` (e.g. "_testbuffer", "ctypes").
bool helper_has(const char *module);

/// Bytes of root's whole buffer (memoryview(root).tobytes()), or a marker when it has none.
std::string snapshot(PyObject *root);

/// The class of the exception the helpers raise when a case cannot be built on this host.
PyObject *unavailable_error();

/// Refcount that is safe to print and compare (immortal objects report a large constant).
Py_ssize_t refcount(PyObject *o);

/// The pending exception, fetched and cleared.
struct Error {
  bool set = false;
  Ref type;                  // the class itself: compared by identity
  std::string type_name;     // for messages
  std::string message;       // str(exception)
  std::string context_type;  // type name of __context__, "" when none
};
Error take_error();

/// Formats the pending exception (and clears it), for diagnostics of the suite itself.
std::string take_error_text();

/// Sets the pending exception aside for its lifetime and restores it afterwards, so that
/// bookkeeping inside a slot cannot disturb the exception the slot returns with.
class PreserveError {
 public:
  PreserveError();
  ~PreserveError();
  PreserveError(const PreserveError &) = delete;
  PreserveError &operator=(const PreserveError &) = delete;

 private:
  PyObject *saved_[3] = {nullptr, nullptr, nullptr};
};

/// repr(o) as UTF-8, never failing.
std::string repr(PyObject *o);

}  // namespace diff
