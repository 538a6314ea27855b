// What capi asks of the runtime: its version rules, the buffer slots, references and errors.
// The per-call paths (get_buffer, release, has_buffer_slot) are inline: they are all the work
// of CheckBuffer, GetBuffer and Release, which real extensions call most.
#pragma once

#include <Python.h>

#include "core/assert.hpp"
#include "core/legacy_buffer.hpp"
#include "host/interpreter.hpp"
#include "host/profile.hpp"
#include "host/refcount.hpp"

namespace pybuffer::host {

// ------------------------------------------------------------------------------------------
// Version rules of the running interpreter.

/// PY_VERSION_HEX of the running interpreter; 0 in a process without one.
inline unsigned long version_hex() {
  const Interpreter *py = interpreter();
  return py != nullptr ? py->version_hex : 0;
}

/// The host rejects PyBUF_READ / PyBUF_WRITE as request flags (3.13 and later).
inline bool rejects_read_write_flags() {
  return profile::rejects_read_write_flags(version_hex());
}

/// The host's struct module knows the complex codes 'F' and 'D'.
inline bool struct_has_complex_codes() {
  return profile::struct_has_complex_codes(version_hex());
}

// ------------------------------------------------------------------------------------------
// The buffer slots.

/// The type's bf_getbuffer, or NULL when it exports no buffer.
inline getbufferproc getbuffer_slot(PyObject *obj) {
  const PyBufferProcs *procs = profile::buffer_procs(obj);
  return procs != nullptr ? procs->bf_getbuffer : nullptr;
}

inline bool has_buffer_slot(PyObject *obj) {
  return getbuffer_slot(obj) != nullptr;
}

/// The TypeError of the host's PyObject_GetBuffer for an object without the buffer protocol
/// (3.x: "a bytes-like object is required, not '<type name>'"; the profile's message).
[[gnu::cold, gnu::noinline]] void raise_not_bytes_like(PyObject *obj);

/// CPython's bf_getbuffer dispatch: TypeError for objects without the slot. `view` is NULL
/// only for such an object (PyObject_GetBuffer refuses a NULL view to an exporter).
inline int get_buffer(PyObject *obj, Py_buffer *view, int flags) {
  PYBUFFER_ASSERT(obj != nullptr);
  const getbufferproc getbuffer = getbuffer_slot(obj);
  if (__builtin_expect(getbuffer == nullptr, 0)) {
    raise_not_bytes_like(obj);
    return -1;
  }
  PYBUFFER_ASSERT(view != nullptr);
  return getbuffer(obj, view, flags);
}

/// CPython's release: bf_releasebuffer if the type has one, then drop view->obj.
inline void release(Py_buffer *view) {
  PYBUFFER_ASSERT(view != nullptr);
  PyObject *obj = view->obj;
  if (obj == nullptr) return;
  const PyBufferProcs *procs = profile::buffer_procs(obj);
  if (procs != nullptr && procs->bf_releasebuffer != nullptr) procs->bf_releasebuffer(obj, view);
  view->obj = nullptr;
  decref(obj);
}

/// Raises exactly the SystemError the host's own PyObject_GetBuffer / PyBuffer_FillInfo
/// raise for a PyBUF_READ or PyBUF_WRITE request (its text carries the host's own source
/// line, so the host is asked to raise it).
void raise_host_flags_error_for_get_buffer(PyObject *obj, Py_buffer *view, int flags);
void raise_host_flags_error_for_fill_info(Py_buffer *view, PyObject *obj, void *buf, Py_ssize_t len,
                                          int readonly, int flags);

// ------------------------------------------------------------------------------------------
// Memoryviews (memoryview.cpp, exporter.cpp): always the host's own memoryview objects.

/// A new memoryview of `obj`, made by the host's own PyMemoryView_FromObject (found past
/// this library's definition, so a preloaded pybuffer never calls itself): a new reference,
/// or NULL with the host's exception set. `obj` is not NULL.
PyObject *memoryview_of(PyObject *obj);

/// A PyBUF_FULL_RO view of the host's memoryview `view` (get_buffer), readonly included even
/// where the host's exporter leaves it unwritten (profile::memoryview_exports_readonly).
int memoryview_buffer(PyObject *view, Py_buffer *held);

/// What an internal exporter hands out: the fields of a Py_buffer (its obj is ignored).
/// format, shape, strides and suboffsets are copied (each may be NULL); buf is not.
struct ExportedLayout {
  void *buf;
  Py_ssize_t len;
  Py_ssize_t itemsize;
  int readonly;
  int ndim;  // 0..64
  const char *format;
  const Py_ssize_t *shape;
  const Py_ssize_t *strides;
  const Py_ssize_t *suboffsets;
  void *internal;
};

/// A new object of the library's internal exporter type ("pybuffer.memory") whose buffer is
/// `layout` (arrays and format copied) and whose views keep it alive. It takes `owned` (from
/// core::allocate_packed(owned_size), or NULL) in every case: freed with the exporter, or at
/// once on failure. A new reference, or NULL with the exception set.
PyObject *new_exporter(const ExportedLayout &layout, void *owned, std::size_t owned_size);

/// The same type, handing out `layout` as it is with view->obj NULL: a view made from it
/// rests on no object (obj None), as CPython's FromMemory and FromBuffer views do. Every
/// pointer of `layout` is borrowed: only for the host's constructor run on it at once.
PyObject *new_anonymous_exporter(const ExportedLayout &layout);

// ------------------------------------------------------------------------------------------
// Python 2's buffer objects: 2.7's own type in the 2.7 variant (legacy_buffer_py27.cpp), the
// ported type "pybuffer.buffer" in the Python 3 variants (legacy_buffer.cpp).

/// What a new buffer is made of: a base object (a new reference is taken) or borrowed memory.
struct LegacyBufferSource {
  PyObject *base;               // the exporter whose bytes it shows, or NULL for memory
  char *memory;                 // with no base: the first byte (NULL only for size 0)
  core::legacy::Extent extent;  // as 2.7 remembers it (with memory: offset 0, size >= 0)
  bool readonly;
};

/// A new buffer: a new reference, or NULL with the exception set.
PyObject *new_legacy_buffer(const LegacyBufferSource &source);

/// The bytes 2.7's PyBuffer_New allocates before the ones it owns: its object, PyObject_HEAD
/// and six fields (legacy_buffer_py27.cpp defines that layout and asserts this size). Its
/// size check adds them to the size asked; the Python 3 port keeps that check and formula.
inline constexpr Py_ssize_t legacy_new_header_size =
    sizeof(PyObject) + 5 * sizeof(void *) + sizeof(long);

/// A new writable buffer owning `size` (>= 0, checked by core::legacy::check_new_size) bytes
/// of zeros (PyBuffer_New): a new reference, or NULL with MemoryError set.
PyObject *new_owning_legacy_buffer(Py_ssize_t size);

/// The type, ready; NULL with the exception set.
PyTypeObject *legacy_buffer_type();

/// `obj` is exactly a buffer of this library's type (2.7's PyBuffer_Check). Never raises.
bool is_legacy_buffer(PyObject *obj);

/// For a buffer of this library's type over a base object: that base (borrowed) and the
/// extent; false for anything else (a memory buffer included), which a new buffer then takes
/// as its base.
bool legacy_buffer_base(PyObject *obj, PyObject **base, core::legacy::Extent *extent);

/// Whether a buffer (read-only or writable) may be made of `base` (not NULL), checked before
/// its arguments: 2.7's slot test, or the new protocol's on Python 3. False with 2.7's
/// TypeError "buffer object expected".
bool legacy_base_supported(PyObject *base, bool readonly);

/// Checked after the arguments, for a writable buffer: Python 3's layer refuses read-only
/// memory at once (TypeError); 2.7 finds out at the first access, and so does its variant.
bool legacy_base_writable(PyObject *base);

// ------------------------------------------------------------------------------------------
// Errors (errors.cpp). Without an interpreter each is a no-op: the caller still returns
// its error value, and interpreter() has said why on stderr.

/// Sets `type` with `message`, as PyErr_SetString.
[[gnu::cold, gnu::noinline]] void set_error(Exception type, const char *message);

/// MemoryError, as PyErr_NoMemory.
[[gnu::cold, gnu::noinline]] void raise_no_memory();

/// CPython's null_error(): SystemError, unless an exception is already set.
[[gnu::cold, gnu::noinline]] void raise_null_error();

/// Drops the pending exception, as PyErr_Clear.
void clear_error();

/// UnicodeDecodeError for text[0:length], as the strict error handler of `encoding` builds
/// it (the object holds the whole string as bytes).
[[gnu::cold, gnu::noinline]] void raise_unicode_decode_error(const char *encoding, const char *text,
                                                             Py_ssize_t length, Py_ssize_t begin,
                                                             Py_ssize_t end, const char *reason);

/// UnicodeEncodeError for the str made of the (valid UTF-8) text.
[[gnu::cold, gnu::noinline]] void raise_unicode_encode_error(const char *encoding, const char *text,
                                                             Py_ssize_t begin, Py_ssize_t end,
                                                             const char *reason);

/// Sets module.attribute (an exception class looked up now) with `message`.
[[gnu::cold, gnu::noinline]] void raise_module_error(const char *module, const char *attribute,
                                                     const char *message);

}  // namespace pybuffer::host
