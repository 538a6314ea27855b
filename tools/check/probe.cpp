// One request, observed. The Py_buffer is filled with a poison pattern before the call
// (except obj, which starts NULL as a careful consumer's would), so a field the exporter
// never wrote is told apart from one it set; a poisoned pointer is never dereferenced.
#include "probe.hpp"

#include <cstring>

#include <pybuffer/pybuffer.h>

#include "py_util.hpp"
#include "slot_spy.hpp"

namespace pybuffer::check {
namespace {

constexpr unsigned char kPoison = 0xA5;
// Longest format string copied: a longer one is cut, never read past.
constexpr std::size_t kMaxFormat = 4096;

template <typename T>
bool is_poison(const T &field) {
  unsigned char poison[sizeof(T)];
  std::memset(poison, kPoison, sizeof poison);
  return std::memcmp(&field, poison, sizeof poison) == 0;
}

ArrayField copy_array(const Py_ssize_t *values, const Answer &answer) {
  ArrayField field;
  if (values == nullptr) return field;
  if (is_poison(values)) {
    field.state = ArrayField::State::unset;
    return field;
  }
  if (answer.ndim_unset || answer.ndim < 0 || answer.ndim > PYBUFFER_MAX_NDIM) {
    field.state = ArrayField::State::unreadable;
    return field;
  }
  field.state = ArrayField::State::values;
  field.values.assign(values, values + answer.ndim);
  return field;
}

FormatField copy_format(const char *format) {
  FormatField field;
  if (format == nullptr) return field;
  if (is_poison(format)) {
    field.state = FormatField::State::unset;
    return field;
  }
  field.state = FormatField::State::text;
  field.text.assign(format, strnlen(format, kMaxFormat));
  return field;
}

void copy_fields(const Py_buffer &view, Answer &answer) {
  answer.buf_unset = is_poison(view.buf);
  answer.len_unset = is_poison(view.len);
  answer.itemsize_unset = is_poison(view.itemsize);
  answer.readonly_unset = is_poison(view.readonly);
  answer.ndim_unset = is_poison(view.ndim);
  answer.buf = reinterpret_cast<std::uintptr_t>(view.buf);
  answer.len = view.len;
  answer.itemsize = view.itemsize;
  answer.readonly = view.readonly;
  answer.ndim = view.ndim;
  answer.format = copy_format(view.format);
  answer.shape = copy_array(view.shape, answer);
  answer.strides = copy_array(view.strides, answer);
  answer.suboffsets = copy_array(view.suboffsets, answer);
}

void record_error(Answer &answer) {
  const TakenError error = take_error();
  answer.exception_set = error.set;
  answer.exception_is_buffer_error = error.is_buffer_error;
  answer.exception_type = error.type;
  answer.exception_message = error.message;
}

// Puts back references a release took that were never given, so that the exporter outlives
// the remaining requests; the rule that judges reference counts reports them.
void restore_references(PyObject *obj, ssize expected, Answer &answer) {
  for (ssize i = answer.refcount_after; i < expected; ++i) Py_INCREF(obj);
  if (answer.refcount_after < expected) answer.refcount_restored = expected - answer.refcount_after;
}

}  // namespace

bool is_immortal(PyObject *obj) {
  const Py_ssize_t before = Py_REFCNT(obj);
  Py_INCREF(obj);
  const bool immortal = Py_REFCNT(obj) == before;
  Py_DECREF(obj);
  return immortal;
}

Answer probe(PyObject *exporter, const Request &request, bool immortal, const BufferCalls &calls) {
  Answer answer;
  answer.flags = request.flags;
  Py_buffer view;
  std::memset(&view, kPoison, sizeof view);
  view.obj = nullptr;

  SlotSpy spy(&view);
  spy.watch(Py_TYPE(exporter));
  const ssize before = Py_REFCNT(exporter);
  answer.result = calls.get(exporter, &view, request.flags);
  record_error(answer);
  answer.accepted = answer.result >= 0;
  const auto obj_state = [&]() {
    if (view.obj == nullptr) return ObjState::null;
    return view.obj == exporter ? ObjState::exporter : ObjState::other;
  };

  if (!answer.accepted) {
    // A refusal that left view->obj set is reported, but the pointer is not trusted: it may
    // be garbage or a reference the exporter never took.
    answer.obj = obj_state();
    answer.release_counted = Py_TYPE(exporter)->tp_as_buffer->bf_releasebuffer != nullptr;
    answer.release_calls_in_get = spy.release_calls_in_get();
    return answer;
  }

  copy_fields(view, answer);
  answer.obj = obj_state();
  if (answer.obj == ObjState::other) answer.obj_type = type_name(view.obj);

  // Reference counts: of the exporter, or of the object a redirected view holds. The latter's
  // count before the request is unknown, so only what the release takes is measured, while
  // the checker holds a reference of its own to keep it alive.
  PyObject *held = view.obj;
  if (answer.obj == ObjState::other) {
    spy.watch(Py_TYPE(held));
    Py_INCREF(held);
  }
  answer.refcount_measured = answer.obj != ObjState::null && !immortal && !is_immortal(held);
  answer.refcount_before = answer.obj == ObjState::exporter ? before : -1;
  answer.refcount_held = held != nullptr ? Py_REFCNT(held) : 0;
  answer.release_counted = held != nullptr && Py_TYPE(held)->tp_as_buffer != nullptr &&
                           Py_TYPE(held)->tp_as_buffer->bf_releasebuffer != nullptr;

  spy.set_phase(SlotSpy::Phase::release);
  calls.release(&view);
  answer.release_calls_in_get = spy.release_calls_in_get();
  answer.release_calls_in_release = spy.release_calls_in_release();
  if (PyErr_Occurred()) {
    // bf_releasebuffer cannot fail; an exception here is noted, not propagated.
    const TakenError error = take_error();
    answer.notes.push_back("an exception was set by the release: " + error.type + ": " +
                           error.message);
  }

  if (held != nullptr) answer.refcount_after = Py_REFCNT(held);
  if (answer.refcount_measured) {
    // The release should drop exactly the one reference the view held.
    const ssize expected = answer.obj == ObjState::exporter ? before : answer.refcount_held - 1;
    restore_references(held, expected, answer);
  }
  if (answer.obj == ObjState::other) Py_DECREF(held);
  return answer;
}

}  // namespace pybuffer::check
