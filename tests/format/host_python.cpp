#include "host_python.hpp"

#include <cstdio>

namespace format_test {

Outcome take_outcome(Py_ssize_t value) {
  Outcome outcome;
  outcome.value = value;
  const pybuffer_test::Raised raised = pybuffer_test::take_exception();
  if (!raised.set) return outcome;
  outcome.type = raised.type;
  outcome.message = raised.message;
  if (raised.value) {
    outcome.args = Ref(PyObject_GetAttrString(raised.value.get(), "args"));
    if (!outcome.args) PyErr_Clear();
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
  const std::string prefix = module && PyUnicode_Check(module.get()) &&
                                     pybuffer_test::utf8_text(module.get()) != "builtins"
                                 ? pybuffer_test::utf8_text(module.get()) + "."
                                 : "";
  if (!module) PyErr_Clear();
  const char *name = reinterpret_cast<PyTypeObject *>(outcome.type)->tp_name;
  std::string text =
      std::to_string(outcome.value) + " with " + prefix + name + ": " + outcome.message;
  if (outcome.args) {
    Ref args_repr(PyObject_Repr(outcome.args.get()));
    text += " args=" + pybuffer_test::utf8_text(args_repr.get());
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

std::string host_version() {
  const char *version = Py_GetVersion();
  std::string text(version);
  return text.substr(0, text.find(' '));
}

}  // namespace format_test
