// Layout queries on a view: contiguity, item addresses, packed strides.
#include <Python.h>

#include "capi/entry_points.hpp"
#include "capi/raise.hpp"
#include "capi/views.hpp"
#include "core/contiguity_every_extent.hpp"

using namespace pybuffer;

PYBUFFER_PUBLISH(PyBuffer_IsContiguous);
extern "C" int pybuffer_impl_PyBuffer_IsContiguous(const Py_buffer *view, char order) {
  PYBUFFER_COUNT_CALL(PyBuffer_IsContiguous);
  // No error channel: a view that cannot be judged is "not contiguous".
  if (view == nullptr) return 0;
  if constexpr (host::profile::contiguity_counts_extent_one) {
    return core::is_contiguous_every_extent(capi::to_core(*view), order);
  }
  return core::is_contiguous(capi::to_core(*view), order);
}

namespace {
// Views with suboffsets, and failures. Out of line, so the per-call path needs no stack
// frame and reaches it by a tail call.
[[gnu::noinline]] void *get_pointer_in_full(const Py_buffer *view, const Py_ssize_t *indices) {
  if (view == nullptr) {
    capi::raise_null("PyBuffer_GetPointer", "view");
    return nullptr;
  }
  void *pointer = nullptr;
  const core::Status status =
      core::pointer_at(capi::to_core(*view), capi::as_core(indices), &pointer);
  if (!status.ok()) {
    capi::raise(status, "PyBuffer_GetPointer");
    return nullptr;
  }
  return pointer;
}
}  // namespace

PYBUFFER_PUBLISH(PyBuffer_GetPointer);
extern "C" void *pybuffer_impl_PyBuffer_GetPointer(const Py_buffer *view,
                                                   const Py_ssize_t *indices) {
  PYBUFFER_COUNT_CALL(PyBuffer_GetPointer);
  void *pointer;
  if (view != nullptr &&
      core::find_direct_item(capi::to_core(*view), capi::as_core(indices), &pointer)) {
    return pointer;
  }
  return get_pointer_in_full(view, indices);
}

PYBUFFER_PUBLISH(PyBuffer_FillContiguousStrides);
extern "C" void pybuffer_impl_PyBuffer_FillContiguousStrides(int ndims, Py_ssize_t *shape,
                                                             Py_ssize_t *strides, int itemsize,
                                                             char order) {
  PYBUFFER_COUNT_CALL(PyBuffer_FillContiguousStrides);
  const core::Status status = core::fill_contiguous_strides(
      ndims, capi::as_core(shape), reinterpret_cast<core::ssize *>(strides), itemsize, order);
  // The function returns nothing; the exception is how the caller can learn of the failure.
  if (!status.ok()) capi::raise(status, "PyBuffer_FillContiguousStrides");
}
