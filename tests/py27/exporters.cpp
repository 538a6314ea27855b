#include "exporters.hpp"

#include <cstring>

namespace py27 {
namespace {

char memory[8] = {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'};
int releases = 0;

Py_ssize_t segments_one(PyObject *, Py_ssize_t *len) {
  if (len != nullptr) *len = sizeof memory;
  return 1;
}
Py_ssize_t segments_two(PyObject *, Py_ssize_t *len) {
  if (len != nullptr) *len = sizeof memory;
  return 2;
}
Py_ssize_t read_segment(PyObject *, Py_ssize_t segment, void **out) {
  if (segment != 0) {
    PyErr_SetString(PyExc_SystemError, "no such segment");
    return -1;
  }
  *out = memory;
  return sizeof memory;
}
Py_ssize_t char_segment(PyObject *self, Py_ssize_t segment, char **out) {
  return read_segment(self, segment, reinterpret_cast<void **>(out));
}
int get_buffer(PyObject *self, Py_buffer *view, int flags) {
  return PyBuffer_FillInfo(view, self, memory, sizeof memory, 0, flags);
}
void release_buffer(PyObject *, Py_buffer *) {
  ++releases;
}

PyBufferProcs old_procs = {read_segment, read_segment, segments_one,
                           char_segment, nullptr,      nullptr};
PyBufferProcs new_procs = {nullptr, nullptr, nullptr, nullptr, get_buffer, release_buffer};
PyBufferProcs two_procs = {read_segment, read_segment, segments_two,
                           char_segment, nullptr,      nullptr};

PyTypeObject old_type;
PyTypeObject new_type;
PyTypeObject two_type;
PyTypeObject release_type;
PyTypeObject chars_type;

PyObject *make(PyTypeObject &type, const char *name, PyBufferProcs *procs, long flags) {
  if (type.tp_name == nullptr) {
    reinterpret_cast<PyObject *>(&type)->ob_refcnt = 1;
    reinterpret_cast<PyObject *>(&type)->ob_type = &PyType_Type;
    type.tp_name = name;
    type.tp_basicsize = sizeof(PyObject);
    type.tp_flags = flags;
    type.tp_as_buffer = procs;
    type.tp_new = PyType_GenericNew;
    if (PyType_Ready(&type) != 0) return nullptr;
  }
  return PyType_GenericNew(&type, nullptr, nullptr);
}

}  // namespace

PyObject *new_old_slots_only() {
  return make(old_type, "old_slots_only", &old_procs, Py_TPFLAGS_DEFAULT);
}
PyObject *new_new_slots_only() {
  return make(new_type, "new_slots_only", &new_procs,
              Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_NEWBUFFER);
}
PyObject *new_two_segments() {
  return make(two_type, "two_segments", &two_procs, Py_TPFLAGS_DEFAULT);
}
PyObject *new_release_without_flag() {
  return make(release_type, "release_without_flag", &new_procs, Py_TPFLAGS_DEFAULT);
}
PyObject *new_charbuffer_without_flag() {
  return make(chars_type, "charbuffer_without_flag", &old_procs,
              Py_TPFLAGS_DEFAULT & ~Py_TPFLAGS_HAVE_GETCHARBUFFER);
}
void reset_memory() {
  std::memcpy(memory, "abcdefgh", sizeof memory);
}
int new_slots_releases() {
  return releases;
}

}  // namespace py27
