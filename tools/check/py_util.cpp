#include "py_util.hpp"

namespace pybuffer::check {
namespace {

std::string text_of(PyObject *text) {
  if (text == nullptr) return {};
  Py_ssize_t size = 0;
  const char *utf8 = PyUnicode_AsUTF8AndSize(text, &size);
  if (utf8 == nullptr) {
    PyErr_Clear();
    return {};
  }
  return std::string(utf8, static_cast<std::size_t>(size));
}

}  // namespace

TakenError take_error() {
  TakenError error;
  // 3.12 deprecates PyErr_Fetch: this program must build warning-free against every host.
#if PY_VERSION_HEX >= 0x030C0000
  PyObject *value = PyErr_GetRaisedException();
  if (value == nullptr) return error;
  PyObject *type = reinterpret_cast<PyObject *>(Py_TYPE(value));
  Py_INCREF(type);
#else
  PyObject *type = nullptr, *value = nullptr, *traceback = nullptr;
  PyErr_Fetch(&type, &value, &traceback);
  if (type == nullptr) return error;
  PyErr_NormalizeException(&type, &value, &traceback);
  Py_XDECREF(traceback);
#endif
  error.set = true;
  error.is_buffer_error = PyErr_GivenExceptionMatches(type, PyExc_BufferError) != 0;
  error.type = PyType_Check(type) ? reinterpret_cast<PyTypeObject *>(type)->tp_name : "?";
  error.message = value != nullptr ? str_of(value) : std::string();
  Py_XDECREF(value);
  Py_DECREF(type);
  return error;
}

std::string str_of(PyObject *obj) {
  Ref text(PyObject_Str(obj));
  if (!text) {
    PyErr_Clear();
    return std::string("<unprintable ") + type_name(obj) + ">";
  }
  return text_of(text.get());
}

std::string short_repr(PyObject *obj, std::size_t limit) {
  Ref text(PyObject_Repr(obj));
  if (!text) {
    PyErr_Clear();
    return std::string("<unprintable ") + type_name(obj) + ">";
  }
  std::string repr = text_of(text.get());
  // Cut on a character boundary: never inside a UTF-8 sequence.
  if (repr.size() > limit) {
    std::size_t cut = limit;
    while (cut > 0 && (static_cast<unsigned char>(repr[cut]) & 0xC0) == 0x80) --cut;
    repr = repr.substr(0, cut) + "...";
  }
  for (char &c : repr) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return repr;
}

const char *type_name(PyObject *obj) {
  return Py_TYPE(obj)->tp_name;
}

}  // namespace pybuffer::check
