#include "host/refcount.hpp"

#include "host/interpreter.hpp"
#include "host/profile.hpp"

namespace pybuffer::host {
namespace detail {

std::atomic<Py_ssize_t> inline_limit{0};

// Without an interpreter there is no object to count: nothing to do.
void incref_call(PyObject *obj) {
  if (const Interpreter *py = required_interpreter()) py->Py_IncRef(obj);
}

void decref_call(PyObject *obj) {
  if (const Interpreter *py = required_interpreter()) py->Py_DecRef(obj);
}

}  // namespace detail

void choose_refcount_rule(unsigned long version_hex, bool debug_build) {
  detail::inline_limit.store(profile::refcount_rule(version_hex, debug_build),
                             std::memory_order_relaxed);
}

}  // namespace pybuffer::host
