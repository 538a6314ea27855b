#include <Python.h>

#include <gtest/gtest.h>

#include <string>

#include "../exporters.hpp"
#include "../support.hpp"
#include "records.hpp"
#include "sides.hpp"

namespace py27::buffer_objects {
namespace {

// The deliberate differences (README, "CPython 2.7"): where 2.7 is unsafe, only pybuffer is
// called, and it refuses or answers safely.
TEST(BufferObjects, DeliberateDifferences) {
  // A NULL pointer with bytes: 2.7 makes a buffer that reads address 0.
  EXPECT_EQ(ours.from_memory(nullptr, 4), nullptr);
  EXPECT_NE(take_exception().find("SystemError"), std::string::npos);
  // Py_END_OF_BUFFER as a memory size: 2.7 makes a buffer whose length is -1.
  static char bytes[4] = "abc";
  EXPECT_EQ(ours.from_memory(bytes, Py_END_OF_BUFFER), nullptr);
  EXPECT_EQ(take_exception(), "exceptions.ValueError: size must be zero or positive");
  // An empty buffer repeated: 2.7 divides by its length (SIGFPE).
  PyObject *empty = ours.from_memory(bytes, 0);
  ASSERT_NE(empty, nullptr) << take_exception();
  EXPECT_EQ(result_of(PySequence_Repeat(empty, 3)), "''");
  Py_DECREF(empty);
  // Offsets whose sum overflows when a buffer of a buffer collapses: 2.7 overflows.
  PyObject *base = PyString_FromString("abc");
  PyObject *outer = ours.from_object(base, PY_SSIZE_T_MAX, Py_END_OF_BUFFER);
  ASSERT_NE(outer, nullptr) << take_exception();
  EXPECT_EQ(ours.from_object(outer, 1, Py_END_OF_BUFFER), nullptr);
  EXPECT_NE(take_exception().find("overflows"), std::string::npos);
  Py_DECREF(outer);
  Py_DECREF(base);
  // PyBuffer_New's bytes are zeros (2.7's are whatever the allocator left).
  PyObject *fresh = ours.new_buffer(5);
  ASSERT_NE(fresh, nullptr) << take_exception();
  EXPECT_EQ(result_of(PyObject_Str(fresh)), "'\\x00\\x00\\x00\\x00\\x00'");
  Py_DECREF(fresh);
  // A base whose type lacks Py_TPFLAGS_HAVE_GETCHARBUFFER: 2.7 reads the slot anyway.
  PyObject *chars = py27::new_charbuffer_without_flag();
  ASSERT_NE(chars, nullptr) << take_exception();
  PyObject *over = ours.from_object(chars, 0, Py_END_OF_BUFFER);
  ASSERT_NE(over, nullptr) << take_exception();
  const char *text = nullptr;
  Py_ssize_t length = 0;
  EXPECT_EQ(real_as_char_buffer(over, &text, &length), -1);
  EXPECT_EQ(take_exception(), "exceptions.TypeError: char buffer type not available");
  Py_DECREF(over);
  Py_DECREF(chars);
}

}  // namespace
}  // namespace py27::buffer_objects
