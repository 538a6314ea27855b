// What every Python 3 profile (CPython 3, PyPy 3.9) says alike: the interpreter functions
// only 3.x has, and 3.x's rules where 2.7's abstract.c differs (profile_py27.hpp).
#pragma once

/// The interpreter functions of the library's table that only 3.x has (host/interpreter.hpp).
#define PYBUFFER_PROFILE_INTERPRETER_FUNCTIONS(X)                      \
  X(PyObject *, PyUnicode_FromString, (const char *))                  \
  X(PyObject *, PyBytes_FromStringAndSize, (const char *, Py_ssize_t)) \
  X(PyObject *, PyUnicode_FromFormat, (const char *, ...))             \
  X(PyObject *, PyObject_RichCompare, (PyObject *, PyObject *, int))   \
  X(PyObject *, PyObject_GetItem, (PyObject *, PyObject *))            \
  X(PyObject *, PyObject_GetIter, (PyObject *))                        \
  X(PyObject *, PyLong_FromSsize_t, (Py_ssize_t))                      \
  X(Py_hash_t, PyObject_Hash, (PyObject *))                            \
  X(PyObject *, PyType_FromSpec, (PyType_Spec *))                      \
  X(void *, PyType_GetSlot, (PyTypeObject *, int))

namespace pybuffer::host::profile {

/// PyObject_GetBuffer's TypeError for an object without the buffer protocol, a format for
/// the host's PyErr_Format with the type's name.
inline constexpr const char get_buffer_type_error[] =
    "a bytes-like object is required, not '%.100s'";

/// PyObject_CopyData's TypeError when either side lacks the buffer protocol.
inline constexpr const char copy_data_type_error[] =
    "both destination and source must be bytes-like objects";

/// PyBuffer_FillInfo with view NULL is a BufferError.
inline constexpr bool fill_info_null_view_is_noop = false;

/// PyBuffer_IsContiguous ignores dimensions of extent 1.
inline constexpr bool contiguity_counts_extent_one = false;

/// PyBuffer_ToContiguous requires len == view->len and a valid order.
inline constexpr bool copies_clamp_len = false;

}  // namespace pybuffer::host::profile
