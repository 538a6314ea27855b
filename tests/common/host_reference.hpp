// The reference answers of the two functions CPython before 3.9 does not export: each is
// computed by the running host itself, as its own headers or 3.9's definition compute it.
// Compiled against the Python.h of the host the program embeds (pybuffer_test_python_support).
#pragma once

#include <Python.h>

namespace pybuffer_test {

/// PyObject_CheckBuffer as the host's own headers spell it: before 3.9 a macro reading the
/// type's bf_getbuffer (libpython has no such function), from 3.9 the host's function.
int check_buffer_by_headers(PyObject *obj);

/// 3.9's PyBuffer_SizeFromFormat, step by step on the host's own struct module: import
/// struct, struct.calcsize(str decoded from UTF-8 `format`), then the result as Py_ssize_t;
/// -1 with the exception of the failing step set. The expected side on 3.6-3.8, which have
/// no PyBuffer_SizeFromFormat; on 3.9+ the host's function does exactly this.
Py_ssize_t size_from_format_by_struct(const char *format);

}  // namespace pybuffer_test
