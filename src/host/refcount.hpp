// Reference counts, as cheap as the host's own inline macros where the profile pins the
// object header, and through the interpreter's Py_IncRef/Py_DecRef everywhere else (always,
// under a profile without inline_refcounts: there the header is not even read).
//
// Inline counting is allowed only for counts in 1..inline_limit (Py_DecRef: 2..limit, so
// the count never reaches 0 here and deallocation stays the interpreter's). inline_limit
// is 0 until the interpreter has been found, so the first call of each takes the function
// path, which finds it and sets the limit the profile's rule gives for its version.
#pragma once

#include <Python.h>

#include <atomic>

#include "host/profile.hpp"

namespace pybuffer::host {

namespace detail {
extern std::atomic<Py_ssize_t> inline_limit;
[[gnu::noinline]] void incref_call(PyObject *obj);
[[gnu::noinline]] void decref_call(PyObject *obj);
}  // namespace detail

inline void incref(PyObject *obj) {
  if constexpr (!profile::inline_refcounts) {
    detail::incref_call(obj);
    return;
  }
  const Py_ssize_t count = obj->ob_refcnt;
  if (__builtin_expect(count > 0 && count < detail::inline_limit.load(std::memory_order_relaxed),
                       1)) {
    obj->ob_refcnt = count + 1;
  } else {
    detail::incref_call(obj);
  }
}

inline void decref(PyObject *obj) {
  if constexpr (!profile::inline_refcounts) {
    detail::decref_call(obj);
    return;
  }
  const Py_ssize_t count = obj->ob_refcnt;
  if (__builtin_expect(count > 1 && count <= detail::inline_limit.load(std::memory_order_relaxed),
                       1)) {
    obj->ob_refcnt = count - 1;
  } else {
    detail::decref_call(obj);
  }
}

/// Sets the inline limit for the interpreter found (called once it is).
void choose_refcount_rule(unsigned long version_hex, bool debug_build);

}  // namespace pybuffer::host
