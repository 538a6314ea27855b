// The case table of py27.buffer_objects: every case makes a buffer on each side and compares
// the two records (records.hpp).
#include <Python.h>

#include <gtest/gtest.h>

#include <pybuffer/legacy.h>

#include <cstring>
#include <sstream>
#include <string>

#include "../exporters.hpp"
#include "../support.hpp"
#include "bases.hpp"
#include "records.hpp"
#include "sides.hpp"

namespace py27::buffer_objects {
namespace {

const char *const base_expressions[] = {
    "'hello world'",
    "''",
    "u'h\\xe9llo'",
    "bytearray('bytearray!')",
    "bytearray()",
    "array.array('i', [1, 2, 3])",
    "array.array('c', 'chars')",
    "mapped()",
    "ctypes.create_string_buffer('ctype', 6)",
    "(ctypes.c_int * 3)(7, 8, 9)",
    "memoryview('abc')",
    "42",
    "None",
    "old_slots",
    "new_slots",
    "two_segments",
};

const Py_ssize_t offsets[] = {0, 1, 3, 20, -1, PY_SSIZE_T_MAX};
const Py_ssize_t sizes[] = {Py_END_OF_BUFFER, 0, 2, 100, -2, PY_SSIZE_T_MAX};

// An object a case's buffer rests on that the case must release after the record (a base the
// buffer keeps alive, but which the record names).
PyObject *kept = nullptr;

// One case: `make` builds the buffer on a side from a fresh base (NULL for memory cases) and
// may name, through its third argument, the object whose memory the buffer shows (after
// collapsing, the base); `memory` is what a memory buffer was made with.
template <class Make>
void compare(const std::string &what, const char *base_expression, const Make &make,
             Memory memory = {nullptr, 0, "mem"}) {
  std::string records[2];
  const Side *sides[2] = {&real, &ours};
  for (int i = 0; i < 2; ++i) {
    py27::reset_memory();  // the test's exporters share one memory, which cases write
    PyObject *base = base_expression != nullptr ? evaluate(base_expression) : nullptr;
    if (base_expression != nullptr && base == nullptr) return;
    PyObject *underlying = base;
    const Py_ssize_t before = base != nullptr ? Py_REFCNT(base) : 0;
    PyObject *made = make(*sides[i], base, &underlying);
    records[i] = describe(*sides[i], made, underlying,
                          underlying != nullptr ? memory_of_base(underlying) : memory);
    take_exception();
    Py_CLEAR(kept);
    if (base != nullptr) {
      records[i] += " in all: base refs+" + std::to_string(Py_REFCNT(base) - before);
      Py_DECREF(base);
    }
  }
  expect_same(records[0], records[1], what);
}

TEST(BufferObjects, FromObject) {
  for (const char *base : base_expressions) {
    for (bool writable : {false, true}) {
      for (Py_ssize_t offset : offsets) {
        for (Py_ssize_t size : sizes) {
          compare(std::string(writable ? "FromReadWriteObject(" : "FromObject(") + base + ", " +
                      std::to_string(offset) + ", " + std::to_string(size) + ")",
                  base, [&](const Side &side, PyObject *b, PyObject **) {
                    return (writable ? side.from_read_write_object : side.from_object)(b, offset,
                                                                                       size);
                  });
        }
      }
    }
  }
}

// A buffer of a buffer over a base collapses onto that base (each side its own buffers).
TEST(BufferObjects, BuffersOfBuffers) {
  const Py_ssize_t outer_offsets[] = {0, 2, 15};
  const Py_ssize_t outer_sizes[] = {Py_END_OF_BUFFER, 3, 0};
  const Py_ssize_t inner_offsets[] = {0, 1, 4};
  const Py_ssize_t inner_sizes[] = {Py_END_OF_BUFFER, 1, 5};
  for (const char *base : {"'hello world'", "bytearray('bytearray!')"}) {
    for (int writable = 0; writable < 4; ++writable) {
      for (Py_ssize_t o1 : outer_offsets) {
        for (Py_ssize_t s1 : outer_sizes) {
          for (Py_ssize_t o2 : inner_offsets) {
            for (Py_ssize_t s2 : inner_sizes) {
              const std::string what = std::string(base) + " writable " + std::to_string(writable) +
                                       ": (" + std::to_string(o1) + ", " + std::to_string(s1) +
                                       ") then (" + std::to_string(o2) + ", " + std::to_string(s2) +
                                       ")";
              compare(what, base, [&](const Side &side, PyObject *b, PyObject **) {
                PyObject *outer =
                    ((writable & 1) ? side.from_read_write_object : side.from_object)(b, o1, s1);
                if (outer == nullptr) return outer;
                PyObject *inner = ((writable & 2) ? side.from_read_write_object : side.from_object)(
                    outer, o2, s2);
                Py_DECREF(outer);  // the inner one refers to the base, not to it
                return inner;
              });
            }
          }
        }
      }
    }
  }
  // Three deep, and a buffer over a memory buffer (which has no base: no collapse).
  compare("three deep", "'abcdefghijkl'", [](const Side &side, PyObject *b, PyObject **) {
    PyObject *one = side.from_object(b, 1, 9);
    PyObject *two = side.from_object(one, 2, Py_END_OF_BUFFER);
    PyObject *three = side.from_object(two, 3, 2);
    Py_DECREF(one);
    Py_DECREF(two);
    return three;
  });
  static char bytes[] = "memory bytes";
  compare("buffer of a memory buffer", nullptr, [](const Side &side, PyObject *, PyObject **u) {
    PyObject *memory = side.from_memory(bytes, 6);
    *u = kept = memory;  // the new buffer's base, named in its record
    return side.from_object(memory, 1, 3);
  });
}

TEST(BufferObjects, FromMemoryAndNew) {
  static char bytes[16] = "0123456789abcde";
  for (bool writable : {false, true}) {
    for (Py_ssize_t size :
         {Py_ssize_t{0}, Py_ssize_t{5}, Py_ssize_t{15}, Py_ssize_t{-2}, PY_SSIZE_T_MIN}) {
      compare(std::string(writable ? "FromReadWriteMemory " : "FromMemory ") + std::to_string(size),
              nullptr,
              [&](const Side &side, PyObject *, PyObject **) {
                std::memcpy(bytes, "0123456789abcde", sizeof bytes);  // cases write it
                return (writable ? side.from_read_write_memory : side.from_memory)(bytes, size);
              },
              {bytes, sizeof bytes, "mem"});
    }
  }
  compare("FromMemory(NULL, 0)", nullptr,
          [](const Side &side, PyObject *, PyObject **) { return side.from_memory(nullptr, 0); });
  // New: its bytes are written first (2.7 leaves them uninitialised).
  for (Py_ssize_t size : {Py_ssize_t{0}, Py_ssize_t{1}, Py_ssize_t{10}, Py_ssize_t{-1},
                          PY_SSIZE_T_MAX, PY_SSIZE_T_MAX - 64, PY_SSIZE_T_MAX / 2}) {
    compare("New " + std::to_string(size), nullptr,
            [size](const Side &side, PyObject *, PyObject **) {
              PyObject *made = side.new_buffer(size);
              if (made != nullptr) {
                const std::string fill(static_cast<size_t>(size), 'n');
                PyObject *value = PyString_FromStringAndSize(fill.data(), size);
                EXPECT_EQ(PySequence_SetSlice(made, 0, size, value), 0) << take_exception();
                Py_DECREF(value);
              }
              return made;
            });
  }
}

// The base changes length after the buffer is made: the window follows it.
TEST(BufferObjects, BaseResized) {
  for (Py_ssize_t offset : {0, 3, 8}) {
    for (Py_ssize_t size : {Py_END_OF_BUFFER, 2, 6}) {
      for (const char *resize : {"del b[4:]", "b.extend('++++++')", "del b[:]"}) {
        compare(std::string("bytearray, ") + std::to_string(offset) + ", " + std::to_string(size) +
                    ", then " + resize,
                "bytearray('0123456789')", [&](const Side &side, PyObject *b, PyObject **) {
                  PyObject *made = side.from_object(b, offset, size);
                  PyDict_SetItemString(globals, "b", b);
                  PyObject *done = PyRun_String(resize, Py_file_input, globals, globals);
                  EXPECT_NE(done, nullptr) << take_exception();
                  Py_XDECREF(done);
                  PyDict_DelItemString(globals, "b");
                  return made;
                });
      }
    }
  }
}

// tp_compare, within each side's own type.
TEST(BufferObjects, Compare) {
  const char *const texts[] = {"", "abc", "abd", "ab", "abcd"};
  for (const char *left : texts) {
    for (const char *right : texts) {
      std::string records[2];
      const Side *sides[2] = {&real, &ours};
      for (int i = 0; i < 2; ++i) {
        PyObject *a = PyString_FromString(left);
        PyObject *b = PyString_FromString(right);
        PyObject *c = evaluate("bytearray('" + std::string(right) + "')");
        PyObject *x = sides[i]->from_object(a, 0, Py_END_OF_BUFFER);
        PyObject *y = sides[i]->from_object(b, 0, Py_END_OF_BUFFER);
        PyObject *z = sides[i]->from_read_write_object(c, 0, Py_END_OF_BUFFER);
        ASSERT_TRUE(x != nullptr && y != nullptr && z != nullptr) << take_exception();
        std::ostringstream out;
        out << PyObject_Compare(x, y) << ' ' << take_exception();
        for (int op : {Py_LT, Py_LE, Py_EQ, Py_NE, Py_GT, Py_GE}) {
          out << ' ' << result_of(PyObject_RichCompare(x, z, op));
        }
        records[i] = out.str();
        for (PyObject *o : {x, y, z, a, b, c}) Py_DECREF(o);
      }
      expect_same(records[0], records[1], std::string("'") + left + "' vs '" + right + "'");
    }
  }
}

// The type objects, and calling them as Python code does (`buffer(...)`).
std::string type_record(PyTypeObject *type) {
  std::ostringstream out;
  out << "name=" << type->tp_name << " basicsize=" << type->tp_basicsize
      << " itemsize=" << type->tp_itemsize
      << " flags=" << (type->tp_flags & ~Py_TPFLAGS_VALID_VERSION_TAG)
      << " base=" << (type->tp_base == &PyBaseObject_Type ? "object" : "other")
      << " getattro=" << (type->tp_getattro == PyObject_GenericGetAttr ? "generic" : "other")
      << " free=" << (type->tp_free == PyObject_Free ? "PyObject_Free" : "other")
      << " doc=" << (type->tp_doc ? type->tp_doc : "NULL");
  PyObject *names = PyObject_Dir(reinterpret_cast<PyObject *>(type));
  out << " dir=" << result_of(names);
  return out.str();
}

TEST(BufferObjects, TypeObjects) {
  // Ours is readied at first use, as 2.7's is by Py_Initialize.
  PyObject *first = ours.from_object(Py_None, 0, 0);
  take_exception();
  Py_XDECREF(first);
  expect_same(type_record(real.type), type_record(ours.type), "the type objects");
  const char *const calls[] = {"t('abc')",
                               "t('abc', 1)",
                               "t('abc', 1, 1)",
                               "t('abc', -1)",
                               "t('abc', 0, -2)",
                               "t('abc', 'x')",
                               "t()",
                               "t(1, 2, 3, 4)",
                               "t(42)",
                               "t(memoryview('a'))",
                               "t('abc', x=1)",
                               "t(bytearray('ab'), 1)",
                               "t('abc', 2**63)",
                               "type(t('a')) is t",
                               "str(t('hello', 1, 3))"};
  for (const char *call : calls) {
    std::string records[2];
    const Side *sides[2] = {&real, &ours};
    for (int i = 0; i < 2; ++i) {
      PyDict_SetItemString(globals, "t", reinterpret_cast<PyObject *>(sides[i]->type));
      PyObject *result = PyRun_String(call, Py_eval_input, globals, globals);
      // A buffer made here rests on a constant of the call's own code: its str, length
      // and type are recorded (describe() covers the rest).
      std::string made;
      if (result != nullptr && Py_TYPE(result) == sides[i]->type) {
        made = "a buffer, len " + std::to_string(PyObject_Size(result)) + ": ";
      }
      records[i] =
          made + result_of(result != nullptr && !made.empty() ? PyObject_Str(result) : result);
      if (!made.empty()) Py_DECREF(result);
      PyDict_DelItemString(globals, "t");
    }
    expect_same(records[0], records[1], call);
  }
  // python -3: the call warns, and an error filter makes the warning raise.
  PyObject *done = PyRun_String("warnings.simplefilter('error', DeprecationWarning)", Py_file_input,
                                globals, globals);
  ASSERT_NE(done, nullptr) << take_exception();
  Py_DECREF(done);
  Py_Py3kWarningFlag = 1;
  std::string records[2];
  const Side *sides[2] = {&real, &ours};
  for (int i = 0; i < 2; ++i) {
    PyDict_SetItemString(globals, "t", reinterpret_cast<PyObject *>(sides[i]->type));
    records[i] = result_of(PyRun_String("t('abc')", Py_eval_input, globals, globals));
  }
  Py_Py3kWarningFlag = 0;
  done = PyRun_String("warnings.resetwarnings()", Py_file_input, globals, globals);
  Py_XDECREF(done);
  expect_same(records[0], records[1], "buffer() under -3");
}

TEST(BufferObjects, CaseCount) {
  report_cases("py27.buffer_objects", cases);
}

}  // namespace
}  // namespace py27::buffer_objects
