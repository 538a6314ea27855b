// Layout vocabulary of a buffer view, free of Python: contiguity, pointer arithmetic and the
// validation every copy does before touching memory.
//
// Invariants of a well-formed view (what check_geometry establishes):
//   0 <= ndim <= 64; itemsize > 0; every extent >= 0;
//   len == product(shape) * itemsize, with no overflow on the way;
//   strides may be negative or zero: buf may point anywhere inside the block;
//   suboffsets[i] >= 0 means "dereference a pointer after stepping along dimension i".
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "assert.hpp"
#include "checked_math.hpp"
#include "status.hpp"
#include "types.hpp"

namespace pybuffer::core {

/// The geometry of a Py_buffer, field for field, without the object and the format.
struct View {
  char *buf;
  ssize len;
  ssize itemsize;
  int ndim;
  const ssize *shape;
  const ssize *strides;
  const ssize *suboffsets;
};

/// A checked view with explicit shape and strides: what the copy engine consumes.
struct Geometry {
  char *buf;
  ssize itemsize;
  ssize items;  // product(shape)
  int ndim;
  const ssize *suboffsets;  // NULL when the view has none
  ssize shape[max_ndim];
  ssize strides[max_ndim];
};

/// CPython's contiguity rules, exactly (a zero-length view is contiguous in every order).
/// Like CPython's they read only shape and strides, never len; a view they cannot read
/// (ndim outside 0..64, shape missing where needed) is reported as not contiguous.
/// Copies must also pass check_sizes before trusting a contiguous answer. Inline (below):
/// they are the whole per-call work of PyBuffer_IsContiguous.
inline bool is_c_contiguous(const View &view);
inline bool is_f_contiguous(const View &view);
inline bool is_contiguous(const View &view, char order);

/// The size fields agree: 0 <= ndim <= 64, len >= 0 and, when the view has a shape,
/// itemsize > 0, every extent >= 0 and len == product(shape) * itemsize without overflow.
/// A view without shape is `len` flat bytes whatever its ndim and itemsize (NumPy answers
/// shapeless requests with ndim 0), so nothing more is asked of it.
Status check_sizes(const View &view);

/// Validates a view for copying and fills out its explicit shape and strides.
Status check_geometry(const View &view, Geometry &out);

/// The address of the item at `indices`, following suboffsets. Every index is checked against
/// its extent first.
Status pointer_at(const View &view, const ssize *indices, void **out);

/// pointer_at's common case, inline (below) for PyBuffer_GetPointer's per-call path: true
/// and `*out` set when the view has shape and strides but no suboffsets and every index is
/// inside its extent (pointer_at would give the same address); false otherwise, `*out`
/// untouched: then pointer_at answers, or says why not.
inline bool find_direct_item(const View &view, const ssize *indices, void **out);

/// Advances a multi-index over `shape` by one item, the first index fastest for 'F' and the
/// last for anything else (2.7's _Py_add_one_to_index_F/_C): an index below its extent's
/// last value is incremented, and the walk stops; any other is set to 0 and the carry goes
/// on (past the last item the index wraps to all zeros). extent - 1 wraps for the most
/// negative extent, as 2.7's does in practice.
void step_index(int ndim, ssize *index, const ssize *shape, char order);

/// Contiguous strides for `shape` in Fortran order for 'F' and C order for anything else.
/// Nothing is written unless the whole result is representable.
Status fill_contiguous_strides(int ndim, const ssize *shape, ssize *strides, ssize itemsize,
                               char order);

/// check_sizes(view).ok() && is_contiguous(view, order), in one pass over the dimensions of
/// a view with shape, strides, no suboffsets and len > 0 (others take the two functions):
/// whether a copy may move the whole view with one memcpy. The 1-d case is inline, because
/// for a small contiguous copy it is all the work besides the memcpy.
[[gnu::always_inline]] inline bool is_one_block(const View &view, char order);

inline bool is_copy_order(char order) {
  return order == 'C' || order == 'F' || order == 'A';
}

// ---------------------------------------------------------------------------------------------
// The three layout computations, each in one place.

/// Packed strides of `shape` into `strides`: C order ('F': Fortran order), each stride being
/// itemsize times the product of the faster extents. Returns -1 when every stride is
/// representable; otherwise the dimension whose extent made the next stride overflow, with
/// the strides after it written as 0 (where product(shape) * itemsize is representable, an
/// overflowing partial product means a later extent is 0: such strides address nothing).
int packed_strides(int ndim, const ssize *shape, ssize itemsize, char order, ssize *strides);

namespace detail {
// is_packed with its direction fixed at compile time: Step -1 walks C order (the last
// dimension first), Step 1 Fortran order. One index, bounded by the end it walks towards,
// keeps the per-call contiguity loop as short as the reference's.
template <int Step>
inline bool is_packed_walk(const View &view, ssize *bytes) {
  static_assert(Step == 1 || Step == -1, "a walk goes one dimension at a time");
  const int end = Step < 0 ? -1 : view.ndim;
  ssize size = view.itemsize;
  bool negative = false;
  int i = Step < 0 ? view.ndim - 1 : 0;
  for (; i != end; i += Step) {
    const ssize extent = view.shape[i];
    if (extent > 1 && view.strides[i] != size) return false;
    negative = negative || extent < 0;
    // Overflow is rare: the hot loop carries no flag for it, and leaves.
    if (__builtin_expect(mul_overflows(size, extent, &size), 0)) break;
  }
  if (__builtin_expect(i != end, 0)) {
    // The size overflowed: no later stride can equal it, so the dimensions are packed only
    // if no later extent exceeds 1.
    for (i += Step; i != end; i += Step) {
      if (view.shape[i] > 1) return false;
    }
    *bytes = -1;
    return true;
  }
  *bytes = negative ? -1 : size;
  return true;
}
}  // namespace detail

/// Whether the dimensions from `first` by `step` (fastest first) of a view with shape and
/// strides are packed, by CPython's rule: every extent > 1 has stride itemsize times the
/// product of the faster extents, that product being representable (it only matters once an
/// extent > 1 follows). `*bytes` receives itemsize * product of the extents walked, or -1
/// when that overflows or an extent is negative.
inline bool is_packed(const View &view, int first, int step, ssize *bytes) {
  // Fastest first means the last dimension for C order and the first for Fortran order.
  PYBUFFER_ASSERT((first == view.ndim - 1 && step == -1) || (first == 0 && step == 1));
  (void)first;
  return step < 0 ? detail::is_packed_walk<-1>(view, bytes)
                  : detail::is_packed_walk<1>(view, bytes);
}

/// The offsets from buf of the first bytes of the lowest and the highest item a direct
/// (suboffset-free) layout reaches: low <= 0 <= high (an extent 0 counts as 1). The bytes
/// touched are [buf + low, buf + high + itemsize).
struct Span {
  ssize low;
  ssize high;
};

/// Fills `out` and returns -1 when the sum of |strides[i]| * (shape[i] - 1) is representable
/// (then so are low and high); otherwise returns the dimension at which the sum overflowed.
int span(int ndim, const ssize *shape, const ssize *strides, Span *out);

// ---------------------------------------------------------------------------------------------
// The per-call queries, inline.

inline bool ndim_in_range(int ndim) {
  return ndim >= 0 && ndim <= max_ndim;
}

namespace detail {
// Contiguity reads only strides and shape, and the size the walk would report is not its
// business: the product after the last dimension walked is never compared, so it is not
// computed (nor checked for overflow), which keeps the per-call walk as short as CPython's.
// A leaf function without a stack frame: the rare overflow is handled inline, not by a call.
// Assumptions: 1 <= ndim <= max_ndim, shape and strides present.
template <int Step>
inline bool strides_are_packed(const View &view) {
  PYBUFFER_ASSERT(view.ndim >= 1 && view.ndim <= max_ndim);
  PYBUFFER_ASSERT(view.shape != nullptr && view.strides != nullptr);
  const ssize last = Step < 0 ? 0 : view.ndim - 1;
  ssize i = Step < 0 ? view.ndim - 1 : 0;
  ssize expected = view.itemsize;
  for (;;) {
    const ssize extent = view.shape[i];
    if (extent > 1 && view.strides[i] != expected) return false;
    if (i == last) return true;
    i += Step;
    if (__builtin_expect(mul_overflows(expected, extent, &expected), 0)) break;
  }
  // The expected stride overflowed before dimension i: no later stride can equal it, so the
  // rest is packed only if no extent from i on exceeds 1.
  for (;; i += Step) {
    if (view.shape[i] > 1) return false;
    if (i == last) return true;
  }
}
}  // namespace detail

namespace detail {
// One unsigned compare sends both ndim 0 (nothing to walk) and an ndim out of range off the
// per-call path; the caller then answers ndim == 0 (contiguous) or not contiguous.
inline bool ndim_not_walkable(int ndim) {
  return __builtin_expect(static_cast<unsigned>(ndim) - 1u >= static_cast<unsigned>(max_ndim), 0);
}
}  // namespace detail

inline bool is_c_contiguous(const View &view) {
  if (detail::ndim_not_walkable(view.ndim)) return view.ndim == 0;
  if (view.len == 0 || view.strides == nullptr) return true;
  if (view.shape == nullptr) return false;
  return detail::strides_are_packed<-1>(view);
}

inline bool is_f_contiguous(const View &view) {
  if (detail::ndim_not_walkable(view.ndim)) return view.ndim == 0;
  if (view.len == 0) return true;
  if (view.strides == nullptr) {
    // Implicitly C-contiguous: also Fortran-contiguous when at most one extent exceeds 1.
    if (view.ndim == 1) return true;
    if (view.shape == nullptr) return false;
    int long_dims = 0;
    for (int i = 0; i < view.ndim; ++i) long_dims += view.shape[i] > 1;
    return long_dims <= 1;
  }
  if (view.shape == nullptr) return false;
  return detail::strides_are_packed<1>(view);
}

inline bool is_contiguous(const View &view, char order) {
  if (view.suboffsets != nullptr) return false;
  switch (order) {
    case 'C':
      return is_c_contiguous(view);
    case 'F':
      return is_f_contiguous(view);
    case 'A':
      return is_c_contiguous(view) || is_f_contiguous(view);
    default:
      return false;
  }
}

inline bool find_direct_item(const View &view, const ssize *indices, void **out) {
  if (!ndim_in_range(view.ndim)) return false;
  if (view.ndim > 0 && (indices == nullptr || view.strides == nullptr || view.shape == nullptr ||
                        view.suboffsets != nullptr)) {
    return false;
  }
  // Nothing is read through the address, so each index is checked in the pass that steps by
  // it. The address is an integer, wrapping as CPython's pointer arithmetic does in
  // practice: buf may be NULL (an empty exporter).
  std::uintptr_t address = reinterpret_cast<std::uintptr_t>(view.buf);
  for (int i = 0; i < view.ndim; ++i) {
    const ssize index = indices[i];
    // A negative extent fails too: no index is both >= 0 and below it.
    if (index < 0 || index >= view.shape[i]) return false;
    address += static_cast<std::uintptr_t>(view.strides[i]) * static_cast<std::uintptr_t>(index);
  }
  *out = reinterpret_cast<void *>(address);
  return true;
}

namespace detail {
// Every case but a 1-d view with shape and strides, out of line: the per-call copy of a small
// contiguous buffer then pays no call and no stack frame before its memcpy.
[[gnu::noinline]] bool is_one_block_general(const View &view, char order);
}  // namespace detail

inline bool is_one_block(const View &view, char order) {
  if (view.ndim == 1 && view.suboffsets == nullptr && view.shape != nullptr &&
      view.strides != nullptr && view.len > 0 && view.itemsize > 0 && is_copy_order(order)) {
    // One dimension is packed in every order alike: is_packed_block's walk over one extent
    // (a negative extent or an overflowing size cannot multiply out to len > 0).
    const ssize extent = view.shape[0];
    ssize bytes = 0;
    return (extent <= 1 || view.strides[0] == view.itemsize) &&
           !mul_overflows(view.itemsize, extent, &bytes) && bytes == view.len;
  }
  return detail::is_one_block_general(view, order);
}

}  // namespace pybuffer::core
