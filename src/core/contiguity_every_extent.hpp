// CPython 2.7's contiguity rule (its PyBuffer_IsContiguous), beside 3.x's in layout.hpp:
// 2.7 compares the stride of every dimension with the packed stride, extent 1 included
// (3.x skips those), except that a one-dimensional view of extent 1 is contiguous whatever
// its stride; a zero extent met in the walk makes the view contiguous; a view without strides
// is C-contiguous, and Fortran-contiguous only when ndim <= 1.
//
// Where 2.7 would read what is not there or overflow (shape NULL beside strides, ndim outside
// 0..64, a packed stride past Py_ssize_t), the view is reported as not contiguous.
#pragma once

#include "layout.hpp"

namespace pybuffer::core {

/// 2.7's answer for `order` ('C', 'F', 'A'; any other: not contiguous).
inline bool is_contiguous_every_extent(const View &view, char order);

namespace detail {
// Walks the dimensions from `first` by `step`, 2.7's loop.
inline bool every_extent_packed(const View &view, int first, int step) {
  ssize packed = view.itemsize;
  for (int i = first; i >= 0 && i < view.ndim; i += step) {
    const ssize extent = view.shape[i];
    if (extent == 0) return true;
    if (view.strides[i] != packed) return false;
    // Past Py_ssize_t no stride can match: contiguous only if no dimension is left to compare.
    if (__builtin_mul_overflow(packed, extent, &packed))
      return i + step < 0 || i + step >= view.ndim;
  }
  return true;
}

inline bool is_contiguous_every_extent_in(const View &view, bool fortran) {
  if (view.ndim == 0) return true;
  if (view.strides == nullptr) return !fortran || view.ndim == 1;
  if (view.shape == nullptr) return false;
  if (view.ndim == 1) return view.shape[0] == 1 || view.strides[0] == view.itemsize;
  return fortran ? every_extent_packed(view, 0, 1) : every_extent_packed(view, view.ndim - 1, -1);
}
}  // namespace detail

inline bool is_contiguous_every_extent(const View &view, char order) {
  if (view.suboffsets != nullptr || !ndim_in_range(view.ndim)) return false;
  switch (order) {
    case 'C':
      return detail::is_contiguous_every_extent_in(view, false);
    case 'F':
      return detail::is_contiguous_every_extent_in(view, true);
    case 'A':
      return detail::is_contiguous_every_extent_in(view, false) ||
             detail::is_contiguous_every_extent_in(view, true);
    default:
      return false;
  }
}

}  // namespace pybuffer::core
