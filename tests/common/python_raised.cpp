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
  Py_XDECREF(type);  // kept alive by the exception object, builtins or imported modules
#endif
  raised.set = true;
  raised.value = Ref(value);
  if (value != nullptr) {
    Ref text(PyObject_Str(value));
    const char *utf8 = text ? PyUnicode_AsUTF8(text.get()) : nullptr;
    if (utf8 != nullptr) raised.message = utf8;
  }
  PyErr_Clear();  // str() itself may have failed
  return raised;
}

const char *type_name(PyObject *type) {
  return type != nullptr ? reinterpret_cast<PyTypeObject *>(type)->tp_name : "(none)";
}

std::string utf8_text(PyObject *text) {
  if (text == nullptr) {
    PyErr_Clear();
    return "<null>";
  }
  Py_ssize_t size = 0;
  const char *data = PyUnicode_AsUTF8AndSize(text, &size);
  if (data == nullptr) {
    PyErr_Clear();
    return "<unprintable>";
  }
  return std::string(data, static_cast<size_t>(size));
}

std::string describe(const Raised &raised) {
  if (!raised.set) return "(no exception)";
  return std::string(type_name(raised.type)) + ": " + raised.message;
}

std::string take_exception_text() {
  return describe(take_exception());
}

bool raised_matches(const Raised &raised, PyObject *type, const char *needle) {
  return raised.set && raised.type == type && raised.message.find(needle) != std::string::npos;
}

}  // namespace pybuffer_test
