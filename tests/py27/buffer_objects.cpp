// libpybuffer-py27's buffer objects against libpython2.7's, in one embedded 2.7 process: the
// five constructors of 2.7's bufferobject.c and everything their objects do. Each case makes a
// buffer once with libpython2.7's functions (dlsym) and once with pybuffer's twins, each over a
// fresh base made by the same Python expression, and records what the object does through
// 2.7's own C API (type, repr with addresses named, str, len, hash, items, slices, extended
// slices, concatenation, repetition, the old slots, the new protocol, assignment, comparison,
// reference counts of the base): the two records must be equal. The type objects themselves
// and calls of them (`buffer(...)`) are compared too. Where 2.7 is unsafe only pybuffer is
// called, and the test checks that it refuses (README, "CPython 2.7", deliberate differences).
#include <Python.h>

#include <dlfcn.h>
#include <gtest/gtest.h>

#include <pybuffer/legacy.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "exporters.hpp"
#include "support.hpp"

namespace {

using py27::take_exception;

struct Side {
  const char *name;
  PyObject *(*from_object)(PyObject *, Py_ssize_t, Py_ssize_t);
  PyObject *(*from_read_write_object)(PyObject *, Py_ssize_t, Py_ssize_t);
  PyObject *(*from_memory)(void *, Py_ssize_t);
  PyObject *(*from_read_write_memory)(void *, Py_ssize_t);
  PyObject *(*new_buffer)(Py_ssize_t);
  PyTypeObject *type;
};

Side real{"libpython2.7", nullptr, nullptr, nullptr, nullptr, nullptr, nullptr};
Side ours{"pybuffer",
          pybuffer_PyBuffer_FromObject,
          pybuffer_PyBuffer_FromReadWriteObject,
          pybuffer_PyBuffer_FromMemory,
          pybuffer_PyBuffer_FromReadWriteMemory,
          pybuffer_PyBuffer_New,
          &pybuffer_PyBuffer_Type};

// libpython2.7's old-protocol readers, for what the objects hand out through the old slots.
int (*real_as_read_buffer)(PyObject *, const void **, Py_ssize_t *);
int (*real_as_char_buffer)(PyObject *, const char **, Py_ssize_t *);
int (*real_as_write_buffer)(PyObject *, void **, Py_ssize_t *);

bool load_real(std::string *error) {
  void *lib = dlopen(PYBUFFER_PY27_LIBRARY, RTLD_LAZY | RTLD_NOLOAD);
  if (lib == nullptr) {
    *error = std::string("libpython2.7 not loaded: ") + PYBUFFER_PY27_LIBRARY;
    return false;
  }
  const auto find = [&](const char *name) {
    void *symbol = dlsym(lib, name);
    if (symbol == nullptr) *error += std::string(" missing ") + name;
    return symbol;
  };
  real.from_object = reinterpret_cast<decltype(real.from_object)>(find("PyBuffer_FromObject"));
  real.from_read_write_object =
      reinterpret_cast<decltype(real.from_read_write_object)>(find("PyBuffer_FromReadWriteObject"));
  real.from_memory = reinterpret_cast<decltype(real.from_memory)>(find("PyBuffer_FromMemory"));
  real.from_read_write_memory =
      reinterpret_cast<decltype(real.from_read_write_memory)>(find("PyBuffer_FromReadWriteMemory"));
  real.new_buffer = reinterpret_cast<decltype(real.new_buffer)>(find("PyBuffer_New"));
  real.type = static_cast<PyTypeObject *>(find("PyBuffer_Type"));
  real_as_read_buffer =
      reinterpret_cast<decltype(real_as_read_buffer)>(find("PyObject_AsReadBuffer"));
  real_as_char_buffer =
      reinterpret_cast<decltype(real_as_char_buffer)>(find("PyObject_AsCharBuffer"));
  real_as_write_buffer =
      reinterpret_cast<decltype(real_as_write_buffer)>(find("PyObject_AsWriteBuffer"));
  if (!error->empty()) return false;
  // The two sides must really be two implementations.
  Dl_info where{};
  if (dladdr(reinterpret_cast<void *>(real.from_object), &where) == 0 ||
      std::strstr(where.dli_fname, "libpython2.7") == nullptr || real.type == ours.type) {
    *error = "PyBuffer_FromObject / PyBuffer_Type are not libpython2.7's own";
    return false;
  }
  return true;
}

int cases = 0;
const bool dump = std::getenv("PY27_DIFFERENTIAL_DUMP") != nullptr;

void expect_same(const std::string &real_record, const std::string &our_record,
                 const std::string &what) {
  ++cases;
  if (dump) std::printf("%s\n  %s\n", what.c_str(), real_record.c_str());
  EXPECT_EQ(real_record, our_record) << what;
}

// ---------------------------------------------------------------------------------------------
// Bases: made afresh for each side by the same Python expression.

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

// ---------------------------------------------------------------------------------------------
// Records.

// 2.7's spelling of a pointer in repr (its own %p), so that it can be named.
std::string pointer_text(const void *pointer) {
  PyObject *text = PyString_FromFormat("%p", pointer);
  std::string result = PyString_AsString(text);
  Py_DECREF(text);
  return result;
}

std::string named(std::string text,
                  const std::vector<std::pair<const void *, std::string>> &names) {
  for (const auto &[pointer, name] : names) {
    if (pointer == nullptr) continue;
    const std::string spelled = pointer_text(pointer);
    for (size_t at = text.find(spelled); at != std::string::npos; at = text.find(spelled, at)) {
      text.replace(at, spelled.size(), name);
      at += name.size();
    }
  }
  return text;
}

std::string bytes_of(const char *bytes, Py_ssize_t length) {
  std::string out = "'";
  for (Py_ssize_t i = 0; i < length; ++i) {
    const unsigned char c = static_cast<unsigned char>(bytes[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'') {
      out += static_cast<char>(c);
    } else {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
      out += escaped;
    }
  }
  return out + "'";
}

// A result object: its str bytes, identity with `same` named, or the exception.
std::string result_of(PyObject *result, PyObject *same = nullptr) {
  if (result == nullptr) return "! " + take_exception();
  std::string text;
  if (same != nullptr && result == same) {
    text = "<the operand itself>";
  } else if (PyString_Check(result)) {
    text = bytes_of(PyString_AS_STRING(result), PyString_GET_SIZE(result));
  } else {
    PyObject *repr = PyObject_Repr(result);
    text = repr != nullptr ? PyString_AsString(repr) : "?";
    Py_XDECREF(repr);
  }
  Py_DECREF(result);
  return text;
}

std::string status_of(int status) {
  return status == 0 ? "ok" : "! " + take_exception();
}

// Where the object's memory is: base+N, mem+N, or elsewhere.
struct Memory {
  const char *start;
  Py_ssize_t length;
  const char *name;
};

std::string where(const void *pointer, const Memory &memory) {
  const char *p = static_cast<const char *>(pointer);
  if (p == nullptr) return "NULL";
  if (memory.start != nullptr && p >= memory.start && p <= memory.start + memory.length) {
    return std::string(memory.name) + "+" + std::to_string(p - memory.start);
  }
  return "elsewhere";
}

Memory memory_of_base(PyObject *base) {
  const void *start = nullptr;
  Py_ssize_t length = 0;
  if (base == nullptr || real_as_read_buffer(base, &start, &length) != 0) {
    PyErr_Clear();
    return {nullptr, 0, "base"};
  }
  return {static_cast<const char *>(start), length, "base"};
}

PyObject *integer(Py_ssize_t value) {
  return PyInt_FromSsize_t(value);
}

PyObject *slice(const char *start, const char *stop, const char *step) {
  const auto part = [](const char *text) {
    if (text == nullptr) {
      Py_INCREF(Py_None);
      return Py_None;
    }
    return PyInt_FromString(const_cast<char *>(text), nullptr, 10);
  };
  PyObject *a = part(start);
  PyObject *b = part(stop);
  PyObject *c = part(step);
  PyObject *s = PySlice_New(a, b, c);
  Py_DECREF(a);
  Py_DECREF(b);
  Py_DECREF(c);
  return s;
}

void reading(std::ostream &out, PyObject *made, Py_ssize_t length) {
  const Py_ssize_t shown = length < 12 ? length : 12;
  out << "\n items:";
  for (Py_ssize_t i = -shown - 2; i <= shown + 1; ++i) {
    out << ' ' << i << '=' << result_of(PySequence_GetItem(made, i));
    PyObject *key = integer(i);
    out << '/' << result_of(PyObject_GetItem(made, key));
    Py_DECREF(key);
  }
  out << "\n slices:";
  const Py_ssize_t bounds[] = {-100, -1, 0, 1, 3, 100, PY_SSIZE_T_MAX};
  for (Py_ssize_t left : bounds) {
    for (Py_ssize_t right : bounds) {
      out << ' ' << result_of(PySequence_GetSlice(made, left, right));
    }
  }
  out << "\n extended:";
  const char *const starts[] = {nullptr, "1", "-2", "100"};
  const char *const steps[] = {nullptr, "2", "-1", "-3", "0", "9223372036854775807"};
  for (const char *start : starts) {
    for (const char *stop : starts) {
      for (const char *step : steps) {
        PyObject *key = slice(start, stop, step);
        out << ' ' << result_of(PyObject_GetItem(made, key));
        Py_DECREF(key);
      }
    }
  }
  for (const char *expression : {"'x'", "1.5", "None"}) {
    PyObject *key = evaluate(expression);
    out << ' ' << result_of(PyObject_GetItem(made, key));
    Py_XDECREF(key);
  }
}

void combining(std::ostream &out, PyObject *made, Py_ssize_t length) {
  out << "\n concat:";
  for (const char *expression :
       {"'XY'", "bytearray('Q')", "''", "7", "two_segments", "new_slots", "u'\\xe9'"}) {
    PyObject *other = evaluate(expression);
    out << ' ' << result_of(PySequence_Concat(made, other), other);
    Py_XDECREF(other);
  }
  // 2.7 divides by the length to check the product: an empty buffer is the deliberate case.
  if (length > 0) {
    out << "\n repeat:";
    for (Py_ssize_t count : {Py_ssize_t{-1}, Py_ssize_t{0}, Py_ssize_t{1}, Py_ssize_t{3},
                             PY_SSIZE_T_MAX / 2, PY_SSIZE_T_MAX}) {
      out << ' ' << result_of(PySequence_Repeat(made, count));
    }
  }
}

void old_slots(std::ostream &out, PyObject *made, const Memory &memory) {
  PyBufferProcs *procs = Py_TYPE(made)->tp_as_buffer;
  Py_ssize_t total = -7;
  out << "\n segments=" << procs->bf_getsegcount(made, &total) << " total=" << total << ' '
      << take_exception() << " null-total=" << procs->bf_getsegcount(made, nullptr) << ' '
      << take_exception();
  void *pointer = nullptr;
  char *chars = nullptr;
  out << " seg1: read=" << procs->bf_getreadbuffer(made, 1, &pointer) << ' ' << take_exception()
      << " write=" << procs->bf_getwritebuffer(made, 1, &pointer) << ' ' << take_exception()
      << " char=" << procs->bf_getcharbuffer(made, 1, &chars) << ' ' << take_exception();
  const void *read = nullptr;
  const char *text = nullptr;
  void *write = nullptr;
  Py_ssize_t length = -7;
  out << "\n AsRead=" << real_as_read_buffer(made, &read, &length) << ' ' << where(read, memory)
      << " len=" << length << ' ' << take_exception();
  length = -7;
  out << " AsChar=" << real_as_char_buffer(made, &text, &length) << ' ' << where(text, memory)
      << " len=" << length << ' ' << take_exception();
  length = -7;
  out << " AsWrite=" << real_as_write_buffer(made, &write, &length) << ' ' << where(write, memory)
      << " len=" << length << ' ' << take_exception();
}

void new_protocol(std::ostream &out, PyObject *made, const Memory &memory) {
  out << "\n views:";
  for (int flags :
       {PyBUF_SIMPLE, PyBUF_WRITABLE, PyBUF_ND | PyBUF_FORMAT, PyBUF_FULL_RO, PyBUF_FULL}) {
    Py_buffer view;
    std::memset(&view, 0xA5, sizeof view);
    const Py_ssize_t before = Py_REFCNT(made);
    const int status = PyObject_GetBuffer(made, &view, flags);
    out << ' ' << flags << ':' << status;
    if (status != 0) {
      out << ' ' << take_exception();
      continue;
    }
    out << " buf=" << where(view.buf, memory) << " obj=" << (view.obj == made ? "self" : "other")
        << " len=" << view.len << " itemsize=" << view.itemsize << " ro=" << view.readonly
        << " ndim=" << view.ndim << " format=" << (view.format ? view.format : "NULL")
        << " shape=" << (view.shape ? std::to_string(view.shape[0]) : "NULL")
        << " strides=" << (view.strides ? std::to_string(view.strides[0]) : "NULL")
        << " suboffsets=" << (view.suboffsets ? "set" : "NULL") << " refs+"
        << Py_REFCNT(made) - before;
    PyBuffer_Release(&view);
    out << " released refs+" << Py_REFCNT(made) - before;
  }
}

// Assignment, by item, slice and subscript (a read-only buffer refuses each); then the bytes.
void writing(std::ostream &out, PyObject *made, Py_ssize_t length) {
  out << "\n assign:";
  const auto value = [](const std::string &expression) { return evaluate(expression); };
  const std::pair<Py_ssize_t, const char *> items[] = {
      {0, "'Z'"}, {-1, "'Y'"},         {100, "'Z'"},         {0, "'ZZ'"},
      {0, "5"},   {0, "two_segments"}, {1, "bytearray('W')"}};
  for (const auto &[index, expression] : items) {
    PyObject *v = value(expression);
    out << ' ' << status_of(PySequence_SetItem(made, index, v));
    PyObject *key = integer(index);
    out << '/' << status_of(PyObject_SetItem(made, key, v));
    Py_DECREF(key);
    Py_XDECREF(v);
  }
  out << " del=" << status_of(PySequence_DelItem(made, 0));
  const std::string half(static_cast<size_t>((length + 1) / 2), 'h');
  const std::string whole(static_cast<size_t>(length), 'w');
  const std::tuple<Py_ssize_t, Py_ssize_t, std::string> slices[] = {
      {1, 3, "'ab'"}, {1, 3, "'abc'"}, {-5, 100, "'" + whole + "'"}, {4, 2, "''"}, {0, 1, "7"}};
  for (const auto &[left, right, expression] : slices) {
    PyObject *v = value(expression);
    out << ' ' << status_of(PySequence_SetSlice(made, left, right, v));
    Py_XDECREF(v);
  }
  const std::tuple<const char *, const char *, const char *, std::string> subscripts[] = {
      {nullptr, nullptr, "2", "'" + half + "'"},
      {nullptr, nullptr, "-1", "'" + whole + "'"},
      {"1", "-1", "2", "'q'"},
      {nullptr, nullptr, "0", "''"}};
  for (const auto &[start, stop, step, expression] : subscripts) {
    PyObject *key = slice(start, stop, step);
    PyObject *v = value(expression);
    out << ' ' << status_of(PyObject_SetItem(made, key, v));
    Py_XDECREF(v);
    Py_DECREF(key);
  }
  PyObject *v = value("'a'");
  PyObject *key = value("'x'");
  out << ' ' << status_of(PyObject_SetItem(made, key, v));
  Py_XDECREF(key);
  Py_XDECREF(v);
  out << "\n after: " << result_of(PyObject_Str(made));
}

// Everything a buffer does, as one record. `base` is the object whose memory it shows (after
// collapsing), `memory` what a memory buffer was made with.
std::string describe(const Side &side, PyObject *made, PyObject *base, const Memory &memory) {
  std::ostringstream out;
  if (made == nullptr) return "NULL " + take_exception();
  const Py_ssize_t base_refs = base != nullptr ? Py_REFCNT(base) : 0;
  out << (Py_TYPE(made) == side.type ? "type" : "OTHER TYPE") << " refs=" << Py_REFCNT(made);
  PyObject *repr = PyObject_Repr(made);
  out << " repr="
      << (repr != nullptr ? named(PyString_AsString(repr),
                                  {{made, "SELF"}, {base, "BASE"}, {memory.start, "MEM"}})
                          : take_exception());
  Py_XDECREF(repr);
  out << " str=" << result_of(PyObject_Str(made));
  const Py_ssize_t length = PyObject_Size(made);
  out << " len=" << length << ' ' << take_exception();
  const long hash = PyObject_Hash(made);
  out << " hash=" << hash << ' ' << take_exception() << " again=" << PyObject_Hash(made) << ' '
      << take_exception();
  if (length >= 0) {
    reading(out, made, length);
    combining(out, made, length);
  }
  old_slots(out, made, memory);
  new_protocol(out, made, memory);
  if (length >= 0) writing(out, made, length);
  out << "\n base refs+" << (base != nullptr ? Py_REFCNT(base) - base_refs : 0);
  Py_DECREF(made);
  out << " freed: base refs+" << (base != nullptr ? Py_REFCNT(base) - base_refs : 0);
  return out.str();
}

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

TEST(BufferObjects, CaseCount) {
  std::printf("py27.buffer_objects: %d cases compared with libpython2.7\n", cases);
  EXPECT_GT(cases, 0);
}

}  // namespace

int main(int argc, char **argv) {
  return py27::run_suite(argc, argv, "py27.buffer_objects", [](std::string *why) {
    if (!load_real(why)) return false;
    make_globals();
    return true;
  });
}
