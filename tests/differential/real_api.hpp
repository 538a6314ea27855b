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

namespace diff {

struct Api {
  const char *name;  // "CPython" or "pybuffer", for messages
#define DIFF_API_MEMBER(ret, fn, params, args) ret(*fn) params;
  PYBUFFER_FUNCTIONS(DIFF_API_MEMBER)
#undef DIFF_API_MEMBER
};

/// Fills both tables; returns false (with a reason) when libpython cannot be found or lacks
/// one of the functions. Must run after Py_InitializeEx and before any test.
bool load_apis(std::string *error);

const Api &real();
const Api &ours();

/// The file the real table was read from, for the banner printed at start.
const std::string &libpython_path();

}  // namespace diff
