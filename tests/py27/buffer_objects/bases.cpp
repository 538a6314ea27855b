#include "bases.hpp"

#include <gtest/gtest.h>

#include <utility>

#include "../exporters.hpp"
#include "../support.hpp"

namespace py27::buffer_objects {

PyObject *globals = nullptr;

PyObject *evaluate(const std::string &expression) {
  PyObject *result = PyRun_String(expression.c_str(), Py_eval_input, globals, globals);
  EXPECT_NE(result, nullptr) << expression << ": " << take_exception();
  return result;
}

void make_globals() {
  globals = PyDict_New();
  PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins());
  PyObject *result = PyRun_String(
      "import array, ctypes, mmap, warnings\n"
      "def mapped():\n"
      "    m = mmap.mmap(-1, 12)\n"
      "    m.write('mapped bytes')\n"
      "    return m\n",
      Py_file_input, globals, globals);
  ASSERT_NE(result, nullptr) << take_exception();
  Py_DECREF(result);
  const std::pair<const char *, PyObject *> own[] = {
      {"old_slots", py27::new_old_slots_only()},
      {"new_slots", py27::new_new_slots_only()},
      {"two_segments", py27::new_two_segments()},
  };
  for (const auto &[name, object] : own) {
    ASSERT_NE(object, nullptr) << name << ": " << take_exception();
    PyDict_SetItemString(globals, name, object);
    Py_DECREF(object);
  }
}

}  // namespace py27::buffer_objects
