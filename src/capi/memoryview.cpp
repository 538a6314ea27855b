// The four memoryview constructors. Each returns the host's own memoryview object: made by
// the host's constructor on the object itself (FromObject, GetContiguous's view), or on an
// internal exporter that hands out exactly the layout CPython's view would have: anonymous
// for FromMemory and FromBuffer (obj None, as CPython's), owning for GetContiguous's copy
// (src/host/exporter.cpp). Arguments CPython only asserts are refused with an exception
// before anything is made.
#include <Python.h>

#include <cstddef>

#include "capi/entry_points.hpp"
#include "capi/raise.hpp"
#include "capi/views.hpp"
#include "core/contiguous_request.hpp"
#include "core/copy.hpp"
#include "core/packed_memory.hpp"
#include "host/host.hpp"

using namespace pybuffer;

namespace {

bool is_read_or_write(int flags) {
  return flags == PyBUF_READ || flags == PyBUF_WRITE;
}

// The host's memoryview of `exporter` (a new reference, which this drops; NULL: failed).
PyObject *memoryview_of_exporter(PyObject *exporter) {
  if (exporter == nullptr) return nullptr;
  PyObject *view = host::memoryview_of(exporter);
  host::decref(exporter);  // an owning exporter is kept by the view's managed buffer
  return view;
}

// CPython's copy: a read-only view of packed memory in `order`, with the source's format,
// itemsize and shape and no suboffsets. Every byte is written by the copy engine before the
// view exists. Assumes `src` came from a memoryview (consistent, 1 <= ndim <= 64).
PyObject *contiguous_copy(const Py_buffer &src, char order, const char *function) {
  const char layout_order = core::copy_layout_order(order);
  Py_ssize_t strides[core::max_ndim];
  core::Status status = core::fill_contiguous_strides(src.ndim, capi::as_core(src.shape),
                                                      reinterpret_cast<core::ssize *>(strides),
                                                      src.itemsize, layout_order);
  if (!status.ok()) {
    capi::raise(status, function);
    return nullptr;
  }
  const auto size = static_cast<std::size_t>(src.len);
  void *memory = core::allocate_packed(size);
  if (memory == nullptr) {
    host::raise_no_memory();
    return nullptr;
  }
  status =
      core::to_contiguous(static_cast<char *>(memory), capi::to_core(src), src.len, layout_order);
  if (!status.ok()) {
    core::free_packed(memory, size);
    capi::raise(status, function);
    return nullptr;
  }
  const host::ExportedLayout layout{memory,     src.len,   src.itemsize, 1,       src.ndim,
                                    src.format, src.shape, strides,      nullptr, nullptr};
  return memoryview_of_exporter(host::new_exporter(layout, memory, size));
}

}  // namespace

PYBUFFER_PUBLISH(PyMemoryView_FromObject);
extern "C" PyObject *pybuffer_impl_PyMemoryView_FromObject(PyObject *obj) {
  PYBUFFER_COUNT_CALL(PyMemoryView_FromObject);
  if (obj == nullptr) {
    capi::raise_null("PyMemoryView_FromObject", "obj");
    return nullptr;
  }
  return host::memoryview_of(obj);
}

PYBUFFER_PUBLISH(PyMemoryView_FromMemory);
extern "C" PyObject *pybuffer_impl_PyMemoryView_FromMemory(char *mem, Py_ssize_t size, int flags) {
  PYBUFFER_COUNT_CALL(PyMemoryView_FromMemory);
  constexpr const char *function = "PyMemoryView_FromMemory";
  if (!is_read_or_write(flags)) {
    capi::raise(core::Status{core::Code::bad_request_flags, -1, flags, 0, "flags"}, function);
    return nullptr;
  }
  if (mem == nullptr && size != 0) {
    capi::raise_null(function, "mem");
    return nullptr;
  }
  if (size < 0) {
    capi::raise(core::Status{core::Code::negative_len, -1, size}, function);
    return nullptr;
  }
  // PyBuffer_FillInfo's one-dimensional bytes, as CPython's master buffer has them, but with
  // shape and strides left for the host to reconstruct (len and 1): the master keeps no
  // pointer to this frame.
  const host::ExportedLayout layout{
      mem, size, 1, flags == PyBUF_WRITE ? 0 : 1, 1, "B", nullptr, nullptr, nullptr, nullptr};
  return memoryview_of_exporter(host::new_anonymous_exporter(layout));
}

PYBUFFER_PUBLISH(PyMemoryView_FromBuffer);
extern "C" PyObject *pybuffer_impl_PyMemoryView_FromBuffer(const Py_buffer *info) {
  PYBUFFER_COUNT_CALL(PyMemoryView_FromBuffer);
  constexpr const char *function = "PyMemoryView_FromBuffer";
  if (info == nullptr) {
    capi::raise_null(function, "info");
    return nullptr;
  }
  if (info->buf == nullptr) {
    host::set_error(host::Exception::value_error,
                    "PyMemoryView_FromBuffer(): info->buf must not be NULL");
    return nullptr;
  }
  // The host's view reconstructs a missing shape only for ndim 1 (as len / itemsize) and
  // missing strides from the shape; what it would divide by zero or read through NULL for
  // is refused here.
  core::Status status;
  if (info->ndim > host::profile::memoryview_max_ndim) {
    status = core::Status{core::Code::too_many_dimensions, -1, info->ndim};
  } else if (info->ndim < 0) {
    status = core::Status{core::Code::ndim_out_of_range, -1, info->ndim};
  } else if (info->ndim > 1 && info->shape == nullptr) {
    status = core::Status{core::Code::missing_shape, -1, info->ndim};
  } else if (info->ndim == 1 && info->shape == nullptr && info->itemsize == 0) {
    status = core::Status{core::Code::bad_itemsize, -1, info->itemsize};
  }
  if (!status.ok()) {
    capi::raise(status, function);
    return nullptr;
  }
  const host::ExportedLayout layout{info->buf,        info->len,     info->itemsize, info->readonly,
                                    info->ndim,       info->format,  info->shape,    info->strides,
                                    info->suboffsets, info->internal};
  return memoryview_of_exporter(host::new_anonymous_exporter(layout));
}

PYBUFFER_PUBLISH(PyMemoryView_GetContiguous);
extern "C" PyObject *pybuffer_impl_PyMemoryView_GetContiguous(PyObject *base, int buffertype,
                                                              char order) {
  PYBUFFER_COUNT_CALL(PyMemoryView_GetContiguous);
  constexpr const char *function = "PyMemoryView_GetContiguous";
  if (base == nullptr) {
    capi::raise_null(function, "base");
    return nullptr;
  }
  if (!is_read_or_write(buffertype)) {
    capi::raise(core::Status{core::Code::bad_request_flags, -1, buffertype, 0, "buffertype"},
                function);
    return nullptr;
  }
  if (!core::is_copy_order(order)) {
    capi::raise(core::Status{core::Code::bad_order, -1, static_cast<unsigned char>(order)},
                function);
    return nullptr;
  }
  PyObject *view = host::memoryview_of(base);
  if (view == nullptr) return nullptr;
  // The memoryview's own fields, as CPython reads them from the view it just made.
  Py_buffer held;
  if (host::memoryview_buffer(view, &held) != 0) {
    host::decref(view);
    return nullptr;
  }
  const core::ContiguousDecision decision = core::decide_contiguous(
      capi::to_core(held), held.readonly != 0, {buffertype == PyBUF_WRITE, order});
  PyObject *result = nullptr;
  if (!decision.status.ok()) {
    capi::raise(decision.status, function);
  } else if (!decision.copy) {
    result = view;
    host::incref(result);
  } else {
    result = contiguous_copy(held, order, function);
  }
  host::release(&held);
  host::decref(view);
  return result;
}
