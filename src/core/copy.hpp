// The one N-dimensional copy engine: normalise once, then copy the innermost one or two axes
// with a kernel chosen for them while an odometer walks the others. Its files, outermost first:
//
//   copy.hpp, copy_operations.cpp
//                   CPython's three operations (to_contiguous, from_contiguous, copy_views):
//                   argument rules, the one-memcpy path, then the engine's front ends.
//   copy.cpp        the front ends (copy_all, copy_prefix, gather, scatter, copy_between) and
//                   boxes: copy_box copies one rectangular box of the index space (copy_all:
//                   the whole space; copy_prefix: at most ndim boxes), nothing if an extent is
//                   0; walk_indirect steps and dereferences the dimensions up to the last one
//                   with a suboffset (on either side), then runs the plan of the rest.
//   copy_plan.hpp/.cpp (internal)
//     make_plan     the direct rest, normalised once per box: extent-1 dimensions dropped;
//                   when the destination provably writes each byte once, its strides made
//                   positive (walking an axis backwards) and sorted, largest first; axes that
//                   are contiguous with each other on both sides merged; a kernel chosen.
//   copy_kernels_impl.hpp, compiled once per CPU level (copy_kernels_<level>.cpp)
//     run_plan      that kernel under an odometer over the remaining outer axes.
//   cpu_level.hpp/.cpp (internal)
//                   the level's kernels chosen once per process (the CPU's best, or
//                   PYBUFFER_CPU), and called through a cached pointer.
//   copy_movers.hpp (internal)
//                   item loops, SSE2 register transposes and streaming stores for the kernels.
//   copy_wide_squares.hpp (internal)
//                   AVX2 and AVX-512 register transposes of 4- and 8-byte items, and of
//                   whole 64 x 64 1-byte tiles, line to line, at the AVX-512 level.
//   copy_odd_movers.hpp (internal)
//                   wide moves of odd-sized items (3, 5, 6, 7, 12 bytes) in packed tiles.
//   copy_chunks.hpp (internal)
//                   the chunks kernel.
//
// Kernels for the innermost axes, all specialised by item size (1-8, 12, 16, any):
//   item    no axis left (0-d, or every extent 1): one item
//   block   innermost axis packed on both sides: one memmove per outer index
//   run     a strided loop along the innermost axis; into packed memory past 8 MiB, 4- and
//           8-byte items are paired into 16-byte streaming stores
//   table   runs shorter than 16 items under an outer axis: the offsets of the innermost few
//           axes (<= 64 items) are enumerated once, and the odometer walks only the rest
//   tile    the two sides disagree on their fastest axis (a transpose) and one of those axes
//           fills a cache line: cache-blocked 2-D tiles over the two, visited in blocks of
//           128 x 128 items so that both sides' pages stay in the TLB. When both sides are
//           packed along their own fastest axis and items are 1, 2, 4 or 8 bytes, whole
//           tiles go through SSE2 register transposes into a stack buffer (<= 8 KiB) and out as
//           whole destination lines (streaming stores past 8 MiB); items of 3, 5, 6, 7 or
//           12 bytes move as one wide load and store each (copy_odd_movers.hpp). Level avx2
//           transposes 8-byte items 4 x 4 in AVX2 registers; level avx512 4- and 8-byte items
//           16 x 16 and 8 x 8 in AVX-512 ones, whose rows are whole lines written straight
//           to the destination (no buffer), in blocks a 4 KiB page of rows wide, and whole
//           64 x 64 tiles of 1-byte items line to line (past 8 MiB at row pitches with 1024
//           as a factor, in strips of 512 destination bytes through a 32 KiB stack buffer)
//   chunks  a transpose among short axes only (say 24 dimensions of 2): the destination's
//           packed innermost axes (up to 256 bytes) and the source's packed axes outside
//           them form a 2-D transpose of packed chunks; each tile's source chunks are read
//           whole into a stack buffer (<= 16 KiB), moved through the register squares, and
//           written as whole destination chunks, tiles walked so that neighbours share pages
//           (copy_chunks.hpp). Where a side's chunk cannot fill a line, the axes are regrouped
//           so that a line's worth of each side's fastest axes is innermost, for a `table`.
// A direct box of at most 64 items in one or two dimensions skips planning: its items are
// copied one by one in sequential order (copy_small).
//
// Memory: O(max_ndim) stack scratch plus the tile buffer, nothing allocated except
// copy_between's temporary for overlapping views; no threads.
//
// to_contiguous, from_contiguous and copy_views (the end of this header) take raw views and
// validate them; they describe both sides as strided memory over one index space and call
// the engine's front ends, which assume (and check under PYBUFFER_ASSERTIONS): both sides
// were validated by check_geometry (extents >= 0, no overflow in any offset reachable
// through shape and strides); the index space is the source's shape.
//
// Overlap: copy_all, copy_prefix, gather and scatter require the bytes they write to be
// disjoint from the bytes they read (as CPython's memcpy-based paths do). copy_between is the
// one entry that two Python objects over one buffer can reach with overlapping views; it
// detects that and copies through a temporary.
//
// Order: when the destination provably writes each byte once, items are copied in whatever
// order is fastest. Otherwise (zero or interleaved destination strides; sort_by_destination
// cannot prove such layouts free of double writes) they are copied in the request's
// sequential order, C or Fortran, never reordered, reflected or tiled, so the last write to a
// shared byte is the one CPython's loops would make last.
#pragma once

#include <cstring>

#include "layout.hpp"

namespace pybuffer::core {

/// One side of a copy: where index 0 lives and how to step (and dereference) from there.
struct Strided {
  char *base;
  const ssize *strides;
  const ssize *suboffsets;  // NULL, or one per dimension (< 0: no dereference)
};

/// Copies every item of `shape` from src to dst (in C order where the order is observable).
void copy_all(int ndim, const ssize *shape, ssize itemsize, Strided dst, Strided src);

/// Copies the first `count` items of `shape`, counted in C order ('F': Fortran order);
/// 0 <= count <= product(shape).
void copy_prefix(int ndim, const ssize *shape, ssize count, char order, ssize itemsize, Strided dst,
                 Strided src);

/// The whole view copied into packed memory at `dest`, in C order ('F': Fortran order).
void gather(char *dest, const Geometry &src, char order);

/// The first `count` items of the view (counted as gather orders them) into packed memory.
void gather_prefix(char *dest, const Geometry &src, ssize count, char order);

/// The first `count` items from packed memory at `src`, in C order ('F': Fortran), into
/// the view.
void scatter(const Geometry &dest, const char *src, ssize count, char order);

/// dest = src for two views of one shape. Overlapping memory is copied as if through a
/// temporary, which is then really allocated (and can fail with no_memory). Where the
/// destination aliases its own items, the result is that of CPython's PyObject_CopyData loop
/// (C order starting at the second item, the first item last).
Status copy_between(const Geometry &dest, const Geometry &src);

// ---------------------------------------------------------------------------------------------
// CPython's three copy operations on views, whole: the argument rules (order, len, shape),
// then one memcpy when both sides are one block in the order asked for, else the engine.
// Each fails before writing a byte or runs to the end. The one-block path is inline (for a
// small contiguous copy it is all the work); the strided paths are out of line, so their
// Geometry scratch (a few KiB of stack) stays out of the small copy's frame.

/// PyBuffer_ToContiguous: the whole view into len packed bytes at dest, in C order ('F':
/// Fortran; 'A': Fortran only when the view is Fortran- but not C-contiguous). len must be
/// view.len; dest may be NULL when len is 0.
inline Status to_contiguous(char *dest, const View &view, ssize len, char order);

/// CPython 2.7's PyBuffer_ToContiguous: as to_contiguous, but min(len, view.len) bytes: a
/// one-block view is copied bytewise, any other as its first len / itemsize items. Order is
/// 'C', 'F' or 'A' (2.7 copies any other in C order: the caller maps it to 'C').
inline Status to_contiguous_prefix(char *dest, const View &view, ssize len, char order);

/// PyBuffer_FromContiguous: the first min(len, view.len) / itemsize items of the view, in
/// `order` as above, from packed bytes at src; src may be NULL when len is 0.
inline Status from_contiguous(const View &view, const char *src, ssize len, char order);

/// PyObject_CopyData once both views are held: dest = src. Two views that are one block in
/// the same order are copied bytewise (src.len bytes, whatever their shapes); otherwise the
/// shapes must agree, and overlapping memory is copied as if through a temporary.
inline Status copy_views(const View &dest, const View &src);

namespace detail {
[[gnu::noinline]] Status to_contiguous_strided(char *dest, const View &view, char order);
[[gnu::noinline]] Status to_contiguous_prefix_strided(char *dest, const View &view, ssize len,
                                                      char order);
[[gnu::noinline]] Status from_contiguous_strided(const View &view, const char *src, ssize len,
                                                 char order);
[[gnu::noinline]] Status copy_views_strided(const View &dest, const View &src);

inline Status check_order(char order) {
  if (is_copy_order(order)) return ok_status();
  return Status{Code::bad_order, -1, static_cast<unsigned char>(order)};
}

// The argument rules of the copies that move at most the view's own bytes: *len becomes
// min(*len, view.len).
inline Status clamp_len(const View &view, ssize *len, char order) {
  const Status status = check_order(order);
  if (!status.ok()) return status;
  if (*len < 0) return Status{Code::negative_len, -1, *len};
  if (view.len < 0) return Status{Code::negative_len, -1, view.len};
  if (*len > view.len) *len = view.len;
  return ok_status();
}
}  // namespace detail

inline Status to_contiguous(char *dest, const View &view, ssize len, char order) {
  Status status = detail::check_order(order);
  if (!status.ok()) return status;
  if (len != view.len) return Status{Code::len_not_view_len, -1, len, view.len};
  if (len < 0) return Status{Code::negative_len, -1, len};
  if (is_one_block(view, order)) {
    if (len > 0) std::memcpy(dest, view.buf, static_cast<std::size_t>(len));  // dest may be NULL
    return ok_status();
  }
  return detail::to_contiguous_strided(dest, view, order);
}

inline Status to_contiguous_prefix(char *dest, const View &view, ssize len, char order) {
  const Status status = detail::clamp_len(view, &len, order);
  if (!status.ok()) return status;
  if (is_one_block(view, order)) {
    if (len > 0) std::memcpy(dest, view.buf, static_cast<std::size_t>(len));  // dest may be NULL
    return ok_status();
  }
  return detail::to_contiguous_prefix_strided(dest, view, len, order);
}

inline Status from_contiguous(const View &view, const char *src, ssize len, char order) {
  const Status status = detail::clamp_len(view, &len, order);
  if (!status.ok()) return status;
  if (is_one_block(view, order)) {
    if (len > 0) std::memcpy(view.buf, src, static_cast<std::size_t>(len));  // src may be NULL
    return ok_status();
  }
  return detail::from_contiguous_strided(view, src, len, order);
}

inline Status copy_views(const View &dest, const View &src) {
  if (dest.len < src.len) return Status{Code::destination_too_small, -1, dest.len, src.len};
  if ((is_one_block(dest, 'C') && is_one_block(src, 'C')) ||
      (is_one_block(dest, 'F') && is_one_block(src, 'F'))) {
    // One block implies len >= 0 (its sizes were checked). An empty view may have buf NULL;
    // memmove's arguments must not be NULL even for 0 bytes. The views may overlap.
    if (src.len > 0) std::memmove(dest.buf, src.buf, static_cast<std::size_t>(src.len));
    return ok_status();
  }
  return detail::copy_views_strided(dest, src);
}

}  // namespace pybuffer::core
