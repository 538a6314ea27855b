#include "host/old_protocol.hpp"

#include "host/host.hpp"

namespace pybuffer::host {
namespace {

// Whether the type has bf_getsegcount and the slot asked for; 2.7's message when not.
bool has_slot(const PyBufferProcs *procs, PyObject *obj, OldSlot slot, const char **missing) {
  bool present = false;
  switch (slot) {
    case OldSlot::read:
      present = procs != nullptr && procs->bf_getreadbuffer != nullptr;
      *missing = "expected a readable buffer object";
      break;
    case OldSlot::write:
      present = procs != nullptr && procs->bf_getwritebuffer != nullptr;
      *missing = "expected a writeable buffer object";
      break;
    case OldSlot::chars:
      // The slot exists in the struct only under Py_TPFLAGS_HAVE_GETCHARBUFFER.
      present = procs != nullptr && profile::has_charbuffer_slot(obj) &&
                procs->bf_getcharbuffer != nullptr;
      *missing = "expected a string or other character buffer object";
      break;
  }
  return present && procs->bf_getsegcount != nullptr;
}

}  // namespace

int old_single_segment(PyObject *obj, OldSlot slot, void **buffer, Py_ssize_t *len) {
  const PyBufferProcs *procs = profile::old_buffer_procs(obj);
  const char *missing = nullptr;
  if (!has_slot(procs, obj, slot, &missing)) {
    set_error(Exception::type_error, missing);
    return -1;
  }
  if (procs->bf_getsegcount(obj, nullptr) != 1) {
    set_error(Exception::type_error, "expected a single-segment buffer object");
    return -1;
  }
  void *pointer = nullptr;
  Py_ssize_t got = -1;
  switch (slot) {
    case OldSlot::read:
      got = procs->bf_getreadbuffer(obj, 0, &pointer);
      break;
    case OldSlot::write:
      got = procs->bf_getwritebuffer(obj, 0, &pointer);
      break;
    case OldSlot::chars:
      got = procs->bf_getcharbuffer(obj, 0, reinterpret_cast<char **>(&pointer));
      break;
  }
  if (got < 0) return -1;  // the slot's exception stands
  *buffer = pointer;
  *len = got;
  return 0;
}

bool old_has_single_read_segment(PyObject *obj) {
  const PyBufferProcs *procs = profile::old_buffer_procs(obj);
  return procs != nullptr && procs->bf_getreadbuffer != nullptr &&
         procs->bf_getsegcount != nullptr && procs->bf_getsegcount(obj, nullptr) == 1;
}

}  // namespace pybuffer::host
