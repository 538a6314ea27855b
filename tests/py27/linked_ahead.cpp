// libpybuffer-py27 linked ahead of libpython2.7 in an embedding host: its PyBuffer_Type is then
// the process's, for libpython2.7 itself (the built-in `buffer`, readied by Py_Initialize)
// as for this program (2.7's PyBuffer_Check macro, whose &PyBuffer_Type this executable may
// hold as a copy of ours), and objects made by either side are of that one type. Expected
// values are 2.7's documented results, worked out by hand.
#include <Python.h>

#include <dlfcn.h>
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "support.hpp"

namespace {

using py27::take_exception;

bool in_pybuffer(const void *address) {
  Dl_info where{};
  return dladdr(address, &where) != 0 &&
         std::strstr(where.dli_fname, "libpybuffer-py27") != nullptr;
}

std::string str_of(PyObject *object) {
  if (object == nullptr) return "! " + take_exception();
  PyObject *text = PyObject_Str(object);
  std::string result = text != nullptr ? PyString_AsString(text) : "! " + take_exception();
  Py_XDECREF(text);
  return result;
}

PyObject *run(const char *expression) {
  PyObject *globals = PyDict_New();
  PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins());
  PyObject *result = PyRun_String(expression, Py_eval_input, globals, globals);
  Py_DECREF(globals);
  return result;
}

TEST(LinkedAhead, TheFunctionsAndTheTypeArePybuffers) {
  EXPECT_TRUE(in_pybuffer(reinterpret_cast<void *>(&PyBuffer_FromObject)));
  EXPECT_TRUE(in_pybuffer(reinterpret_cast<void *>(PyBuffer_Type.tp_dealloc)));
  EXPECT_STREQ(PyBuffer_Type.tp_name, "buffer");
  // Readied by libpython2.7's Py_Initialize, as its own would have been.
  EXPECT_NE(PyBuffer_Type.tp_flags & Py_TPFLAGS_READY, 0);
}

TEST(LinkedAhead, PythonsBuiltinBufferIsPybuffers) {
  PyObject *made = run("buffer('hello world', 6)");
  ASSERT_NE(made, nullptr) << take_exception();
  EXPECT_TRUE(PyBuffer_Check(made));
  EXPECT_EQ(str_of(made), "world");
  PyObject *same = run("type(buffer('x')) is buffer and isinstance(buffer('x'), buffer)");
  EXPECT_EQ(same, Py_True) << take_exception();
  Py_XDECREF(same);
  Py_DECREF(made);
}

TEST(LinkedAhead, ObjectsFromCAreOfTheSameType) {
  PyObject *text = PyString_FromString("hello world");
  PyObject *outer = PyBuffer_FromObject(text, 2, 7);  // "llo wor"
  ASSERT_NE(outer, nullptr) << take_exception();
  PyObject *inner = PyBuffer_FromObject(outer, 1, Py_END_OF_BUFFER);  // "lo wor", over text
  ASSERT_NE(inner, nullptr) << take_exception();
  EXPECT_TRUE(PyBuffer_Check(outer));
  EXPECT_TRUE(PyBuffer_Check(inner));
  EXPECT_EQ(str_of(inner), "lo wor");
  // Collapsed onto the str: the repr names the str's address, with offset 3 and size 6.
  PyObject *repr = PyObject_Repr(inner);
  ASSERT_NE(repr, nullptr) << take_exception();
  PyObject *expected = PyString_FromFormat("<read-only buffer for %p, size 6, offset 3 at %p>",
                                           static_cast<void *>(text), static_cast<void *>(inner));
  EXPECT_STREQ(PyString_AsString(repr), PyString_AsString(expected));
  Py_DECREF(expected);
  Py_DECREF(repr);
  // Python code sees the C-made buffer as a `buffer`.
  PyObject *globals = PyDict_New();
  PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins());
  PyDict_SetItemString(globals, "b", inner);
  PyObject *answer = PyRun_String("isinstance(b, buffer) and b[1:3] == 'o ' and len(b) == 6",
                                  Py_eval_input, globals, globals);
  EXPECT_EQ(answer, Py_True) << take_exception();
  Py_XDECREF(answer);
  Py_DECREF(globals);
  Py_DECREF(inner);
  Py_DECREF(outer);
  Py_DECREF(text);
}

TEST(LinkedAhead, NewAndMemoryBuffers) {
  PyObject *fresh = PyBuffer_New(4);
  ASSERT_NE(fresh, nullptr) << take_exception();
  EXPECT_TRUE(PyBuffer_Check(fresh));
  PyObject *value = PyString_FromString("wxyz");
  EXPECT_EQ(PySequence_SetSlice(fresh, 0, 4, value), 0) << take_exception();
  EXPECT_EQ(str_of(fresh), "wxyz");
  Py_DECREF(value);
  Py_DECREF(fresh);
  static char bytes[] = "abcdef";
  PyObject *memory = PyBuffer_FromMemory(bytes, 3);
  ASSERT_NE(memory, nullptr) << take_exception();
  EXPECT_EQ(str_of(memory), "abc");
  Py_DECREF(memory);
}

}  // namespace

int main(int argc, char **argv) {
  return py27::run_suite(argc, argv, "py27.linked_ahead", [](std::string *) { return true; });
}
