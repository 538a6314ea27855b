// The host's memoryview constructor: the only way to make the host's own memoryview objects
// without its private managed-buffer type.
//
// Not the memoryview type's call (its tp_new calls PyMemoryView_FromObject through the
// dynamic linker, which reaches this library again when it is preloaded ahead of a shared
// libpython) and not the global name: the host's own definition, found past ours.
#include <atomic>

#include "host/host.hpp"

namespace pybuffer::host {
namespace {

using FromObject = PyObject *(*)(PyObject *);

std::atomic<FromObject> host_from_object{nullptr};

[[gnu::cold, gnu::noinline]] FromObject find_host_from_object() {
  auto found = reinterpret_cast<FromObject>(host_definition("PyMemoryView_FromObject"));
  if (found != nullptr) host_from_object.store(found, std::memory_order_release);
  return found;
}

}  // namespace

PyObject *memoryview_of(PyObject *obj) {
  PYBUFFER_ASSERT(obj != nullptr);
  if (required_interpreter() == nullptr) return nullptr;
  FromObject from_object = host_from_object.load(std::memory_order_acquire);
  if (from_object == nullptr) from_object = find_host_from_object();
  if (from_object == nullptr) {
    set_error(Exception::system_error,
              "pybuffer: the interpreter defines no PyMemoryView_FromObject of its own");
    return nullptr;
  }
  return from_object(obj);
}

int memoryview_buffer(PyObject *view, Py_buffer *held) {
  if constexpr (profile::memoryview_exports_readonly) return get_buffer(view, held, PyBUF_FULL_RO);
  *held = Py_buffer{};
  if (get_buffer(view, held, PyBUF_FULL_RO) != 0) return -1;
  // The host refuses a writable request of read-only memory, whatever its message.
  Py_buffer probe{};
  if (get_buffer(view, &probe, PyBUF_FULL) == 0) {
    release(&probe);
    held->readonly = 0;
  } else {
    clear_error();
    held->readonly = 1;
  }
  return 0;
}

}  // namespace pybuffer::host
