// Comparisons of the functions that take a Py_buffer (IsContiguous, GetPointer, ToContiguous,
// FromContiguous), shared by the hand-built suites and the exporter suites.
//
// Each function only runs inputs CPython itself survives: the callers check the
// preconditions below first, because outside them CPython crashes or reads out of bounds.
#pragma once

#include <Python.h>

#include <string>
#include <vector>

#include "compare.hpp"
#include "hand_views.hpp"

namespace diff {

/// ndim in [0, 64], itemsize > 0, len >= 0, and len == product(shape) * itemsize when there
/// is a shape (without one, ndim <= 1): what ToContiguous/FromContiguous need.
bool copyable(const Py_buffer &view);

/// CPython's GetPointer reads shape and strides for each dimension.
bool pointer_walkable(const Py_buffer &view);

/// CPython's FromContiguous walks with GetPointer (strides required) unless the view is
/// contiguous in `order`.
bool from_contiguous_safe(const Py_buffer &view, char order);

void compare_is_contiguous(Diff &d, const Py_buffer &view, char order);
void compare_get_pointer(Diff &d, const Py_buffer &view, const std::vector<Py_ssize_t> &indices);
/// Into two guarded destinations of max(len, 0) bytes.
void compare_to_contiguous(Diff &d, const Py_buffer &view, Py_ssize_t len, char order);
/// On two views built from `layout` with fill_seed, or copied from `source` when given.
void compare_from_contiguous(Diff &d, const Layout &layout, uint64_t fill_seed,
                             const Py_buffer *source, Py_ssize_t len, char order);

/// Everything above, on a view a real exporter (or FillInfo) produced: IsContiguous in every
/// order, GetPointer at every index, ToContiguous in C/F/A and with a wrong len,
/// FromContiguous in C/F/A with full, partial and oversized lengths (on writable clones).
void compare_view_functions(Diff &d, const Py_buffer &view);

}  // namespace diff
