// Sending one request to one exporter, through CPython's own function names (which this
// program's link order binds to libpybuffer), and recording everything the rules need.
#pragma once

#include <Python.h>

#include "model.hpp"
#include "requests.hpp"

namespace pybuffer::check {

/// The object's reference count cannot change (an immortal object of CPython 3.12+).
bool is_immortal(PyObject *obj);

/// Gets a view with `request.flags`, copies every field out of it, releases it, and returns
/// the record. Leaves no exception set. Reference counts the exporter lost to a release that
/// dropped more than it should are put back (and recorded), so the checker can go on.
Answer probe(PyObject *exporter, const Request &request, bool immortal);

}  // namespace pybuffer::check
