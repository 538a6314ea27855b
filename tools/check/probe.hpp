// Sending one request to one exporter, through pybuffer's PyObject_GetBuffer and
// PyBuffer_Release, and recording everything the rules need.
#pragma once

#include <Python.h>

#include "model.hpp"
#include "requests.hpp"

namespace pybuffer::check {

/// The two functions every request goes through, and the names they are reported under.
/// The executable calls CPython's names, which its link order binds to libpybuffer; a module
/// loaded into an interpreter would get that interpreter's own functions under those names,
/// so it calls pybuffer's namespaced twins.
struct BufferCalls {
  int (*get)(PyObject *, Py_buffer *, int);
  void (*release)(Py_buffer *);
  const char *get_name;
  const char *release_name;
  const char *host;  // RunInfo::host
};

/// The object's reference count cannot change (an immortal object of CPython 3.12+).
bool is_immortal(PyObject *obj);

/// Gets a view with `request.flags`, copies every field out of it, releases it, and returns
/// the record. Leaves no exception set. Reference counts the exporter lost to a release that
/// dropped more than it should are put back (and recorded), so the checker can go on.
Answer probe(PyObject *exporter, const Request &request, bool immortal, const BufferCalls &calls);

}  // namespace pybuffer::check
