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

bool is_hex_digit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Drops the memory addresses default reprs carry ("<memory at 0x7f3a...>" becomes
// "<memory>"), so that two runs of one check print the same text. A run of eight or more hex
// digits after "0x" is taken for an address; one after " at " goes with those words.
std::string without_addresses(const std::string &repr) {
  constexpr std::size_t kAddressDigits = 8;
  std::string out;
  std::size_t i = 0;
  while (i < repr.size()) {
    std::size_t digits = 0;
    if (repr.compare(i, 2, "0x") == 0) {
      while (i + 2 + digits < repr.size() && is_hex_digit(repr[i + 2 + digits])) ++digits;
    }
    if (digits < kAddressDigits) {
      out += repr[i++];
      continue;
    }
    if (out.size() >= 4 && out.compare(out.size() - 4, 4, " at ") == 0) {
      out.erase(out.size() - 4);
    } else {
      out += "0x...";
    }
    i += 2 + digits;
  }
  return out;
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
  std::string repr = without_addresses(text_of(text.get()));
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
