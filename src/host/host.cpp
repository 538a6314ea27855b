#include "host/host.hpp"

namespace pybuffer::host {

void raise_not_bytes_like(PyObject *obj) {
  const Interpreter *py = required_interpreter();
  if (py == nullptr) return;
  py->PyErr_Format(exception(*py, Exception::type_error), profile::get_buffer_type_error,
                   obj->ob_type->tp_name);
}

void raise_host_flags_error_for_get_buffer(PyObject *obj, Py_buffer *view, int flags) {
  using Function = int (*)(PyObject *, Py_buffer *, int);
  const Interpreter *py = required_interpreter();
  if (py == nullptr) return;
  const auto host = reinterpret_cast<Function>(host_definition("PyObject_GetBuffer"));
  const int result = host == nullptr ? -1 : host(obj, view, flags);
  if (result == 0) release(view);  // a host that did not reject after all: undo its export
  if (host == nullptr || result == 0 || py->PyErr_Occurred() == nullptr) {
    (py->PyErr_BadInternalCall)();
  }
}

void raise_host_flags_error_for_fill_info(Py_buffer *view, PyObject *obj, void *buf, Py_ssize_t len,
                                          int readonly, int flags) {
  using Function = int (*)(Py_buffer *, PyObject *, void *, Py_ssize_t, int, int);
  const Interpreter *py = required_interpreter();
  if (py == nullptr) return;
  const auto host = reinterpret_cast<Function>(host_definition("PyBuffer_FillInfo"));
  const int result = host == nullptr ? -1 : host(view, obj, buf, len, readonly, flags);
  if (result == 0 && view->obj != nullptr) {  // a host that did not reject after all
    decref(view->obj);
    view->obj = nullptr;
  }
  if (host == nullptr || result == 0 || py->PyErr_Occurred() == nullptr) {
    (py->PyErr_BadInternalCall)();
  }
}

}  // namespace pybuffer::host
