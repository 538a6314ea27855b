#include "python_raised.hpp"

namespace pybuffer_test {

Raised take_exception() {
  Raised raised;
  if (!PyErr_Occurred()) return raised;
#if PY_VERSION_HEX >= 0x030C0000
  PyObject *value = PyErr_GetRaisedException();
  raised.type = value != nullptr ? reinterpret_cast<PyObject *>(Py_TYPE(value)) : nullptr;
#else
  PyObject *type = nullptr;
  PyObject *value = nullptr;
  PyObject *traceback = nullptr;
  PyErr_Fetch(&type, &value, &traceback);
  PyErr_NormalizeException(&type, &value, &traceback);
  raised.type = type;
  Py_XDECREF(traceback);
  Py_XDECREF(type);  // builtins, or attributes of modules that stay imported: kept borrowed
#endif
  raised.set = true;
  if (value != nullptr) {
    PyObject *text = PyObject_Str(value);
    if (text != nullptr) {
      const char *utf8 = PyUnicode_AsUTF8(text);
      if (utf8 != nullptr) raised.message = utf8;
      Py_DECREF(text);
    }
  }
  PyErr_Clear();  // str() itself may have failed
  Py_XDECREF(value);
  return raised;
}

const char *type_name(PyObject *type) {
  return type != nullptr ? reinterpret_cast<PyTypeObject *>(type)->tp_name : "(none)";
}

}  // namespace pybuffer_test
