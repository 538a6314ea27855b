// PyObject_CheckBuffer, a function since 3.0 (2.7 has only the macro, so the 2.7 variant
// does not compile this file).
#include <Python.h>

#include "capi/entry_points.hpp"
#include "host/host.hpp"

using namespace pybuffer;

PYBUFFER_PUBLISH(PyObject_CheckBuffer);
extern "C" int pybuffer_impl_PyObject_CheckBuffer(PyObject *obj) {
  PYBUFFER_COUNT_CALL(PyObject_CheckBuffer);
  // No error channel: a NULL object simply has no buffer.
  return obj != nullptr && host::has_buffer_slot(obj);
}
