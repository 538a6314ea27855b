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

// The strided paths live out of line: their Geometry scratch (a few KiB of stack) then stays
// out of the frame of a small contiguous copy, whose whole cost is a few checks and a memcpy.

// The view's explicit geometry; false, with the exception raised for `function`, if it has none.
bool geometry_or_raise(const core::View &view, core::Geometry &geometry, const char *function) {
  const core::Status status = core::check_geometry(view, geometry);
  if (!status.ok()) capi::raise(status, function);
  return status.ok();
}

[[gnu::noinline]] int gather_strided(char *dest, const core::View &view, char order) {
  core::Geometry geometry;
  if (!geometry_or_raise(view, geometry, "PyBuffer_ToContiguous")) return -1;
  core::gather(dest, geometry, engine_order(order));
  return 0;
}

// len: 0 <= len <= view.len, so the first len / itemsize items are filled.
[[gnu::noinline]] int scatter_strided(const core::View &view, const char *src, Py_ssize_t len,
                                      char order) {
  core::Geometry geometry;
  if (!geometry_or_raise(view, geometry, "PyBuffer_FromContiguous")) return -1;
  core::scatter(geometry, src, len / geometry.itemsize, engine_order(order));
  return 0;
}

[[gnu::noinline]] core::Status copy_strided(const core::View &dest, const core::View &src) {
  core::Geometry to;
  core::Geometry from;
  core::Status status = core::check_geometry(dest, to);
  if (status.ok()) status = core::check_geometry(src, from);
  if (status.ok()) status = same_shape(to, from);
  if (status.ok()) status = core::copy_between(to, from);
  return status;
}

// Both views are held; copies src into dest as CPython's PyObject_CopyData does.
core::Status copy_held_views(const Py_buffer &dest, const Py_buffer &src) {
  const core::View d = capi::to_core(dest);
  const core::View s = capi::to_core(src);
  if ((core::is_one_block(d, 'C') && core::is_one_block(s, 'C')) ||
      (core::is_one_block(d, 'F') && core::is_one_block(s, 'F'))) {
    // One block implies len >= 0 (its sizes were checked). An empty view may have buf NULL;
    // memmove's arguments must not be NULL even for 0 bytes.
    if (src.len > 0) std::memmove(dest.buf, src.buf, static_cast<std::size_t>(src.len));
    return core::ok_status();
  }
  return copy_strided(d, s);
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
    host::set_error(host::Exception::value_error, "PyBuffer_ToContiguous: len != view->len");
    return -1;
  }
  if (status.ok() && len < 0) status = core::Status{core::Code::negative_len, -1, len};
  if (!status.ok()) {
    capi::raise(status, function);
    return -1;
  }
  const core::View view = capi::to_core(*src);
  if (core::is_one_block(view, order)) {
    if (len > 0) std::memcpy(buf, src->buf, static_cast<std::size_t>(len));  // buf may be NULL
    return 0;
  }
  return gather_strided(static_cast<char *>(buf), view, order);
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
  if (core::is_one_block(target, order)) {
    if (len > 0) std::memcpy(view->buf, buf, static_cast<std::size_t>(len));  // buf may be NULL
    return 0;
  }
  return scatter_strided(target, static_cast<const char *>(buf), len, order);
}

extern "C" int pybuffer_impl_PyObject_CopyData(PyObject *dest, PyObject *src) {
  constexpr const char *function = "PyObject_CopyData";
  if (dest == nullptr || src == nullptr) {
    capi::raise_null(function, dest == nullptr ? "dest" : "src");
    return -1;
  }
  if (!host::has_buffer_slot(dest) || !host::has_buffer_slot(src)) {
    host::set_error(host::Exception::type_error,
                    "both destination and source must be bytes-like objects");
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
    host::set_error(host::Exception::buffer_error,
                    "destination is too small to receive data from source");
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
