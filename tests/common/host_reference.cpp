#include "host_reference.hpp"

#include "python_ref.hpp"

namespace pybuffer_test {

int check_buffer_by_headers(PyObject *obj) {
  return PyObject_CheckBuffer(obj);
}

Py_ssize_t size_from_format_by_struct(const char *format) {
  Ref module(PyImport_ImportModule("struct"));
  if (!module) return -1;
  Ref calcsize(PyObject_GetAttrString(module.get(), "calcsize"));
  if (!calcsize) return -1;
  Ref text(PyUnicode_FromString(format));
  if (!text) return -1;
  Ref size(PyObject_CallFunctionObjArgs(calcsize.get(), text.get(), nullptr));
  if (!size) return -1;
  return PyLong_AsSsize_t(size.get());
}

}  // namespace pybuffer_test
