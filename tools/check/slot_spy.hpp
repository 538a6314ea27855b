// Counting the bf_releasebuffer calls an exporter's type receives for one Py_buffer.
//
// The protocol promises that bf_releasebuffer runs once per successful request, from the
// consumer's PyBuffer_Release. No exporter reports its own calls, so for the duration of one
// request the checker points the type's tp_as_buffer at a copy of its slots whose functions
// count the calls made on the watched view and forward them to the originals. Only the
// pointer in the type object changes, never the exporter's PyBufferProcs itself, and every
// type is restored when the spy goes out of scope.
//
// Assumptions: one spy at a time (the checker is single-threaded and holds the GIL); at most
// two types per request (the exporter's, and the type of view->obj when the request is
// redirected to another object).
#pragma once

#include <Python.h>

namespace pybuffer::check {

class SlotSpy {
 public:
  enum class Phase { get, release };

  explicit SlotSpy(const Py_buffer *watched);
  ~SlotSpy();
  SlotSpy(const SlotSpy &) = delete;
  SlotSpy &operator=(const SlotSpy &) = delete;

  /// Wraps the slots of `type` (no-op if already wrapped or the spy is full).
  void watch(PyTypeObject *type);
  void set_phase(Phase phase);

  int release_calls_in_get() const;
  int release_calls_in_release() const;
};

}  // namespace pybuffer::check
