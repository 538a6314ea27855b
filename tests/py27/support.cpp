#include "support.hpp"

#include <gtest/gtest.h>

#include <cstdio>

namespace py27 {

std::string take_exception() {
  if (PyErr_Occurred() == nullptr) return "";
  PyObject *type = nullptr;
  PyObject *value = nullptr;
  PyObject *traceback = nullptr;
  PyErr_Fetch(&type, &value, &traceback);
  PyErr_NormalizeException(&type, &value, &traceback);
  std::string text = reinterpret_cast<PyTypeObject *>(type)->tp_name;
  PyObject *message = value != nullptr ? PyObject_Str(value) : nullptr;
  if (message != nullptr) text += std::string(": ") + PyString_AsString(message);
  Py_XDECREF(message);
  Py_XDECREF(type);
  Py_XDECREF(value);
  Py_XDECREF(traceback);
  PyErr_Clear();
  return text;
}

void report_cases(const char *suite, int cases) {
  std::printf("%s: %d cases compared with libpython2.7\n", suite, cases);
  EXPECT_GT(cases, 0);
}

int run_suite(int argc, char **argv, const char *suite, bool (*prepare)(std::string *why)) {
  testing::InitGoogleTest(&argc, argv);
  Py_NoSiteFlag = 1;
  Py_InitializeEx(0);
  std::string why;
  if (!prepare(&why) || testing::Test::HasFailure()) {
    std::fprintf(stderr, "%s: cannot run: %s\n", suite, why.c_str());
    return 1;
  }
  return RUN_ALL_TESTS();
}

}  // namespace py27
