// Layout queries on a view: contiguity, item addresses, packed strides.
#include <Python.h>

#include "capi/entry_points.hpp"
#include "capi/raise.hpp"
#include "capi/views.hpp"

using namespace pybuffer;

extern "C" int pybuffer_impl_PyBuffer_IsContiguous(const Py_buffer *view, char order) {
  // No error channel: a view that cannot be judged is "not contiguous".
  return view != nullptr && core::is_contiguous(capi::to_core(*view), order);
}

extern "C" void *pybuffer_impl_PyBuffer_GetPointer(const Py_buffer *view,
                                                   const Py_ssize_t *indices) {
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

extern "C" void pybuffer_impl_PyBuffer_FillContiguousStrides(int ndims, Py_ssize_t *shape,
                                                             Py_ssize_t *strides, int itemsize,
                                                             char order) {
  const core::Status status = core::fill_contiguous_strides(
      ndims, capi::as_core(shape), reinterpret_cast<core::ssize *>(strides), itemsize, order);
  // The function returns nothing; the exception is how the caller can learn of the failure.
  if (!status.ok()) capi::raise(status, "PyBuffer_FillContiguousStrides");
}
