#include "records.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "../support.hpp"
#include "bases.hpp"

namespace py27::buffer_objects {

int cases = 0;
namespace {
const bool dump = std::getenv("PY27_DIFFERENTIAL_DUMP") != nullptr;
}  // namespace

void expect_same(const std::string &real_record, const std::string &our_record,
                 const std::string &what) {
  ++cases;
  if (dump) std::printf("%s\n  %s\n", what.c_str(), real_record.c_str());
  EXPECT_EQ(real_record, our_record) << what;
}

namespace {

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

}  // namespace

// A result object: its str bytes, identity with `same` named, or the exception.
std::string result_of(PyObject *result, PyObject *same) {
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

namespace {

std::string status_of(int status) {
  return status == 0 ? "ok" : "! " + take_exception();
}

// Where the object's memory is: base+N, mem+N, or elsewhere.
std::string where(const void *pointer, const Memory &memory) {
  const char *p = static_cast<const char *>(pointer);
  if (p == nullptr) return "NULL";
  if (memory.start != nullptr && p >= memory.start && p <= memory.start + memory.length) {
    return std::string(memory.name) + "+" + std::to_string(p - memory.start);
  }
  return "elsewhere";
}

}  // namespace

Memory memory_of_base(PyObject *base) {
  const void *start = nullptr;
  Py_ssize_t length = 0;
  if (base == nullptr || real_as_read_buffer(base, &start, &length) != 0) {
    PyErr_Clear();
    return {nullptr, 0, "base"};
  }
  return {static_cast<const char *>(start), length, "base"};
}

namespace {

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

}  // namespace

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

}  // namespace py27::buffer_objects
