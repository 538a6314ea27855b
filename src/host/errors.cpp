// Setting the interpreter's exceptions: the only place the library builds one.
#include "host/host.hpp"

namespace pybuffer::host {
namespace {

// Sets an exception instance as CPython's strict codec error handler does.
void set_instance(const Interpreter &py, Exception type, PyObject *instance) {
  if (instance == nullptr) return;  // building it failed: that exception is pending
  py.PyErr_SetObject(exception(py, type), instance);
  decref(instance);
}

}  // namespace

void set_error(Exception type, const char *message) {
  if (const Interpreter *py = required_interpreter())
    py->PyErr_SetString(exception(*py, type), message);
}

void raise_no_memory() {
  if (const Interpreter *py = required_interpreter()) py->PyErr_NoMemory();
}

void raise_null_error() {
  const Interpreter *py = required_interpreter();
  if (py != nullptr && py->PyErr_Occurred() == nullptr) {
    py->PyErr_SetString(exception(*py, Exception::system_error),
                        "null argument to internal routine");
  }
}

void clear_error() {
  if (const Interpreter *py = required_interpreter()) py->PyErr_Clear();
}

void raise_unicode_decode_error(const char *encoding, const char *text, Py_ssize_t length,
                                Py_ssize_t begin, Py_ssize_t end, const char *reason) {
  const Interpreter *py = required_interpreter();
  if (py == nullptr) return;
  set_instance(*py, Exception::unicode_decode_error,
               py->PyUnicodeDecodeError_Create(encoding, text, length, begin, end, reason));
}

void raise_unicode_encode_error(const char *encoding, const char *text, Py_ssize_t begin,
                                Py_ssize_t end, const char *reason) {
  const Interpreter *py = required_interpreter();
  if (py == nullptr) return;
  PyObject *str = py->PyUnicode_FromString(text);
  if (str == nullptr) return;
  PyObject *type = exception(*py, Exception::unicode_encode_error);
  set_instance(*py, Exception::unicode_encode_error,
               py->PyObject_CallFunction(type, "sOnns", encoding, str, begin, end, reason));
  decref(str);
}

void raise_module_error(const char *module, const char *attribute, const char *message) {
  const Interpreter *py = required_interpreter();
  if (py == nullptr) return;
  PyObject *imported = py->PyImport_ImportModule(module);
  if (imported == nullptr) return;
  PyObject *type = py->PyObject_GetAttrString(imported, attribute);
  decref(imported);
  if (type == nullptr) return;
  py->PyErr_SetString(type, message);
  decref(type);
}

}  // namespace pybuffer::host
