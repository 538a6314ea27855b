// Runtime profile: CPython 3, GIL (non-free-threaded) release builds, 3.6 to 3.13 from one
// build. The library is compiled against one of their headers and relies only on what all
// of them lay out alike, asserted below against the headers it is compiled with; the abi
// suite compiles the same assertions against every host's headers.
#pragma once

#include <Python.h>

#include <cstddef>

#include "host/profile_python3_rules.hpp"

namespace pybuffer::host::profile {

inline constexpr const char name[] = "cpython3";

/// The interpreter's C-API symbols start with this instead of "Py".
inline constexpr const char symbol_prefix[] = "Py";

/// Prepended (as a string literal, at compile time) to a CPython name to spell the name this
/// variant exports: nothing, CPython's names are exported as they are.
#define PYBUFFER_PROFILE_EXPORT_PREFIX ""

// Pinned layout. Object header: ob_refcnt, then ob_type. Type object: a variable-size
// object header, then 17 pointer-sized fields before tp_as_buffer. Every 3.x release build
// agrees; a debug build with Py_TRACE_REFS does not, and is not a host of this profile.
inline constexpr std::size_t refcnt_offset = 0;
inline constexpr std::size_t type_offset = sizeof(Py_ssize_t);
inline constexpr std::size_t as_buffer_offset = 20 * sizeof(void *);
static_assert(offsetof(PyObject, ob_refcnt) == refcnt_offset, "ob_refcnt moved");
static_assert(offsetof(PyObject, ob_type) == type_offset, "ob_type moved");
static_assert(offsetof(PyTypeObject, tp_as_buffer) == as_buffer_offset, "tp_as_buffer moved");
static_assert(offsetof(PyBufferProcs, bf_getbuffer) == 0 &&
                  offsetof(PyBufferProcs, bf_releasebuffer) == sizeof(void *),
              "PyBufferProcs changed");

/// The type's buffer procedures, read directly (one load, as CPython's own code does): this
/// is the per-call path of CheckBuffer, GetBuffer and Release.
inline PyBufferProcs *buffer_procs(PyObject *obj) {
  return obj->ob_type->tp_as_buffer;
}

/// Counts may be changed inline, within refcount_rule's limit.
inline constexpr bool inline_refcounts = true;

/// The most dimensions the runtime's own memoryview holds.
inline constexpr int memoryview_max_ndim = PyBUF_MAX_NDIM;

/// The memoryview's bf_getbuffer writes readonly, and it reconstructs missing strides itself.
inline constexpr bool memoryview_exports_readonly = true;
inline constexpr bool memoryview_needs_strides = false;

/// The largest reference count that may be changed inline, for the running version; 0 means
/// "always call the interpreter's Py_IncRef/Py_DecRef". 3.12 and 3.13 keep counts in the low
/// 32 bits and treat a count with bit 31 set as immortal (never changed); earlier versions
/// count in the whole word. Debug builds keep a total of all references, which only the
/// interpreter's functions update; unknown versions are not guessed at.
inline Py_ssize_t refcount_rule(unsigned long version_hex, bool debug_build) {
  if (debug_build || version_hex < 0x03060000UL || version_hex >= 0x030E0000UL) return 0;
  if (version_hex >= 0x030C0000UL) return 0x7FFFFFFF;
  return PY_SSIZE_T_MAX;
}

/// 3.13 made a PyBUF_READ or PyBUF_WRITE request a SystemError.
inline bool rejects_read_write_flags(unsigned long version_hex) {
  return version_hex >= 0x030D0000UL;
}

/// PyType_FromSpec takes the buffer slots (Py_bf_getbuffer) from 3.9 on. Before, the host's
/// slot table maps them to offset 0 (the type's own reference count): a heap type's buffer
/// slots are then set in its tp_as_buffer, which PyType_FromSpec points at the heap type's own
/// PyBufferProcs on every 3.x.
inline bool type_spec_takes_buffer_slots(unsigned long version_hex) {
  return version_hex >= 0x03090000UL;
}

/// struct knows the complex codes 'F' and 'D' from 3.14 on.
inline bool struct_has_complex_codes(unsigned long version_hex) {
  return version_hex >= 0x030E0000UL;
}

}  // namespace pybuffer::host::profile
