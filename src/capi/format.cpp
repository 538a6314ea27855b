// PyBuffer_SizeFromFormat, answered as CPython answers it: struct.calcsize(format).
#include <Python.h>

#include "capi/entry_points.hpp"
#include "capi/raise.hpp"

extern "C" Py_ssize_t pybuffer_impl_PyBuffer_SizeFromFormat(const char *format) {
  if (format == nullptr) {
    pybuffer::capi::raise_null("PyBuffer_SizeFromFormat", "format");
    return -1;
  }
  PyObject *module = PyImport_ImportModule("struct");
  if (module == nullptr) return -1;
  PyObject *calcsize = PyObject_GetAttrString(module, "calcsize");
  Py_DecRef(module);
  if (calcsize == nullptr) return -1;
  Py_ssize_t itemsize = -1;
  PyObject *text = PyUnicode_FromString(format);
  if (text != nullptr) {
    PyObject *size = PyObject_CallFunctionObjArgs(calcsize, text, nullptr);
    if (size != nullptr) {
      itemsize = PyLong_AsSsize_t(size);
      Py_DecRef(size);
    }
    Py_DecRef(text);
  }
  Py_DecRef(calcsize);
  return itemsize;
}
