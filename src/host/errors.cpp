// Setting the interpreter's exceptions (codec_errors.cpp builds the 3.x codec errors).
#include "host/host.hpp"

namespace pybuffer::host {

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
