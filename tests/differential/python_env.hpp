// The Python side of the suite: owned references, the helper namespace in which exporters
// are built from Python expressions, and capture of the pending exception.
#pragma once

#include <Python.h>

#include <string>
#include <utility>

namespace diff {

/// An owned (strong) reference; null means "no object".
class Ref {
 public:
  Ref() = default;
  explicit Ref(PyObject *owned) : p_(owned) {}
  static Ref borrow(PyObject *p) {
    Py_XINCREF(p);
    return Ref(p);
  }
  Ref(const Ref &other) : p_(other.p_) { Py_XINCREF(p_); }
  Ref(Ref &&other) noexcept : p_(std::exchange(other.p_, nullptr)) {}
  Ref &operator=(Ref other) noexcept {
    std::swap(p_, other.p_);
    return *this;
  }
  ~Ref() { Py_XDECREF(p_); }

  PyObject *get() const { return p_; }
  explicit operator bool() const { return p_ != nullptr; }

 private:
  PyObject *p_ = nullptr;
};

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
