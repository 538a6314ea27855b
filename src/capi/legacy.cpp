// The pre-3.0 stable-ABI buffer functions, which CPython keeps as thin wrappers over the
// new protocol (declared up to 3.12, still exported by 3.13).
#include <Python.h>

#include "capi/entry_points.hpp"
#include "host/host.hpp"

using namespace pybuffer;

namespace {

// The view is released at once: the pointer stays valid only as long as the exporter
// keeps its memory, which is the legacy API's documented contract.
int borrow_pointer(PyObject *obj, const void **buffer, Py_ssize_t *buffer_len) {
  if (obj == nullptr || buffer == nullptr || buffer_len == nullptr) {
    host::raise_null_error();
    return -1;
  }
  Py_buffer view;
  if (host::get_buffer(obj, &view, PyBUF_SIMPLE) != 0) return -1;
  *buffer = view.buf;
  *buffer_len = view.len;
  host::release(&view);
  return 0;
}

}  // namespace

PYBUFFER_PUBLISH(PyObject_AsCharBuffer);
extern "C" int pybuffer_impl_PyObject_AsCharBuffer(PyObject *obj, const char **buffer,
                                                   Py_ssize_t *buffer_len) {
  PYBUFFER_COUNT_CALL(PyObject_AsCharBuffer);
  return borrow_pointer(obj, reinterpret_cast<const void **>(buffer), buffer_len);
}

PYBUFFER_PUBLISH(PyObject_AsReadBuffer);
extern "C" int pybuffer_impl_PyObject_AsReadBuffer(PyObject *obj, const void **buffer,
                                                   Py_ssize_t *buffer_len) {
  PYBUFFER_COUNT_CALL(PyObject_AsReadBuffer);
  return borrow_pointer(obj, buffer, buffer_len);
}

PYBUFFER_PUBLISH(PyObject_AsWriteBuffer);
extern "C" int pybuffer_impl_PyObject_AsWriteBuffer(PyObject *obj, void **buffer,
                                                    Py_ssize_t *buffer_len) {
  PYBUFFER_COUNT_CALL(PyObject_AsWriteBuffer);
  if (obj == nullptr || buffer == nullptr || buffer_len == nullptr) {
    host::raise_null_error();
    return -1;
  }
  Py_buffer view;
  // Any refusal, whatever the exporter raised, becomes this one TypeError.
  const getbufferproc getbuffer = host::getbuffer_slot(obj);
  if (getbuffer == nullptr || getbuffer(obj, &view, PyBUF_WRITABLE) != 0) {
    host::set_error(host::Exception::type_error, "expected a writable bytes-like object");
    return -1;
  }
  *buffer = view.buf;
  *buffer_len = view.len;
  host::release(&view);
  return 0;
}

PYBUFFER_PUBLISH(PyObject_CheckReadBuffer);
extern "C" int pybuffer_impl_PyObject_CheckReadBuffer(PyObject *obj) {
  PYBUFFER_COUNT_CALL(PyObject_CheckReadBuffer);
  if (obj == nullptr) return 0;
  const getbufferproc getbuffer = host::getbuffer_slot(obj);
  if (getbuffer == nullptr) return 0;
  Py_buffer view;
  if (getbuffer(obj, &view, PyBUF_SIMPLE) == -1) {
    host::clear_error();
    return 0;
  }
  host::release(&view);
  return 1;
}
