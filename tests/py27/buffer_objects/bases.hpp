// The Python side of py27.buffer_objects: the globals its expressions run in, where a
// case's base is made afresh for each side by the same expression.
#pragma once

#include <Python.h>

#include <string>

namespace py27::buffer_objects {

/// The globals of every expression: builtins, array, ctypes, mmap, warnings, mapped() (a
/// fresh 12-byte mmap) and the test's own exporters old_slots, new_slots, two_segments.
extern PyObject *globals;

/// Makes `globals`, after Py_Initialize.
void make_globals();

/// The value of a Python expression in `globals` (a new reference), or NULL with a test
/// failure naming the exception.
PyObject *evaluate(const std::string &expression);

}  // namespace py27::buffer_objects
