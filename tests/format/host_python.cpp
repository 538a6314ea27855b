#include "host_python.hpp"

#include <cstdio>

namespace format_test {
namespace {

std::string utf8_of(PyObject *text) {
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

std::string str_of(PyObject *o) {
  Ref text(PyObject_Str(o));
  return utf8_of(text.get());
}

}  // namespace

Outcome take_outcome(Py_ssize_t value) {
  Outcome outcome;
  outcome.value = value;
  if (!PyErr_Occurred()) return outcome;
  PyObject *type = nullptr;
  PyObject *raw_value = nullptr;
  PyObject *traceback = nullptr;
  PyErr_Fetch(&type, &raw_value, &traceback);
  PyErr_NormalizeException(&type, &raw_value, &traceback);
  Ref value_ref(raw_value);
  Ref traceback_ref(traceback);
  outcome.type = type;
  Py_XDECREF(type);  // classes are kept alive by their modules
  if (value_ref) {
    outcome.args = Ref(PyObject_GetAttrString(value_ref.get(), "args"));
    if (!outcome.args) PyErr_Clear();
    outcome.message = str_of(value_ref.get());
  }
  return outcome;
}

bool same_outcome(const Outcome &expected, const Outcome &actual, std::string *why) {
  bool same = expected.value == actual.value && expected.type == actual.type &&
              expected.message == actual.message;
  if (same && expected.raised()) {
    const int equal = expected.args && actual.args
                          ? PyObject_RichCompareBool(expected.args.get(), actual.args.get(), Py_EQ)
                          : 0;
    if (equal < 0) PyErr_Clear();
    same = equal == 1;
  }
  if (!same) *why = "expected " + describe(expected) + ", got " + describe(actual);
  return same;
}

std::string describe(const Outcome &outcome) {
  if (!outcome.raised()) return std::to_string(outcome.value);
  Ref module(PyObject_GetAttrString(outcome.type, "__module__"));
  const std::string prefix =
      module && PyUnicode_Check(module.get()) && utf8_of(module.get()) != "builtins"
          ? utf8_of(module.get()) + "."
          : "";
  if (!module) PyErr_Clear();
  const char *name = reinterpret_cast<PyTypeObject *>(outcome.type)->tp_name;
  std::string text =
      std::to_string(outcome.value) + " with " + prefix + name + ": " + outcome.message;
  if (outcome.args) {
    Ref args_repr(PyObject_Repr(outcome.args.get()));
    text += " args=" + utf8_of(args_repr.get());
  }
  return text;
}

std::string escape(const std::string &format) {
  std::string out;
  for (const char ch : format) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c < 0x7F && c != '\\' && c != '"') {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}

std::string take_error_text() {
  const Outcome outcome = take_outcome(-1);
  return outcome.raised() ? describe(outcome) : "no exception set";
}

bool start_interpreter(const char *program) {
  PyConfig config;
  PyConfig_InitPythonConfig(&config);
  // The host's own executable as program name, so that an embedded pyenv build finds its
  // standard library as its interpreter would.
  PyStatus status = PyConfig_SetBytesString(&config, &config.program_name, program);
  if (!PyStatus_Exception(status)) status = Py_InitializeFromConfig(&config);
  PyConfig_Clear(&config);
  if (PyStatus_Exception(status)) {
    std::fprintf(stderr, "cannot start the host interpreter: %s\n",
                 status.err_msg != nullptr ? status.err_msg : "?");
    return false;
  }
  return true;
}

std::string host_version() {
  const char *version = Py_GetVersion();
  std::string text(version);
  return text.substr(0, text.find(' '));
}

}  // namespace format_test
