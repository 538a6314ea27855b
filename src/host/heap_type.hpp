// The library's own heap types ("pybuffer.memory", "pybuffer.buffer"): each made once per
// process with PyType_FromSpec, under the GIL every entry point holds, and never freed.
// Two threads can only both make one if PyType_FromSpec released the GIL; then one type is
// simply never used. Not handled: a process that finalises its interpreter and starts
// another keeps using the first one's types, and sub-interpreters share them.
#pragma once

#include <atomic>

#include "host/host.hpp"

namespace pybuffer::host {

/// The type made from `spec` at first use and kept in `made`; NULL with the exception set.
PyTypeObject *heap_type_once(std::atomic<PyTypeObject *> &made, PyType_Spec &spec);

/// A new zeroed instance of the heap type `type` (its tp_alloc), or NULL with the exception.
PyObject *allocate_instance(PyTypeObject *type);

/// The end of a tp_dealloc: frees the instance (tp_free) and drops the reference to its
/// type that every instance of a heap type holds.
void free_instance(PyObject *self);

/// A tp_new refusing to make instances from Python: TypeError "cannot create '<name>'
/// instances", as CPython's own internal types say.
PyObject *refuse_new(PyTypeObject *type, PyObject *args, PyObject *kwargs);

}  // namespace pybuffer::host
