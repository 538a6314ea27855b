// The codec errors of PyBuffer_SizeFromFormat, built as CPython 3's strict error handler
// builds them (only the Python 3 variants have the format functions).
#include "host/host.hpp"

namespace pybuffer::host {
namespace {

// Sets an exception instance as CPython's strict codec error handler does.
void set_instance(const Interpreter &py, Exception type, PyObject *instance) {
  if (instance == nullptr) return;  // building it failed: that exception is pending
  py.PyErr_SetObject(exception(py, type), instance);
  decref(instance);
}

// Sets the codec error `type` for object[begin:end], built as CPython's
// PyUnicode{De,En}codeError_Create build it: the class called with the object (a reference
// this takes over; NULL when making it failed, which left its exception pending).
void set_codec_error(const Interpreter &py, Exception type, const char *encoding, PyObject *object,
                     Py_ssize_t begin, Py_ssize_t end, const char *reason) {
  if (object == nullptr) return;
  set_instance(
      py, type,
      py.PyObject_CallFunction(exception(py, type), "sOnns", encoding, object, begin, end, reason));
  decref(object);
}

}  // namespace

void raise_unicode_decode_error(const char *encoding, const char *text, Py_ssize_t length,
                                Py_ssize_t begin, Py_ssize_t end, const char *reason) {
  // Through the class rather than PyUnicodeDecodeError_Create, which PyPy lacks.
  if (const Interpreter *py = required_interpreter()) {
    set_codec_error(*py, Exception::unicode_decode_error, encoding,
                    py->PyBytes_FromStringAndSize(text, length), begin, end, reason);
  }
}

void raise_unicode_encode_error(const char *encoding, const char *text, Py_ssize_t begin,
                                Py_ssize_t end, const char *reason) {
  if (const Interpreter *py = required_interpreter()) {
    set_codec_error(*py, Exception::unicode_encode_error, encoding, py->PyUnicode_FromString(text),
                    begin, end, reason);
  }
}

}  // namespace pybuffer::host
