// CPython 2.7's old-protocol functions, for the 2.7 variant (capi/legacy.cpp is 3.x's):
// they read the old slots (host/old_protocol.hpp), not bf_getbuffer, as 2.7's do.
#include <Python.h>

#include "capi/entry_points.hpp"
#include "host/host.hpp"
#include "host/old_protocol.hpp"

using namespace pybuffer;

namespace {

int single_segment(PyObject *obj, host::OldSlot slot, void **buffer, Py_ssize_t *buffer_len) {
  if (obj == nullptr || buffer == nullptr || buffer_len == nullptr) {
    host::raise_null_error();
    return -1;
  }
  return host::old_single_segment(obj, slot, buffer, buffer_len);
}

}  // namespace

PYBUFFER_PUBLISH(PyObject_AsCharBuffer);
extern "C" int pybuffer_impl_PyObject_AsCharBuffer(PyObject *obj, const char **buffer,
                                                   Py_ssize_t *buffer_len) {
  PYBUFFER_COUNT_CALL(PyObject_AsCharBuffer);
  return single_segment(obj, host::OldSlot::chars,
                        reinterpret_cast<void **>(const_cast<char **>(buffer)), buffer_len);
}

PYBUFFER_PUBLISH(PyObject_AsReadBuffer);
extern "C" int pybuffer_impl_PyObject_AsReadBuffer(PyObject *obj, const void **buffer,
                                                   Py_ssize_t *buffer_len) {
  PYBUFFER_COUNT_CALL(PyObject_AsReadBuffer);
  return single_segment(obj, host::OldSlot::read, const_cast<void **>(buffer), buffer_len);
}

PYBUFFER_PUBLISH(PyObject_AsWriteBuffer);
extern "C" int pybuffer_impl_PyObject_AsWriteBuffer(PyObject *obj, void **buffer,
                                                    Py_ssize_t *buffer_len) {
  PYBUFFER_COUNT_CALL(PyObject_AsWriteBuffer);
  return single_segment(obj, host::OldSlot::write, buffer, buffer_len);
}

PYBUFFER_PUBLISH(PyObject_CheckReadBuffer);
extern "C" int pybuffer_impl_PyObject_CheckReadBuffer(PyObject *obj) {
  PYBUFFER_COUNT_CALL(PyObject_CheckReadBuffer);
  // 2.7 dereferences a NULL obj; it has no buffer.
  return obj != nullptr && host::old_has_single_read_segment(obj);
}
