// Owned references to Python objects, shared by every test program that embeds CPython
// (differential, format, stress, fuzz). Header-only: each program compiles it against the
// Python.h of the host it embeds.
#pragma once

#include <Python.h>

#include <utility>

namespace pybuffer_test {

/// An owned (strong) reference; null means "no object". Copies take one more reference.
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

}  // namespace pybuffer_test
