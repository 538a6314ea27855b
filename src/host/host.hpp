// The only code that touches PyObject, type slots, reference counts and the running
// interpreter. Everything here works unchanged on CPython 3.9-3.13: the library is compiled
// against one CPython's headers but reads only what all of them lay out alike (the object
// header, tp_name, tp_as_buffer) and calls only functions all of them export.
//
// Reference counts go through Py_IncRef/Py_DecRef, never the inline macros: the macros of
// one version would mishandle another version's objects (3.12 made some objects immortal).
#pragma once

#include <Python.h>

namespace pybuffer::host {

/// PY_VERSION_HEX of the running interpreter, parsed once from Py_GetVersion().
unsigned long version_hex();

/// The host rejects PyBUF_READ / PyBUF_WRITE as request flags (3.13 and later).
bool rejects_read_write_flags();

/// CPython's bf_getbuffer dispatch: TypeError for objects without the slot. `view` is not
/// NULL (PyObject_GetBuffer refuses that before calling).
int get_buffer(PyObject *obj, Py_buffer *view, int flags);

/// CPython's release: bf_releasebuffer if the type has one, then drop view->obj.
void release(Py_buffer *view);

bool has_buffer_slot(PyObject *obj);

/// Raises exactly the SystemError the host's own PyObject_GetBuffer / PyBuffer_FillInfo
/// raise for a PyBUF_READ or PyBUF_WRITE request (its text carries the host's own source
/// line, so the host is asked to raise it).
void raise_host_flags_error_for_get_buffer(PyObject *obj, Py_buffer *view, int flags);
void raise_host_flags_error_for_fill_info(Py_buffer *view, PyObject *obj, void *buf, Py_ssize_t len,
                                          int readonly, int flags);

/// CPython's null_error(): SystemError, unless an exception is already set.
void raise_null_error();

}  // namespace pybuffer::host
