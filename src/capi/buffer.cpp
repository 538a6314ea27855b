// Getting, releasing and filling views: the exporter-facing half of the protocol (CheckBuffer,
// a 3.x function only, is in check_buffer.cpp). GetBuffer and Release are what extensions call
// most: their common case is the host's inline slot dispatch and nothing else; every unusual case
// is out of line.
#include <Python.h>

#include "capi/entry_points.hpp"
#include "capi/raise.hpp"
#include "host/host.hpp"

using namespace pybuffer;

namespace {

// The uncommon requests of PyObject_GetBuffer: a 3.13+ host's flags rule, NULL arguments.
[[gnu::cold, gnu::noinline]] int get_buffer_unusual(PyObject *obj, Py_buffer *view, int flags) {
  if ((flags == PyBUF_READ || flags == PyBUF_WRITE) && host::rejects_read_write_flags()) {
    host::raise_host_flags_error_for_get_buffer(obj, view, flags);
    return -1;
  }
  if (obj == nullptr) {
    capi::raise_null("PyObject_GetBuffer", "obj");
    return -1;
  }
  // CPython hands a NULL view to the exporter; its own exporters (bytes, bytearray, array)
  // refuse it with this BufferError, others would write through it: refused here for all,
  // after the TypeError of an object without the slot (which get_buffer raises).
  if (view == nullptr && host::has_buffer_slot(obj)) {
    host::set_error(host::Exception::buffer_error,
                    "PyObject_GetBuffer: view==NULL argument is obsolete");
    return -1;
  }
  return host::get_buffer(obj, view, flags);
}

// PyBuffer_FillInfo's view, once the request is accepted. The reference is taken last, so
// that nothing is live across the interpreter call a count may need.
inline int fill_view(Py_buffer *view, PyObject *obj, void *buf, Py_ssize_t len, int readonly,
                     int flags) {
  view->obj = obj;
  view->buf = buf;
  view->len = len;
  view->readonly = readonly;
  view->itemsize = 1;
  view->format = (flags & PyBUF_FORMAT) == PyBUF_FORMAT ? const_cast<char *>("B") : nullptr;
  view->ndim = 1;
  view->shape = (flags & PyBUF_ND) == PyBUF_ND ? &view->len : nullptr;
  view->strides = (flags & PyBUF_STRIDES) == PyBUF_STRIDES ? &view->itemsize : nullptr;
  view->suboffsets = nullptr;
  view->internal = nullptr;
  if (obj != nullptr) host::incref(obj);
  return 0;
}

// The requests PyBuffer_FillInfo refuses, in CPython's order of checks, and the PyBUF_READ /
// PyBUF_WRITE requests a host before 3.13 accepts.
[[gnu::cold, gnu::noinline]] int fill_info_unusual(Py_buffer *view, PyObject *obj, void *buf,
                                                   Py_ssize_t len, int readonly, int flags) {
  if (view == nullptr) {
    if constexpr (host::profile::fill_info_null_view_is_noop) return 0;
    host::set_error(host::Exception::buffer_error,
                    "PyBuffer_FillInfo: view==NULL argument is obsolete");
    return -1;
  }
  if ((flags == PyBUF_READ || flags == PyBUF_WRITE) && host::rejects_read_write_flags()) {
    host::raise_host_flags_error_for_fill_info(view, obj, buf, len, readonly, flags);
    return -1;
  }
  if ((flags & PyBUF_WRITABLE) == PyBUF_WRITABLE && readonly == 1) {
    host::set_error(host::Exception::buffer_error, "Object is not writable.");
    return -1;
  }
  if (len < 0) {
    capi::raise(core::Status{core::Code::negative_len, -1, len}, "PyBuffer_FillInfo");
    return -1;
  }
  // A PyBUF_READ / PyBUF_WRITE request on a host that accepts it: filled as any other.
  return fill_view(view, obj, buf, len, readonly, flags);
}

}  // namespace

PYBUFFER_PUBLISH(PyObject_GetBuffer);
extern "C" int pybuffer_impl_PyObject_GetBuffer(PyObject *obj, Py_buffer *view, int flags) {
  PYBUFFER_COUNT_CALL(PyObject_GetBuffer);
  if (__builtin_expect(
          flags == PyBUF_READ || flags == PyBUF_WRITE || obj == nullptr || view == nullptr, 0)) {
    return get_buffer_unusual(obj, view, flags);
  }
  return host::get_buffer(obj, view, flags);
}

PYBUFFER_PUBLISH(PyBuffer_Release);
extern "C" void pybuffer_impl_PyBuffer_Release(Py_buffer *view) {
  PYBUFFER_COUNT_CALL(PyBuffer_Release);
  // Called on cleanup paths with an exception pending: NULL is a no-op, not a new error.
  if (view != nullptr) host::release(view);
}

PYBUFFER_PUBLISH(PyBuffer_FillInfo);
extern "C" int pybuffer_impl_PyBuffer_FillInfo(Py_buffer *view, PyObject *obj, void *buf,
                                               Py_ssize_t len, int readonly, int flags) {
  PYBUFFER_COUNT_CALL(PyBuffer_FillInfo);
  if (__builtin_expect(view == nullptr || flags == PyBUF_READ || flags == PyBUF_WRITE ||
                           ((flags & PyBUF_WRITABLE) == PyBUF_WRITABLE && readonly == 1) || len < 0,
                       0)) {
    return fill_info_unusual(view, obj, buf, len, readonly, flags);
  }
  return fill_view(view, obj, buf, len, readonly, flags);
}
