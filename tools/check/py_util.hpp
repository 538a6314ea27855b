// Small helpers over the embedded interpreter: owned references, and exceptions taken out of
// the interpreter as plain strings.
#pragma once

#include <Python.h>

#include <cstddef>
#include <string>
#include <utility>

namespace pybuffer::check {

/// An owned (strong) reference; releases it on destruction.
class Ref {
 public:
  Ref() = default;
  explicit Ref(PyObject *owned) : object_(owned) {}
  Ref(const Ref &other) : object_(other.object_) { Py_XINCREF(object_); }
  Ref(Ref &&other) noexcept : object_(other.object_) { other.object_ = nullptr; }
  Ref &operator=(Ref other) noexcept {
    std::swap(object_, other.object_);
    return *this;
  }
  ~Ref() { Py_XDECREF(object_); }

  static Ref borrow(PyObject *borrowed) {
    Py_XINCREF(borrowed);
    return Ref(borrowed);
  }

  PyObject *get() const { return object_; }
  explicit operator bool() const { return object_ != nullptr; }

 private:
  PyObject *object_ = nullptr;
};

/// The pending exception, fetched and cleared.
struct TakenError {
  bool set = false;
  bool is_buffer_error = false;  // BufferError or a subclass
  std::string type;              // the exception type's name
  std::string message;           // str(exception)
};

TakenError take_error();

/// str(obj), or "<unprintable T>" (never leaves an exception set).
std::string str_of(PyObject *obj);

/// repr(obj) without memory addresses, cut to `limit` characters with "..." (never leaves an
/// exception set).
std::string short_repr(PyObject *obj, std::size_t limit);

const char *type_name(PyObject *obj);

}  // namespace pybuffer::check
