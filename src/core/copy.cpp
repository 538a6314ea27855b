// The engine's front ends (copy.hpp): boxes of the index space, suboffsets walked, small
// boxes copied directly, and overlap decided; every direct part goes through a plan
// (copy_plan.hpp).
#include "copy.hpp"

#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "assert.hpp"
#include "copy_plan.hpp"

namespace pybuffer::core {
namespace {

using engine::Box;
using engine::make_plan;
using engine::origin;
using engine::Plan;
using engine::run_plan;

bool has_suboffset(const Strided &side, int dim) {
  return side.suboffsets != nullptr && side.suboffsets[dim] >= 0;
}

// Pointer tables need not be aligned: the pointer is read bytewise (one plain load on x86).
char *follow(const char *slot, ssize suboffset) {
  char *pointer;
  std::memcpy(&pointer, slot, sizeof pointer);
  return pointer + suboffset;
}

char *step_into(char *pointer, const Strided &side, int dim) {
  return has_suboffset(side, dim) ? follow(pointer, side.suboffsets[dim]) : pointer;
}

// Dimensions [dim, last] of a box, last being the last one with a suboffset: every pointer is
// followed once per index, never per item unless the suboffset is on the last dimension.
void walk_indirect(int dim, int last, const Box &box, const Strided &dst, const Strided &src,
                   char *d, char *s, const Plan &rest) {
  const ssize dstep = dst.strides[dim];
  const ssize sstep = src.strides[dim];
  const ssize end = box.lo[dim] + box.extent[dim];
  for (ssize i = box.lo[dim]; i < end; ++i) {
    char *to = step_into(d + i * dstep, dst, dim);
    char *from = step_into(s + i * sstep, src, dim);
    if (dim == last) {
      run_plan(rest, to, from);
    } else {
      walk_indirect(dim + 1, last, box, dst, src, to, from, rest);
    }
  }
}

char *address_of(const Strided &side, int ndim, const ssize *index) {
  char *pointer = side.base;
  for (int i = 0; i < ndim; ++i) pointer = step_into(pointer + index[i] * side.strides[i], side, i);
  return pointer;
}

// Item by item in Fortran order, each address followed through its pointers. The plans keep
// the sequential order of a destination that may write a byte twice by walking pointer tables
// in C order, which is also the right order for C; for Fortran order it is not, and there is
// no cheaper way to visit the first dimension fastest through the source's pointers.
void copy_in_fortran_order(const Box &box, ssize itemsize, const Strided &dst, const Strided &src) {
  ssize index[max_ndim];
  for (int i = 0; i < box.ndim; ++i) index[i] = box.lo[i];
  for (;;) {
    std::memmove(address_of(dst, box.ndim, index), address_of(src, box.ndim, index),
                 static_cast<std::size_t>(itemsize));
    int i = 0;
    for (; i < box.ndim; ++i) {
      if (++index[i] < box.lo[i] + box.extent[i]) break;
      index[i] = box.lo[i];
    }
    if (i == box.ndim) return;
  }
}

// A direct box of at most this many items in one or two dimensions is copied item by item in
// its sequential order (right for every layout) without a plan: for a 4 x 4 transpose,
// normalising and choosing a kernel cost more than the sixteen items.
constexpr ssize small_box_items = 64;

template <std::size_t N>
void copy_small_box(char *d, ssize dout, ssize din, const char *s, ssize sout, ssize sin,
                    ssize nout, ssize nin, ssize itemsize) {
  const std::size_t bytes = N != 0 ? N : static_cast<std::size_t>(itemsize);
  for (ssize o = 0; o < nout; ++o) {
    for (ssize i = 0; i < nin; ++i) {
      std::memcpy(d + o * dout + i * din, s + o * sout + i * sin, bytes);
    }
  }
}

/// Copies a direct box of ndim <= 2 and few items; false (nothing done) for any other box.
bool copy_small(const Box &box, ssize itemsize, const Strided &dst, const Strided &src) {
  if (box.ndim > 2) return false;
  char *d = dst.base;
  const char *s = src.base;
  ssize extent[2] = {1, 1};
  ssize dstep[2] = {0, 0};
  ssize sstep[2] = {0, 0};
  for (int i = 0; i < box.ndim; ++i) {
    // Outer slot 0, inner slot 1: the last dimension is inner in C order, the first in Fortran.
    const int slot = box.ndim == 1 ? 1 : (box.order == 'F' ? 1 - i : i);
    d += box.lo[i] * dst.strides[i];
    s += box.lo[i] * src.strides[i];
    extent[slot] = box.extent[i];
    dstep[slot] = dst.strides[i];
    sstep[slot] = src.strides[i];
  }
  if (extent[0] * extent[1] > small_box_items) return false;
  switch (itemsize) {
    case 1:
      copy_small_box<1>(d, dstep[0], dstep[1], s, sstep[0], sstep[1], extent[0], extent[1], 1);
      return true;
    case 2:
      copy_small_box<2>(d, dstep[0], dstep[1], s, sstep[0], sstep[1], extent[0], extent[1], 2);
      return true;
    case 4:
      copy_small_box<4>(d, dstep[0], dstep[1], s, sstep[0], sstep[1], extent[0], extent[1], 4);
      return true;
    case 8:
      copy_small_box<8>(d, dstep[0], dstep[1], s, sstep[0], sstep[1], extent[0], extent[1], 8);
      return true;
    default:
      copy_small_box<0>(d, dstep[0], dstep[1], s, sstep[0], sstep[1], extent[0], extent[1],
                        itemsize);
      return true;
  }
}

void copy_box(const Box &box, ssize itemsize, const Strided &dst, const Strided &src) {
  PYBUFFER_ASSERT(0 <= box.ndim && box.ndim <= max_ndim && itemsize > 0);
  int last_indirect = -1;
  bool dst_indirect = false;
  for (int i = 0; i < box.ndim; ++i) {
    PYBUFFER_ASSERT(box.extent[i] >= 0);
    if (box.extent[i] == 0) return;
    dst_indirect = dst_indirect || has_suboffset(dst, i);
    if (has_suboffset(dst, i) || has_suboffset(src, i)) last_indirect = i;
  }
  if (last_indirect < 0 && copy_small(box, itemsize, dst, src)) return;
  // Only a direct destination can be proved to write each byte once; one with suboffsets is
  // taken to (its blocks are assumed distinct), so Fortran order is kept for direct ones only.
  if (box.order == 'F' && last_indirect >= 0 && !dst_indirect) {
    Plan whole;
    if (!make_plan(box, 0, itemsize, dst.strides, src.strides, whole)) {
      copy_in_fortran_order(box, itemsize, dst, src);
      return;
    }
  }
  Plan rest;
  make_plan(box, last_indirect + 1, itemsize, dst.strides, src.strides, rest);
  if (last_indirect < 0) {
    run_plan(rest, dst.base, src.base);
  } else {
    walk_indirect(0, last_indirect, box, dst, src, dst.base, src.base, rest);
  }
}

// [low, high) bytes reachable through a direct (suboffset-free) layout; check_geometry
// proved its span representable.
void byte_range(const Geometry &g, std::uintptr_t *low, std::uintptr_t *high) {
  Span reached{0, 0};
  const int overflow = span(g.ndim, g.shape, g.strides, &reached);
  PYBUFFER_ASSERT(overflow < 0);
  const auto base = reinterpret_cast<std::uintptr_t>(g.buf);
  *low = base + static_cast<std::uintptr_t>(reached.low);
  *high =
      base + static_cast<std::uintptr_t>(reached.high) + static_cast<std::uintptr_t>(g.itemsize);
}

// The temporary is needed exactly when the byte ranges of two direct views intersect.
bool may_overlap(const Geometry &a, const Geometry &b) {
  if (a.items == 0 || b.items == 0) return false;
  // Through suboffsets the memory touched cannot be bounded; CPython copies such views
  // directly too.
  if (a.suboffsets != nullptr || b.suboffsets != nullptr) return false;
  std::uintptr_t alow, ahigh, blow, bhigh;
  byte_range(a, &alow, &ahigh);
  byte_range(b, &blow, &bhigh);
  return alow < bhigh && blow < ahigh;
}

// Two views of one shape whose every item is at the same address: a copy changes nothing.
bool same_addresses(const Geometry &a, const Geometry &b) {
  if (a.buf != b.buf || a.ndim != b.ndim) return false;
  if ((a.suboffsets == nullptr) != (b.suboffsets == nullptr)) return false;
  for (int i = 0; i < a.ndim; ++i) {
    if (a.shape[i] > 1 && a.strides[i] != b.strides[i]) return false;
    if (a.suboffsets != nullptr && a.suboffsets[i] != b.suboffsets[i]) return false;
  }
  return true;
}

char *first_item(const Geometry &g) {
  char *pointer = g.buf;
  for (int i = 0; i < g.ndim && g.suboffsets != nullptr; ++i) {
    if (g.suboffsets[i] >= 0) pointer = follow(pointer, g.suboffsets[i]);
  }
  return pointer;
}

// What check_geometry establishes, as far as the copy relies on it.
[[maybe_unused]] bool is_checked(const Geometry &g) {
  if (g.itemsize <= 0 || g.ndim < 0 || g.ndim > max_ndim) return false;
  ssize items = 1;
  for (int i = 0; i < g.ndim; ++i) {
    if (g.shape[i] < 0 || mul_overflows(items, g.shape[i], &items)) return false;
  }
  return items == g.items;
}

// A checked view's items where they lie.
Strided in_place(const Geometry &view) {
  return Strided{view.buf, view.strides, view.suboffsets};
}

}  // namespace

void copy_all(int ndim, const ssize *shape, ssize itemsize, Strided dst, Strided src) {
  copy_box(Box{ndim, origin, shape, 'C'}, itemsize, dst, src);
}

void copy_prefix(int ndim, const ssize *shape, ssize count, char order, ssize itemsize, Strided dst,
                 Strided src) {
  PYBUFFER_ASSERT(count >= 0 && 0 <= ndim && ndim <= max_ndim);
  if (count <= 0) return;
  const bool fortran = order == 'F';
  const char sequence = fortran ? 'F' : 'C';
  // Position k in the order (0: slowest) is dimension k in C order, ndim - 1 - k in Fortran.
  // inner[k] = the number of items one step of position k skips.
  ssize inner[max_ndim];
  ssize items = 1;
  for (int k = ndim - 1; k >= 0; --k) {
    inner[k] = items;
    items *= shape[fortran ? ndim - 1 - k : k];
  }
  PYBUFFER_ASSERT(count <= items);
  if (count >= items) {
    copy_box(Box{ndim, origin, shape, sequence}, itemsize, dst, src);
    return;
  }
  // The first `count` items are at most ndim boxes: box k fixes the slower positions to the
  // digits of `count` in the mixed radix of shape, takes [0, digit_k) at position k and all
  // of the faster positions. (count < items, so no extent is 0 and no inner[k] is 0.)
  ssize lo[max_ndim];
  ssize extent[max_ndim];
  for (int i = 0; i < ndim; ++i) {
    lo[i] = 0;
    extent[i] = shape[i];
  }
  ssize remaining = count;
  for (int k = 0; k < ndim && remaining > 0; ++k) {
    const int d = fortran ? ndim - 1 - k : k;
    const ssize digit = remaining / inner[k];
    remaining %= inner[k];
    if (digit > 0) {
      extent[d] = digit;
      copy_box(Box{ndim, lo, extent, sequence}, itemsize, dst, src);
    }
    lo[d] = digit;
    extent[d] = 1;
  }
}

void gather(char *dest, const Geometry &src, char order) {
  PYBUFFER_ASSERT(is_checked(src));
  ssize packed[max_ndim];
  packed_strides(src.ndim, src.shape, src.itemsize, order, packed);
  copy_all(src.ndim, src.shape, src.itemsize, Strided{dest, packed, nullptr}, in_place(src));
}

void gather_prefix(char *dest, const Geometry &src, ssize count, char order) {
  PYBUFFER_ASSERT(is_checked(src) && count >= 0 && count <= src.items);
  if (count == src.items) {
    gather(dest, src, order);
    return;
  }
  ssize packed[max_ndim];
  packed_strides(src.ndim, src.shape, src.itemsize, order, packed);
  copy_prefix(src.ndim, src.shape, count, order, src.itemsize, Strided{dest, packed, nullptr},
              in_place(src));
}

void scatter(const Geometry &dest, const char *src, ssize count, char order) {
  PYBUFFER_ASSERT(is_checked(dest) && count <= dest.items);
  ssize packed[max_ndim];
  packed_strides(dest.ndim, dest.shape, dest.itemsize, order, packed);
  copy_prefix(dest.ndim, dest.shape, count, order, dest.itemsize, in_place(dest),
              Strided{const_cast<char *>(src), packed, nullptr});
}

Status copy_between(const Geometry &dest, const Geometry &src) {
  PYBUFFER_ASSERT(is_checked(dest) && is_checked(src) && dest.items == src.items);
  if (src.items == 0 || same_addresses(dest, src)) return ok_status();
  const Strided to = in_place(dest);
  const auto itemsize = static_cast<std::size_t>(src.itemsize);
  if (!may_overlap(dest, src)) {
    copy_all(src.ndim, src.shape, src.itemsize, to, in_place(src));
    // CPython's loop visits the first item last. Where destination items share bytes, writing
    // it once more gives its result; elsewhere it rewrites the value just written.
    std::memmove(first_item(dest), first_item(src), itemsize);
    return ok_status();
  }
  // Overlapping views: every source item is read before any is written.
  const auto bytes = static_cast<std::size_t>(src.items * src.itemsize);
  char *temporary = static_cast<char *>(std::malloc(bytes));
  if (temporary == nullptr) return {Code::no_memory};
  ssize packed[max_ndim];
  packed_strides(src.ndim, src.shape, src.itemsize, 'C', packed);
  const Strided packed_copy{temporary, packed, nullptr};
  copy_all(src.ndim, src.shape, src.itemsize, packed_copy, in_place(src));
  copy_all(src.ndim, src.shape, src.itemsize, to, packed_copy);
  std::memmove(first_item(dest), temporary, itemsize);
  std::free(temporary);
  return ok_status();
}

}  // namespace pybuffer::core
