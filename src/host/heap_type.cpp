#include "host/heap_type.hpp"

namespace pybuffer::host {

PyTypeObject *heap_type_once(std::atomic<PyTypeObject *> &made, PyType_Spec &spec) {
  PyTypeObject *type = made.load(std::memory_order_acquire);
  if (type != nullptr) return type;
  const Interpreter *py = required_interpreter();
  if (py == nullptr) return nullptr;
  type = reinterpret_cast<PyTypeObject *>(py->PyType_FromSpec(&spec));
  if (type != nullptr) made.store(type, std::memory_order_release);
  return type;
}

PyObject *allocate_instance(PyTypeObject *type) {
  const Interpreter *py = required_interpreter();
  if (py == nullptr || type == nullptr) return nullptr;
  auto alloc = reinterpret_cast<allocfunc>(py->PyType_GetSlot(type, Py_tp_alloc));
  return alloc != nullptr ? alloc(type, 0) : nullptr;
}

void free_instance(PyObject *self) {
  PyTypeObject *type = self->ob_type;
  const Interpreter *py = interpreter();  // there is one: it is deallocating an object
  reinterpret_cast<freefunc>(py->PyType_GetSlot(type, Py_tp_free))(self);
  decref(reinterpret_cast<PyObject *>(type));
}

PyObject *refuse_new(PyTypeObject *type, PyObject *, PyObject *) {
  if (const Interpreter *py = required_interpreter()) {
    py->PyErr_Format(exception(*py, Exception::type_error), "cannot create '%.100s' instances",
                     type->tp_name);
  }
  return nullptr;
}

}  // namespace pybuffer::host
