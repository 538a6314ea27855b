// Runtime profile: CPython 2.7 (release builds with a shared libpython2.7), for
// libpybuffer-py27. The library is compiled against 2.7's own headers; every layout fact it
// relies on is asserted below against them. 2.7 keeps two buffer protocols in one struct:
// the old slots (read/write/segcount/charbuffer), which its PyObject_As*Buffer functions
// use, and the new ones (getbuffer/releasebuffer), which exist only for types that say so
// with Py_TPFLAGS_HAVE_NEWBUFFER (an older extension's PyBufferProcs may end before them).
#pragma once

#include <Python.h>

#include <cstddef>

#if PY_MAJOR_VERSION != 2 || PY_MINOR_VERSION != 7
#error "profile_py27.hpp must be compiled against CPython 2.7's headers"
#endif

namespace pybuffer::host::profile {

inline constexpr const char name[] = "py27";

/// The interpreter's C-API symbols start with this instead of "Py".
inline constexpr const char symbol_prefix[] = "Py";

/// CPython's names are exported as they are.
#define PYBUFFER_PROFILE_EXPORT_PREFIX ""

/// The interpreter functions of the library's table that only this family has: what 2.7's
/// buffer type (legacy_buffer_py27.cpp) calls. (The codec errors and the memoryview exporter,
/// which need 3.x's, are not in this variant.)
#define PYBUFFER_PROFILE_INTERPRETER_FUNCTIONS(X)                                 \
  X(PyObject *, PyString_FromStringAndSize, (const char *, Py_ssize_t))           \
  X(PyObject *, PyString_FromFormat, (const char *, ...))                         \
  X(int, PyType_Ready, (PyTypeObject *))                                          \
  X(void *, PyObject_Malloc, (size_t))                                            \
  X(void, PyObject_Free, (void *))                                                \
  X(PyObject *, PyObject_Init, (PyObject *, PyTypeObject *))                      \
  X(int, PyArg_ParseTuple, (PyObject *, const char *, ...))                       \
  X(int, _PyArg_NoKeywords, (const char *, PyObject *))                           \
  X(int, PyErr_WarnEx, (PyObject *, const char *, Py_ssize_t))                    \
  X(int, PyErr_BadArgument, (void))                                               \
  X(Py_ssize_t, PyNumber_AsSsize_t, (PyObject *, PyObject *))                     \
  X(int, _PySlice_Unpack, (PyObject *, Py_ssize_t *, Py_ssize_t *, Py_ssize_t *)) \
  X(Py_ssize_t, _PySlice_AdjustIndices, (Py_ssize_t, Py_ssize_t *, Py_ssize_t *, Py_ssize_t))

// Pinned layout. Object header: ob_refcnt, then ob_type; type object: a variable-size
// header, then 17 pointer-sized fields before tp_as_buffer, as in 3.x; tp_flags is a long.
inline constexpr std::size_t refcnt_offset = 0;
inline constexpr std::size_t type_offset = sizeof(Py_ssize_t);
inline constexpr std::size_t as_buffer_offset = 20 * sizeof(void *);
static_assert(offsetof(PyObject, ob_refcnt) == refcnt_offset, "ob_refcnt moved");
static_assert(offsetof(PyObject, ob_type) == type_offset, "ob_type moved");
static_assert(offsetof(PyTypeObject, tp_as_buffer) == as_buffer_offset, "tp_as_buffer moved");
// 2.7's PyBuffer_Type is a data symbol: its size is written into the export (.size), which an
// executable's copy relocation of it uses.
#define PYBUFFER_PY27_TYPE_OBJECT_SIZE "392"
static_assert(sizeof(PyTypeObject) == 392, "PyTypeObject changed: update the export's size");
// Old slots first, then the new protocol's two.
static_assert(offsetof(PyBufferProcs, bf_getreadbuffer) == 0 &&
                  offsetof(PyBufferProcs, bf_getwritebuffer) == sizeof(void *) &&
                  offsetof(PyBufferProcs, bf_getsegcount) == 2 * sizeof(void *) &&
                  offsetof(PyBufferProcs, bf_getcharbuffer) == 3 * sizeof(void *) &&
                  offsetof(PyBufferProcs, bf_getbuffer) == 4 * sizeof(void *) &&
                  offsetof(PyBufferProcs, bf_releasebuffer) == 5 * sizeof(void *),
              "PyBufferProcs changed");

// Words: buf, obj, len, itemsize, readonly and ndim (two ints), format, shape, strides,
// suboffsets; then 2.7's Py_buffer has `Py_ssize_t smalltable[2]` between suboffsets and
// internal (pybuffer.h's mirror learns it too). The library never reads or writes it.
inline constexpr std::size_t buffer_size = 12 * sizeof(void *);
static_assert(sizeof(Py_buffer) == buffer_size, "sizeof(Py_buffer) changed");
static_assert(offsetof(Py_buffer, smalltable) == 9 * sizeof(void *), "smalltable moved");
static_assert(offsetof(Py_buffer, internal) == 11 * sizeof(void *), "internal moved");

/// The new protocol's procedures: the type's PyBufferProcs only when the type has
/// Py_TPFLAGS_HAVE_NEWBUFFER (2.7's PyObject_CheckBuffer), else NULL.
inline PyBufferProcs *buffer_procs(PyObject *obj) {
  PyTypeObject *type = obj->ob_type;
  return (type->tp_flags & Py_TPFLAGS_HAVE_NEWBUFFER) != 0 ? type->tp_as_buffer : nullptr;
}

/// The old protocol's procedures, whatever the flags (2.7 reads them so). Its charbuffer
/// slot is read only where Py_TPFLAGS_HAVE_GETCHARBUFFER says the struct has it.
inline PyBufferProcs *old_buffer_procs(PyObject *obj) {
  return obj->ob_type->tp_as_buffer;
}
inline bool has_charbuffer_slot(PyObject *obj) {
  return (obj->ob_type->tp_flags & Py_TPFLAGS_HAVE_GETCHARBUFFER) != 0;
}

/// Counts may be changed inline, within refcount_rule's limit: 2.7 counts in the whole word;
/// debug builds (Py_REF_DEBUG) and other versions only through Py_IncRef/Py_DecRef.
inline constexpr bool inline_refcounts = true;
inline Py_ssize_t refcount_rule(unsigned long version_hex, bool debug_build) {
  if (debug_build || version_hex < 0x02070000UL || version_hex >= 0x02080000UL) return 0;
  return PY_SSIZE_T_MAX;
}

/// 2.7 accepts PyBUF_READ / PyBUF_WRITE as request flags.
inline bool rejects_read_write_flags(unsigned long) {
  return false;
}

/// Not asked in this variant (no format functions); 2.7's struct has no complex codes.
inline bool struct_has_complex_codes(unsigned long) {
  return false;
}

// ------------------------------------------------------------------------------------------
// 2.7's rules where its abstract.c differs from 3.x's (capi asks these; src/capi/*.cpp).

/// PyObject_GetBuffer's TypeError for an object without the new protocol, a format for the
/// host's PyErr_Format with the type's name (2.7's formatter ignores the width 100).
inline constexpr const char get_buffer_type_error[] = "'%100s' does not have the buffer interface";

/// PyObject_CopyData's TypeError when either side lacks the new protocol.
inline constexpr const char copy_data_type_error[] =
    "both destination and source must have the buffer interface";

/// PyBuffer_FillInfo with view NULL returns 0 and does nothing.
inline constexpr bool fill_info_null_view_is_noop = true;

/// PyBuffer_IsContiguous counts every dimension, extent 1 included (core::ContiguityRule).
inline constexpr bool contiguity_counts_extent_one = true;

/// PyBuffer_ToContiguous copies min(len, view->len) bytes' worth of items (3.x requires
/// len == view->len); an order other than 'F' copies in C order (3.x: ValueError).
inline constexpr bool copies_clamp_len = true;

}  // namespace pybuffer::host::profile
