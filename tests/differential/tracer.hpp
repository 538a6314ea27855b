// A static exporter type that wraps another exporter and logs every call of its buffer slots,
// so that a test can compare which slots CPython and pybuffer call, with which flags, in
// which order, and whether each release gets back the very Py_buffer its export filled.
#pragma once

#include <Python.h>

#include <string>

#include "python_env.hpp"

namespace diff {

enum class TracerMode : int {
  forward = 0,  // forward to the wrapped exporter
  refuse = 1,   // bf_getbuffer raises BufferError (an exporter that refuses every request)
};

/// The type, ready once init_tracer_type() succeeded (it is also `Tracer` in the helpers).
PyTypeObject *tracer_type();
bool init_tracer_type();

/// Tracer(wrapped, mode).
Ref make_tracer(PyObject *wrapped, TracerMode mode = TracerMode::forward);
bool is_tracer(PyObject *o);

/// The calls since the last clear, e.g. "get#0(0x11c)=0 release#0"; requests are numbered
/// from the last clear on.
std::string tracer_log(PyObject *tracer);
void tracer_clear_log(PyObject *tracer);

/// The wrapped exporter (borrowed), or NULL.
PyObject *tracer_wrapped(PyObject *tracer);

}  // namespace diff
