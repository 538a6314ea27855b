// The three copy entry points: each unpacks its arguments, calls the core operation
// (src/core/copy.hpp, where every rule lives) and raises what it reports.
#include <Python.h>

#include "capi/entry_points.hpp"
#include "capi/raise.hpp"
#include "capi/views.hpp"
#include "core/contiguity_every_extent.hpp"
#include "core/copy.hpp"
#include "host/host.hpp"

using namespace pybuffer;

namespace {

int raise_unless_ok(const core::Status &status, const char *function) {
  if (status.ok()) return 0;
  capi::raise(status, function);
  return -1;
}

// The bytes a copy moves: 2.7 memcpys min(len, view->len) bytes only when its own contiguity
// rule says the view is contiguous in the order asked, and otherwise copies whole items; the
// engine copies one block in either case, so the length is rounded to whole items here.
Py_ssize_t copy_len(const Py_buffer &view, Py_ssize_t len, char order) {
  if constexpr (host::profile::copies_clamp_len) {
    if (len > 0 && view.itemsize > 0 &&
        !core::is_contiguous_every_extent(capi::to_core(view), order)) {
      return len / view.itemsize * view.itemsize;
    }
  }
  return len;
}

// The order a copy goes in: 2.7 copies in C order for any order but 'F' and 'A'; 3.x
// refuses those (core reports it).
char copy_order(char order) {
  if constexpr (host::profile::copies_clamp_len) {
    if (!core::is_copy_order(order)) return 'C';
  }
  return order;
}

}  // namespace

PYBUFFER_PUBLISH(PyBuffer_ToContiguous);
extern "C" int pybuffer_impl_PyBuffer_ToContiguous(void *buf, const Py_buffer *src, Py_ssize_t len,
                                                   char order) {
  PYBUFFER_COUNT_CALL(PyBuffer_ToContiguous);
  constexpr const char *function = "PyBuffer_ToContiguous";
  if (src == nullptr || (buf == nullptr && len > 0)) {
    capi::raise_null(function, src == nullptr ? "view" : "buf");
    return -1;
  }
  if constexpr (host::profile::copies_clamp_len) {
    return raise_unless_ok(
        core::to_contiguous_prefix(static_cast<char *>(buf), capi::to_core(*src),
                                   copy_len(*src, len, order), copy_order(order)),
        function);
  }
  return raise_unless_ok(
      core::to_contiguous(static_cast<char *>(buf), capi::to_core(*src), len, order), function);
}

PYBUFFER_PUBLISH(PyBuffer_FromContiguous);
extern "C" int pybuffer_impl_PyBuffer_FromContiguous(const Py_buffer *view, const void *buf,
                                                     Py_ssize_t len, char order) {
  PYBUFFER_COUNT_CALL(PyBuffer_FromContiguous);
  constexpr const char *function = "PyBuffer_FromContiguous";
  if (view == nullptr || (buf == nullptr && len > 0)) {
    capi::raise_null(function, view == nullptr ? "view" : "buf");
    return -1;
  }
  return raise_unless_ok(core::from_contiguous(capi::to_core(*view), static_cast<const char *>(buf),
                                               copy_len(*view, len, order), copy_order(order)),
                         function);
}

PYBUFFER_PUBLISH(PyObject_CopyData);
extern "C" int pybuffer_impl_PyObject_CopyData(PyObject *dest, PyObject *src) {
  PYBUFFER_COUNT_CALL(PyObject_CopyData);
  constexpr const char *function = "PyObject_CopyData";
  if (dest == nullptr || src == nullptr) {
    capi::raise_null(function, dest == nullptr ? "dest" : "src");
    return -1;
  }
  if (!host::has_buffer_slot(dest) || !host::has_buffer_slot(src)) {
    capi::raise(core::Status{core::Code::not_bytes_like}, function);
    return -1;
  }
  Py_buffer dest_view;
  Py_buffer src_view;
  if (host::get_buffer(dest, &dest_view, PyBUF_FULL) != 0) return -1;
  if (host::get_buffer(src, &src_view, PyBUF_FULL_RO) != 0) {
    host::release(&dest_view);
    return -1;
  }
  const int result = raise_unless_ok(
      core::copy_views(capi::to_core(dest_view), capi::to_core(src_view)), function);
  host::release(&dest_view);
  host::release(&src_view);
  return result;
}
