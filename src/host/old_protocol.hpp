// CPython 2.7's old buffer protocol (bf_getreadbuffer, bf_getwritebuffer, bf_getsegcount,
// bf_getcharbuffer), through which 2.7's PyObject_As*Buffer and PyObject_CheckReadBuffer
// work. Only the 2.7 variant has it (old_protocol.cpp needs profile_py27.hpp).
#pragma once

#include <Python.h>

namespace pybuffer::host {

/// Which old slot hands out the segment.
enum class OldSlot : unsigned char { read, write, chars };

/// 2.7's single-segment pointer of `obj` (not NULL) through `slot`: 0 with *buffer and *len
/// set, or -1 with the exception set (2.7's TypeError when the type lacks the slot or
/// bf_getsegcount, or has other than one segment; the slot's own when it fails).
int old_single_segment(PyObject *obj, OldSlot slot, void **buffer, Py_ssize_t *len);

/// 2.7's PyObject_CheckReadBuffer: the type has bf_getreadbuffer and bf_getsegcount, and
/// `obj` (not NULL) has exactly one segment. Sets no exception of its own.
bool old_has_single_read_segment(PyObject *obj);

}  // namespace pybuffer::host
