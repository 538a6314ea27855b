// Exporters of the test's own, written against 2.7's C API: only the old slots, only the new
// ones, and several segments. Each serves the same 8 bytes.
#pragma once

#include <Python.h>

namespace py27 {

/// New references, made after Py_Initialize: an object with only the old slots (read,
/// write, segcount, charbuffer; no Py_TPFLAGS_HAVE_NEWBUFFER), one with only
/// bf_getbuffer/bf_releasebuffer (it counts its releases), one whose bf_getsegcount says 2.
PyObject *new_old_slots_only();
PyObject *new_new_slots_only();
PyObject *new_two_segments();

/// Objects whose types set slots without the flag that announces them: bf_releasebuffer
/// without Py_TPFLAGS_HAVE_NEWBUFFER; bf_getcharbuffer without Py_TPFLAGS_HAVE_GETCHARBUFFER.
PyObject *new_release_without_flag();
PyObject *new_charbuffer_without_flag();

/// Restores the 8 bytes every one of these exporters serves ("abcdefgh"), which writable
/// buffers over them change.
void reset_memory();

/// How many times a bf_releasebuffer of these exporters has run.
int new_slots_releases();

}  // namespace py27
