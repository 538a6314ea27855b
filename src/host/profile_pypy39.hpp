// Runtime profile: PyPy 3.9 (cpyext, PyPy 7.3.x). The library is compiled against PyPy's own
// headers, whose macros spell every C-API name with the PyPy prefix; every layout fact it
// relies on is asserted below against them. What runs is CPython 3.9's semantics: PyPy
// reports its language version (3.9.x) through Py_GetVersion, and the rules follow it.
#pragma once

#include <Python.h>

#include <cstddef>

#include "host/profile_python3_rules.hpp"

#if !defined(PYPY_VERSION)
#error "profile_pypy39.hpp must be compiled against PyPy's headers"
#endif

namespace pybuffer::host::profile {

inline constexpr const char name[] = "pypy39";

/// The interpreter's C-API symbols start with this instead of "Py".
inline constexpr const char symbol_prefix[] = "PyPy";

/// Prepended (as a string literal, at compile time) to a CPython name to spell the name this
/// variant exports: "Py" "PyObject_GetBuffer" is PyPy's "PyPyObject_GetBuffer".
#define PYBUFFER_PROFILE_EXPORT_PREFIX "Py"

// cpyext's object header has a word of its own (ob_pypy_link) between the count and the
// type, so the type object has 21 pointer-sized fields before tp_as_buffer, not 20.
inline constexpr std::size_t type_offset = 2 * sizeof(Py_ssize_t);
inline constexpr std::size_t as_buffer_offset = 21 * sizeof(void *);
static_assert(offsetof(PyObject, ob_type) == type_offset, "ob_type moved");
static_assert(offsetof(PyTypeObject, tp_as_buffer) == as_buffer_offset, "tp_as_buffer moved");
static_assert(offsetof(PyBufferProcs, bf_getbuffer) == 0 &&
                  offsetof(PyBufferProcs, bf_releasebuffer) == sizeof(void *),
              "PyBufferProcs changed");

// PyPy's Py_buffer: CPython's eleven fields, then `int flags` and two fixed arrays of
// Py_MAX_NDIMS (36) entries. The library writes only the CPython fields (PyBuffer_FillInfo
// points shape/strides at len/itemsize, as CPython does); the rest is the exporter's.
inline constexpr std::size_t buffer_size = 664;
static_assert(Py_MAX_NDIMS == 36, "Py_MAX_NDIMS changed");
static_assert(sizeof(Py_buffer) == buffer_size, "sizeof(Py_buffer) changed");
// Words: buf, obj, len, itemsize, readonly and ndim (two ints), format, shape, strides,
// suboffsets, internal; then flags (an int, padded to a word), and the arrays.
static_assert(offsetof(Py_buffer, internal) == 9 * sizeof(void *), "Py_buffer.internal moved");
static_assert(offsetof(Py_buffer, flags) == 10 * sizeof(void *), "Py_buffer.flags moved");
static_assert(offsetof(Py_buffer, _strides) == 11 * sizeof(void *), "Py_buffer._strides moved");
static_assert(offsetof(Py_buffer, _shape) == (11 + Py_MAX_NDIMS) * sizeof(void *),
              "Py_buffer._shape moved");

/// The type's buffer procedures. cpyext gives every type that reaches C code a PyTypeObject,
/// and fills tp_as_buffer for the built-in exporters (bytes, bytearray, array, memoryview),
/// which is what PyPy's own PyObject_CheckBuffer macro reads too.
inline PyBufferProcs *buffer_procs(PyObject *obj) {
  return obj->ob_type->tp_as_buffer;
}

/// Reference counts are never changed inline: cpyext's count is tied to the PyPy object
/// through ob_pypy_link, and only PyPy_IncRef/PyPy_DecRef keep the two consistent.
inline constexpr bool inline_refcounts = false;

inline Py_ssize_t refcount_rule(unsigned long, bool) {
  return 0;
}

/// CPython 3.9's rules: PyBUF_READ / PyBUF_WRITE requests are accepted (3.13 rejects them).
inline bool rejects_read_write_flags(unsigned long) {
  return false;
}

/// The most dimensions the runtime's own memoryview holds: PyPy's Py_buffer carries fixed
/// shape and strides arrays of Py_MAX_NDIMS entries, fewer than CPython's 64.
inline constexpr int memoryview_max_ndim = Py_MAX_NDIMS;

/// PyPy's memoryview never writes Py_buffer.readonly when it exports (README, "PyPy"): whether
/// its memory is writable is asked with a writable request instead.
inline constexpr bool memoryview_exports_readonly = false;

/// PyPy's memoryview reads an exporter's strides without checking them for NULL: a view of
/// more than one dimension is handed to it with C-contiguous strides made from its shape, as
/// CPython's memoryview makes them itself (init_strides_from_shape).
inline constexpr bool memoryview_needs_strides = true;

/// PyType_FromSpec takes the buffer slots (Py_bf_getbuffer), as CPython 3.9's does.
inline bool type_spec_takes_buffer_slots(unsigned long) {
  return true;
}

/// 3.9's struct has no complex codes 'F' and 'D'.
inline bool struct_has_complex_codes(unsigned long) {
  return false;
}

}  // namespace pybuffer::host::profile
