#include "slot_spy.hpp"

#include <cassert>

namespace pybuffer::check {
namespace {

constexpr int kMaxTypes = 2;

struct Entry {
  PyTypeObject *type;
  PyBufferProcs *original;
  PyBufferProcs replacement;
};

// The single active spy's state. Callbacks are per entry (a template per index) rather than
// looked up by Py_TYPE(obj): a subtype may call its base's slot with its own instance.
struct State {
  const Py_buffer *watched = nullptr;
  SlotSpy::Phase phase = SlotSpy::Phase::get;
  int release_in_get = 0;
  int release_in_release = 0;
  int count = 0;
  Entry entries[kMaxTypes] = {};
};

State state;
bool active = false;

template <int I>
void counting_release(PyObject *obj, Py_buffer *view) {
  if (view == state.watched) {
    ++(state.phase == SlotSpy::Phase::get ? state.release_in_get : state.release_in_release);
  }
  state.entries[I].original->bf_releasebuffer(obj, view);
}

template <int I>
void install(Entry &entry) {
  entry.replacement = *entry.original;
  entry.replacement.bf_releasebuffer = counting_release<I>;
  entry.type->tp_as_buffer = &entry.replacement;
}

}  // namespace

SlotSpy::SlotSpy(const Py_buffer *watched) {
  assert(!active);
  active = true;
  state = State{};
  state.watched = watched;
}

SlotSpy::~SlotSpy() {
  for (int i = state.count - 1; i >= 0; --i) {
    state.entries[i].type->tp_as_buffer = state.entries[i].original;
  }
  state = State{};
  active = false;
}

void SlotSpy::watch(PyTypeObject *type) {
  // A type without bf_releasebuffer has nothing to count and is left alone, so that
  // PyBuffer_Release behaves exactly as it would without the spy.
  if (type == nullptr || type->tp_as_buffer == nullptr ||
      type->tp_as_buffer->bf_releasebuffer == nullptr || state.count == kMaxTypes) {
    return;
  }
  for (int i = 0; i < state.count; ++i) {
    if (state.entries[i].type == type) return;
  }
  Entry &entry = state.entries[state.count];
  entry.type = type;
  entry.original = type->tp_as_buffer;
  if (state.count == 0) {
    install<0>(entry);
  } else {
    install<1>(entry);
  }
  ++state.count;
}

void SlotSpy::set_phase(Phase phase) {
  state.phase = phase;
}

int SlotSpy::release_calls_in_get() const {
  return state.release_in_get;
}

int SlotSpy::release_calls_in_release() const {
  return state.release_in_release;
}

}  // namespace pybuffer::check
