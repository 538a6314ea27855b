// What py27.buffer_objects records of a buffer, through 2.7's own C API, to compare the two
// sides' objects as text.
#pragma once

#include <Python.h>

#include <string>

#include "sides.hpp"

namespace py27::buffer_objects {

/// How many records have been compared.
extern int cases;

/// One compared case: the two sides' records must be equal (PY27_DIFFERENTIAL_DUMP=1 prints
/// each).
void expect_same(const std::string &real_record, const std::string &our_record,
                 const std::string &what);

/// A result object (its reference taken): its str bytes, identity with `same` named, or the
/// exception.
std::string result_of(PyObject *result, PyObject *same = nullptr);

/// Memory a buffer may show, named in records as name+offset.
struct Memory {
  const char *start;
  Py_ssize_t length;
  const char *name;
};

/// The memory of `base` as 2.7's PyObject_AsReadBuffer gives it, named "base".
Memory memory_of_base(PyObject *base);

// Everything a buffer does, as one record. `base` is the object whose memory it shows (after
// collapsing), `memory` what a memory buffer was made with.
std::string describe(const Side &side, PyObject *made, PyObject *base, const Memory &memory);

}  // namespace py27::buffer_objects
