// The two implementations under comparison, as tables of the same function pointers, one
// per row of PYBUFFER_FUNCTIONS.
//
// real() is CPython's own code, looked up with dlsym in the loaded libpython: the plain names
// cannot be trusted because libpybuffer exports them too, and which definition the dynamic
// linker picks depends on link order. ours() is pybuffer, reached through the namespaced
// twins (pybuffer_PyObject_GetBuffer, ...), which nothing else defines.
#pragma once

#include <Python.h>

#include "pybuffer/pybuffer.h"

#include <string>

// Before 3.9, PyObject_CheckBuffer is a macro of the headers (libpython has no such function):
// it would expand inside real().PyObject_CheckBuffer(...). Its reference answer is the macro
// itself (pybuffer_test::check_buffer_by_headers).
#ifdef PyObject_CheckBuffer
#undef PyObject_CheckBuffer
#endif

namespace diff {

struct Api {
  const char *name;  // "CPython" or "pybuffer", for messages
#define DIFF_API_MEMBER(ret, fn, params, args) ret(*fn) params;
  PYBUFFER_FUNCTIONS(DIFF_API_MEMBER)
#undef DIFF_API_MEMBER
};

/// Fills both tables; returns false (with a reason) when libpython cannot be found or lacks
/// one of the functions. A host before 3.9 lacks PyObject_CheckBuffer and
/// PyBuffer_SizeFromFormat: the real table holds the host's own answers for them
/// (tests/common/host_reference.hpp). Must run after Py_InitializeEx and before any test.
bool load_apis(std::string *error);

const Api &real();
const Api &ours();

/// The file the real table was read from, for the banner printed at start.
const std::string &libpython_path();

}  // namespace diff
