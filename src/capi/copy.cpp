// The three front ends of the copy engine. Each validates everything first, so a copy either
// fails before writing a byte or runs to the end.
#include <Python.h>

#include <cstring>

#include "capi/entry_points.hpp"
#include "capi/raise.hpp"
#include "capi/views.hpp"
#include "core/copy.hpp"
#include "host/host.hpp"

using namespace pybuffer;

namespace {

core::Status check_order(char order) {
  if (core::is_copy_order(order)) return core::ok_status();
  return core::Status{core::Code::bad_order, -1, static_cast<unsigned char>(order)};
}

// 'A' copies that are not contiguous either way go in C order, as CPython's do.
char engine_order(char order) {
  return order == 'F' ? 'F' : 'C';
}

core::Status same_shape(const core::Geometry &dest, const core::Geometry &src) {
  if (dest.ndim != src.ndim) return {core::Code::shape_mismatch, -1, dest.ndim, src.ndim};
  for (int i = 0; i < src.ndim; ++i) {
    if (dest.shape[i] != src.shape[i]) {
      return {core::Code::shape_mismatch, i, dest.shape[i], src.shape[i]};
    }
  }
  return core::ok_status();
}

// Contiguous in `order` with size fields that agree: only then may one memcpy move the view.
bool copyable_as_block(const core::View &view, char order) {
  return core::check_sizes(view).ok() && core::is_contiguous(view, order);
}

// Both views are held; copies src into dest as CPython's PyObject_CopyData does.
core::Status copy_held_views(const Py_buffer &dest, const Py_buffer &src) {
  const core::View d = capi::to_core(dest);
  const core::View s = capi::to_core(src);
  if ((copyable_as_block(d, 'C') && copyable_as_block(s, 'C')) ||
      (copyable_as_block(d, 'F') && copyable_as_block(s, 'F'))) {
    if (src.len < 0) return {core::Code::negative_len, -1, src.len};
    // An empty view may have buf NULL; memmove's arguments must not be NULL even for 0 bytes.
    if (src.len > 0) std::memmove(dest.buf, src.buf, static_cast<std::size_t>(src.len));
    return core::ok_status();
  }
  core::Geometry to;
  core::Geometry from;
  core::Status status = core::check_geometry(d, to);
  if (status.ok()) status = core::check_geometry(s, from);
  if (status.ok()) status = same_shape(to, from);
  if (status.ok()) status = core::copy_between(to, from);
  return status;
}

}  // namespace

extern "C" int pybuffer_impl_PyBuffer_ToContiguous(void *buf, const Py_buffer *src, Py_ssize_t len,
                                                   char order) {
  constexpr const char *function = "PyBuffer_ToContiguous";
  if (src == nullptr || (buf == nullptr && len > 0)) {
    capi::raise_null(function, src == nullptr ? "view" : "buf");
    return -1;
  }
  core::Status status = check_order(order);
  if (status.ok() && len != src->len) {
    PyErr_SetString(PyExc_ValueError, "PyBuffer_ToContiguous: len != view->len");
    return -1;
  }
  if (status.ok() && len < 0) status = core::Status{core::Code::negative_len, -1, len};
  if (!status.ok()) {
    capi::raise(status, function);
    return -1;
  }
  const core::View view = capi::to_core(*src);
  if (copyable_as_block(view, order)) {
    if (len > 0) std::memcpy(buf, src->buf, static_cast<std::size_t>(len));  // buf may be NULL
    return 0;
  }
  core::Geometry geometry;
  status = core::check_geometry(view, geometry);
  if (!status.ok()) {
    capi::raise(status, function);
    return -1;
  }
  core::gather(static_cast<char *>(buf), geometry, engine_order(order));
  return 0;
}

extern "C" int pybuffer_impl_PyBuffer_FromContiguous(const Py_buffer *view, const void *buf,
                                                     Py_ssize_t len, char order) {
  constexpr const char *function = "PyBuffer_FromContiguous";
  if (view == nullptr || (buf == nullptr && len > 0)) {
    capi::raise_null(function, view == nullptr ? "view" : "buf");
    return -1;
  }
  core::Status status = check_order(order);
  if (status.ok() && len < 0) status = core::Status{core::Code::negative_len, -1, len};
  if (status.ok() && view->len < 0) status = core::Status{core::Code::negative_len, -1, view->len};
  if (!status.ok()) {
    capi::raise(status, function);
    return -1;
  }
  // At most the view's own bytes; a shorter len fills only the first items.
  if (len > view->len) len = view->len;
  const core::View target = capi::to_core(*view);
  if (copyable_as_block(target, order)) {
    if (len > 0) std::memcpy(view->buf, buf, static_cast<std::size_t>(len));  // buf may be NULL
    return 0;
  }
  core::Geometry geometry;
  status = core::check_geometry(target, geometry);
  if (!status.ok()) {
    capi::raise(status, function);
    return -1;
  }
  core::scatter(geometry, static_cast<const char *>(buf), len / geometry.itemsize,
                engine_order(order));
  return 0;
}

extern "C" int pybuffer_impl_PyObject_CopyData(PyObject *dest, PyObject *src) {
  constexpr const char *function = "PyObject_CopyData";
  if (dest == nullptr || src == nullptr) {
    capi::raise_null(function, dest == nullptr ? "dest" : "src");
    return -1;
  }
  if (!host::has_buffer_slot(dest) || !host::has_buffer_slot(src)) {
    PyErr_SetString(PyExc_TypeError, "both destination and source must be bytes-like objects");
    return -1;
  }
  Py_buffer dest_view;
  Py_buffer src_view;
  if (host::get_buffer(dest, &dest_view, PyBUF_FULL) != 0) return -1;
  if (host::get_buffer(src, &src_view, PyBUF_FULL_RO) != 0) {
    host::release(&dest_view);
    return -1;
  }
  int result = 0;
  if (dest_view.len < src_view.len) {
    PyErr_SetString(PyExc_BufferError, "destination is too small to receive data from source");
    result = -1;
  } else {
    const core::Status status = copy_held_views(dest_view, src_view);
    if (!status.ok()) {
      capi::raise(status, function);
      result = -1;
    }
  }
  host::release(&dest_view);
  host::release(&src_view);
  return result;
}
