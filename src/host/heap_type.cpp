#include "host/heap_type.hpp"

#include "core/assert.hpp"
#include "host/interpreter.hpp"
#include "host/profile.hpp"

namespace pybuffer::host {
namespace {

// For a host whose PyType_FromSpec takes no buffer slots (before 3.9 it would write them over
// the type's reference count): the type is made from the other slots, then its buffer slots
// are set in the PyBufferProcs that tp_as_buffer points at, the heap type's own.
PyTypeObject *from_spec_then_buffer_slots(const Interpreter &py, const PyType_Spec &spec) {
  constexpr int max_slots = 32;
  PyType_Slot others[max_slots];
  getbufferproc getbuffer = nullptr;
  releasebufferproc releasebuffer = nullptr;
  int n = 0;
  for (const PyType_Slot *slot = spec.slots; slot->slot != 0; ++slot) {
    if (slot->slot == Py_bf_getbuffer) {
      getbuffer = reinterpret_cast<getbufferproc>(slot->pfunc);
    } else if (slot->slot == Py_bf_releasebuffer) {
      releasebuffer = reinterpret_cast<releasebufferproc>(slot->pfunc);
    } else {
      PYBUFFER_ASSERT(n < max_slots - 1);
      others[n++] = *slot;
    }
  }
  others[n] = PyType_Slot{0, nullptr};
  PyType_Spec without_buffer = spec;
  without_buffer.slots = others;
  auto *type = reinterpret_cast<PyTypeObject *>(py.PyType_FromSpec(&without_buffer));
  if (type == nullptr) return nullptr;
  PYBUFFER_ASSERT(type->tp_as_buffer != nullptr);
  type->tp_as_buffer->bf_getbuffer = getbuffer;
  type->tp_as_buffer->bf_releasebuffer = releasebuffer;
  return type;
}

}  // namespace

PyTypeObject *heap_type_once(std::atomic<PyTypeObject *> &made, PyType_Spec &spec) {
  PyTypeObject *type = made.load(std::memory_order_acquire);
  if (type != nullptr) return type;
  const Interpreter *py = required_interpreter();
  if (py == nullptr) return nullptr;
  type = profile::type_spec_takes_buffer_slots(py->version_hex)
             ? reinterpret_cast<PyTypeObject *>(py->PyType_FromSpec(&spec))
             : from_spec_then_buffer_slots(*py, spec);
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
