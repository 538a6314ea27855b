// The copy engine: normalise once, then copy the innermost one or two axes with a kernel
// chosen for them while an odometer walks the others.
//
//   copy_box        one rectangular box of the index space (copy_all: the whole space;
//                   copy_prefix: at most ndim boxes). Nothing to do if an extent is 0.
//   walk_indirect   the dimensions up to the last one with a suboffset (on either side):
//                   each index steps and dereferences once, then runs the plan of the rest.
//   make_plan       the direct rest, normalised once per box: extent-1 dimensions dropped;
//                   when the destination provably writes each byte once, its strides made
//                   positive (walking an axis backwards) and sorted, largest first; axes that
//                   are contiguous with each other on both sides merged; a kernel chosen.
//   run_plan        that kernel under an odometer over the remaining outer axes.
//
// Kernels for the innermost axes, all specialised by item size (1, 2, 4, 8, 16, any):
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
//           whole destination lines (streaming stores past 8 MiB)
// A transpose among short axes only (say 16 dimensions of 2 or 3) is a `table` after
// regrouping the axes so that a cache line's worth of each side's fastest axes is innermost.
// A direct box of at most 64 items in one or two dimensions skips planning: its items are
// copied one by one in sequential order (copy_small).
//
// Order: the destination's order only matters where it writes a byte twice; such layouts
// (which sort_by_destination cannot prove free of it) keep the request's sequential order,
// C or Fortran, and are never reordered, reflected or tiled.
//
// Memory: O(max_ndim) stack scratch plus the tile buffer, nothing allocated except
// copy_between's temporary for overlapping views; no threads.
#include "copy.hpp"

#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "checked_math.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace pybuffer::core {
namespace {

// ---------------------------------------------------------------------------------------------
// Item movers, specialised by item size N (0: any size, given at run time). Items move by
// memcpy of a constant size: views promise no alignment, and a constant-size memcpy compiles
// to one plain unaligned load and store.

/// Moves n items, stepping the destination by dstep and the source by sstep.
template <std::size_t N>
void run_items(char *d, ssize dstep, const char *s, ssize sstep, ssize n, ssize itemsize) {
  const std::size_t bytes = N != 0 ? N : static_cast<std::size_t>(itemsize);
  for (ssize i = 0; i < n; ++i) std::memcpy(d + i * dstep, s + i * sstep, bytes);
}

// Register transposes. Square<N>::move moves a K x K square of N-byte items: K source rows
// (spitch bytes apart, K items packed in each) become K destination rows (dpitch bytes apart,
// K items packed in each), destination row r being source column r. K == 0: none for N.

template <std::size_t N>
struct Square {
  static constexpr int k = 0;
  static void move(char *, ssize, const char *, ssize) {}
};

#if defined(__SSE2__)

inline __m128i load16(const char *p) {
  return _mm_loadu_si128(reinterpret_cast<const __m128i *>(p));
}
inline void store16(char *p, __m128i v) {
  _mm_storeu_si128(reinterpret_cast<__m128i *>(p), v);
}
inline __m128i load8(const char *p) {
  return _mm_loadl_epi64(reinterpret_cast<const __m128i *>(p));
}
inline __m128i load4(const char *p) {
  std::int32_t value;
  std::memcpy(&value, p, sizeof value);
  return _mm_cvtsi32_si128(value);
}
inline void store8(char *p, __m128i v) {
  _mm_storel_epi64(reinterpret_cast<__m128i *>(p), v);
}
// The upper 8 bytes of v, stored (movhps would need a double *, which may be misaligned).
inline void store8_high(char *p, __m128i v) {
  store8(p, _mm_unpackhi_epi64(v, v));
}

// 8 x 8 one-byte items: rows interleaved bytewise, then by pairs, then by quads.
template <>
struct Square<1> {
  static constexpr int k = 8;
  static void move(char *d, ssize dp, const char *s, ssize sp) {
    const __m128i a0 = _mm_unpacklo_epi8(load8(s), load8(s + sp));
    const __m128i a1 = _mm_unpacklo_epi8(load8(s + 2 * sp), load8(s + 3 * sp));
    const __m128i a2 = _mm_unpacklo_epi8(load8(s + 4 * sp), load8(s + 5 * sp));
    const __m128i a3 = _mm_unpacklo_epi8(load8(s + 6 * sp), load8(s + 7 * sp));
    const __m128i b0 = _mm_unpacklo_epi16(a0, a1);  // columns 0-3 of rows 0-3
    const __m128i b1 = _mm_unpackhi_epi16(a0, a1);  // columns 4-7 of rows 0-3
    const __m128i b2 = _mm_unpacklo_epi16(a2, a3);  // columns 0-3 of rows 4-7
    const __m128i b3 = _mm_unpackhi_epi16(a2, a3);  // columns 4-7 of rows 4-7
    const __m128i c0 = _mm_unpacklo_epi32(b0, b2);  // columns 0 and 1, complete
    const __m128i c1 = _mm_unpackhi_epi32(b0, b2);
    const __m128i c2 = _mm_unpacklo_epi32(b1, b3);
    const __m128i c3 = _mm_unpackhi_epi32(b1, b3);
    store8(d, c0);
    store8_high(d + dp, c0);
    store8(d + 2 * dp, c1);
    store8_high(d + 3 * dp, c1);
    store8(d + 4 * dp, c2);
    store8_high(d + 5 * dp, c2);
    store8(d + 6 * dp, c3);
    store8_high(d + 7 * dp, c3);
  }
};

// 8 x 8 two-byte items: interleaved by items, pairs, then quads.
template <>
struct Square<2> {
  static constexpr int k = 8;
  static void move(char *d, ssize dp, const char *s, ssize sp) {
    const __m128i r0 = load16(s), r1 = load16(s + sp), r2 = load16(s + 2 * sp);
    const __m128i r3 = load16(s + 3 * sp), r4 = load16(s + 4 * sp), r5 = load16(s + 5 * sp);
    const __m128i r6 = load16(s + 6 * sp), r7 = load16(s + 7 * sp);
    const __m128i a0 = _mm_unpacklo_epi16(r0, r1), a1 = _mm_unpackhi_epi16(r0, r1);
    const __m128i a2 = _mm_unpacklo_epi16(r2, r3), a3 = _mm_unpackhi_epi16(r2, r3);
    const __m128i a4 = _mm_unpacklo_epi16(r4, r5), a5 = _mm_unpackhi_epi16(r4, r5);
    const __m128i a6 = _mm_unpacklo_epi16(r6, r7), a7 = _mm_unpackhi_epi16(r6, r7);
    const __m128i b0 = _mm_unpacklo_epi32(a0, a2), b1 = _mm_unpackhi_epi32(a0, a2);
    const __m128i b2 = _mm_unpacklo_epi32(a1, a3), b3 = _mm_unpackhi_epi32(a1, a3);
    const __m128i b4 = _mm_unpacklo_epi32(a4, a6), b5 = _mm_unpackhi_epi32(a4, a6);
    const __m128i b6 = _mm_unpacklo_epi32(a5, a7), b7 = _mm_unpackhi_epi32(a5, a7);
    store16(d, _mm_unpacklo_epi64(b0, b4));
    store16(d + dp, _mm_unpackhi_epi64(b0, b4));
    store16(d + 2 * dp, _mm_unpacklo_epi64(b1, b5));
    store16(d + 3 * dp, _mm_unpackhi_epi64(b1, b5));
    store16(d + 4 * dp, _mm_unpacklo_epi64(b2, b6));
    store16(d + 5 * dp, _mm_unpackhi_epi64(b2, b6));
    store16(d + 6 * dp, _mm_unpacklo_epi64(b3, b7));
    store16(d + 7 * dp, _mm_unpackhi_epi64(b3, b7));
  }
};

// 4 x 4 four-byte items.
template <>
struct Square<4> {
  static constexpr int k = 4;
  static void move(char *d, ssize dp, const char *s, ssize sp) {
    const __m128i r0 = load16(s), r1 = load16(s + sp), r2 = load16(s + 2 * sp);
    const __m128i r3 = load16(s + 3 * sp);
    const __m128i a0 = _mm_unpacklo_epi32(r0, r1), a1 = _mm_unpacklo_epi32(r2, r3);
    const __m128i a2 = _mm_unpackhi_epi32(r0, r1), a3 = _mm_unpackhi_epi32(r2, r3);
    store16(d, _mm_unpacklo_epi64(a0, a1));
    store16(d + dp, _mm_unpackhi_epi64(a0, a1));
    store16(d + 2 * dp, _mm_unpacklo_epi64(a2, a3));
    store16(d + 3 * dp, _mm_unpackhi_epi64(a2, a3));
  }
};

// 2 x 2 eight-byte items.
template <>
struct Square<8> {
  static constexpr int k = 2;
  static void move(char *d, ssize dp, const char *s, ssize sp) {
    const __m128i r0 = load16(s), r1 = load16(s + sp);
    store16(d, _mm_unpacklo_epi64(r0, r1));
    store16(d + dp, _mm_unpackhi_epi64(r0, r1));
  }
};

#endif  // __SSE2__

// ---------------------------------------------------------------------------------------------
// Plans: a direct (suboffset-free) copy, normalised.

struct Axis {
  ssize extent;  // >= 2 once in a plan
  ssize dstep;
  ssize sstep;
};

enum class Kernel : unsigned char { item, block, run, table, tile };

struct Plan {
  Kernel kernel;
  bool squares;  // tile: both sides packed along their own fastest axis (register transposes)
  bool stream;   // tile with squares, large enough to write whole lines past the caches
  int naxes;
  int table_axes;  // table: how many innermost axes the offset table enumerates
  ssize itemsize;
  ssize dst_offset;  // from the base to the first item visited (a reflected axis moves it)
  ssize src_offset;
  Axis axes[max_ndim];  // outermost first; tile: [naxes-2] is the source's fastest axis
};

/// The index (0, 0, ...): the lower corner of a whole index space.
constexpr ssize origin[max_ndim] = {};

/// A rectangular box of the index space: lo[i] <= index[i] < lo[i] + extent[i].
struct Box {
  int ndim;
  const ssize *lo;
  const ssize *extent;
  char order;  // 'C' or 'F': the sequential order, used where the order is observable
};

ssize magnitude(ssize step) {
  return abs_or_overflow(step);
}

// Sorts the axes by decreasing destination stride made positive, when the destination then
// provably writes each byte once: each axis steps past everything the faster axes reach.
// That test is sufficient, not necessary; a layout failing it keeps its sequential order,
// which is right whether or not it really aliases. Reflecting an axis (walking it backwards)
// moves the first item visited, so both offsets follow.
bool sort_by_destination(Plan &plan) {
  const int n = plan.naxes;
  unsigned char rank[max_ndim];  // positions by decreasing |dstep|, stable (insertion sort)
  for (int k = 0; k < n; ++k) {
    const ssize key = magnitude(plan.axes[k].dstep);
    int j = k;
    for (; j > 0 && magnitude(plan.axes[rank[j - 1]].dstep) < key; --j) rank[j] = rank[j - 1];
    rank[j] = static_cast<unsigned char>(k);
  }
  ssize reach = plan.itemsize;
  for (int k = n - 1; k >= 0; --k) {
    const Axis &axis = plan.axes[rank[k]];
    const ssize step = magnitude(axis.dstep);
    ssize span = 0;
    // The most negative stride has no magnitude to reflect to: keep such views sequential.
    if (step < reach || axis.dstep == PTRDIFF_MIN || axis.sstep == PTRDIFF_MIN ||
        mul_overflows(axis.extent - 1, step, &span) || add_overflows(reach, span, &reach)) {
      return false;
    }
  }
  Axis sorted[max_ndim];
  for (int k = 0; k < n; ++k) {
    Axis axis = plan.axes[rank[k]];
    if (axis.dstep < 0) {
      plan.dst_offset += (axis.extent - 1) * axis.dstep;
      plan.src_offset += (axis.extent - 1) * axis.sstep;
      axis.dstep = -axis.dstep;
      axis.sstep = -axis.sstep;
    }
    sorted[k] = axis;
  }
  for (int k = 0; k < n; ++k) plan.axes[k] = sorted[k];
  return true;
}

// Fortran order visits the first dimension fastest: the innermost axis must be the last.
void reverse_axes(Plan &plan) {
  for (int i = 0, j = plan.naxes - 1; i < j; ++i, --j) {
    const Axis swap = plan.axes[i];
    plan.axes[i] = plan.axes[j];
    plan.axes[j] = swap;
  }
}

// Merges an axis into its outer neighbour when the pair is one longer axis on both sides
// (outer step == inner extent * inner step). The visiting order is unchanged, so this is
// legal in sequential plans too.
void merge_axes(Plan &plan) {
  int n = 0;
  for (int k = 0; k < plan.naxes; ++k) {
    const Axis axis = plan.axes[k];
    if (n > 0) {
      Axis &outer = plan.axes[n - 1];
      ssize dspan = 0;
      ssize sspan = 0;
      if (!mul_overflows(axis.extent, axis.dstep, &dspan) &&
          !mul_overflows(axis.extent, axis.sstep, &sspan) && outer.dstep == dspan &&
          outer.sstep == sspan) {
        outer = Axis{outer.extent * axis.extent, axis.dstep, axis.sstep};
        continue;
      }
    }
    plan.axes[n++] = axis;
  }
  plan.naxes = n;
}

// Bytes a cache line holds; a run shorter than this on one side wastes the rest of its lines.
constexpr ssize line_bytes = 64;

// Transposes at least this large write whole destination lines with streaming stores: the
// destination would not stay cached anyway, and streaming saves reading it in first.
constexpr ssize stream_threshold = ssize{8} << 20;

// Moves axes[from] to position `to`, shifting the axes in between by one.
void move_axis(Plan &plan, int from, int to) {
  const Axis moved = plan.axes[from];
  for (int k = from; k < to; ++k) plan.axes[k] = plan.axes[k + 1];
  for (int k = from; k > to; --k) plan.axes[k] = plan.axes[k - 1];
  plan.axes[to] = moved;
}

/// The axis, other than the innermost, along which the source steps least; -1 when none
/// steps less than the innermost does (then the copy is not a transpose).
int source_fastest_axis(const Plan &plan) {
  const int n = plan.naxes;
  if (n < 2) return -1;
  int fastest = n - 2;
  for (int k = n - 3; k >= 0; --k) {
    if (magnitude(plan.axes[k].sstep) < magnitude(plan.axes[fastest].sstep)) fastest = k;
  }
  const bool transposing = magnitude(plan.axes[fastest].sstep) < magnitude(plan.axes[n - 1].sstep);
  return transposing ? fastest : -1;
}

// A transpose among short axes (neither side's fastest axis fills a cache line by itself):
// tiles of two such axes would hold a handful of items. Instead, the fewest innermost axes
// that fill a destination line stay innermost, and the source's fastest axes that fill a
// source line move just outside them, fastest innermost. The odometer then finishes one
// block of both sides' lines before it moves on.
void group_short_axes(Plan &plan) {
  const int n = plan.naxes;
  int first_inner = n;  // axes [first_inner, n) fill a destination line
  for (ssize span = plan.itemsize; first_inner > 0 && span < line_bytes;) {
    span *= plan.axes[--first_inner].extent;
  }
  int placed = first_inner;  // axes [placed, first_inner) are the chosen source axes
  for (ssize span = plan.itemsize; placed > 0 && span < line_bytes;) {
    int fastest = 0;
    for (int k = 1; k < placed; ++k) {
      if (magnitude(plan.axes[k].sstep) < magnitude(plan.axes[fastest].sstep)) fastest = k;
    }
    span *= plan.axes[fastest].extent;
    move_axis(plan, fastest, --placed);  // the later a source axis is chosen, the further out
  }
}

// Runs shorter than this many items pay more for the odometer step between them than for
// their items: their offsets are enumerated once into a table instead.
constexpr ssize short_run = 16;

// Entries of an offset table (two ssize each: 1 KiB on the stack). On the 16-dimensional
// transpose of the benchmark, tables of 32 to 1024 entries measured within this machine's
// noise of each other (1.0-1.4 ms, against 1.8 ms for the run kernel).
constexpr ssize table_capacity = 64;

// A short innermost run with an outer axis left to repeat it: as many innermost axes as fit
// in a table are enumerated once, in their sequential order, and the odometer walks only the
// axes outside them (at least one, so that the table is reused).
void choose_table(Plan &plan) {
  if (plan.axes[plan.naxes - 1].extent >= short_run) return;
  ssize entries = 1;
  int axes = 0;
  while (axes < plan.naxes - 1 &&
         entries * plan.axes[plan.naxes - 1 - axes].extent <= table_capacity) {
    entries *= plan.axes[plan.naxes - 1 - axes].extent;
    ++axes;
  }
  if (axes < 2) return;
  plan.kernel = Kernel::table;
  plan.table_axes = axes;
}

// The bytes a plan copies (representable: check_geometry bounded every view's size).
ssize plan_bytes(const Plan &plan) {
  ssize bytes = plan.itemsize;
  for (int k = 0; k < plan.naxes; ++k) bytes *= plan.axes[k].extent;
  return bytes;
}

// Which kernel copies the innermost axes. Only a free order allows moving axes for a transpose.
void choose_kernel(Plan &plan, bool order_is_free) {
  const ssize itemsize = plan.itemsize;
  plan.squares = false;
  plan.stream = false;
  if (plan.naxes == 0) {
    plan.kernel = Kernel::item;
    return;
  }
  const Axis &inner = plan.axes[plan.naxes - 1];
  if (inner.dstep == itemsize && inner.sstep == itemsize) {
    plan.kernel = Kernel::block;
    return;
  }
  plan.kernel = Kernel::run;
  const int fastest = order_is_free ? source_fastest_axis(plan) : -1;
  if (fastest >= 0) {
    const bool long_axes =
        plan.axes[fastest].extent * itemsize >= line_bytes || inner.extent * itemsize >= line_bytes;
    if (long_axes) {
      move_axis(plan, fastest, plan.naxes - 2);
      plan.kernel = Kernel::tile;
      plan.squares = plan.axes[plan.naxes - 2].sstep == itemsize &&
                     plan.axes[plan.naxes - 1].dstep == itemsize;
      plan.stream = plan.squares && plan_bytes(plan) >= stream_threshold;
      return;
    }
    group_short_axes(plan);
  }
  choose_table(plan);
  plan.stream = plan.kernel == Kernel::run && plan.axes[plan.naxes - 1].dstep == itemsize &&
                (itemsize == 4 || itemsize == 8) && plan_bytes(plan) >= stream_threshold;
}

/// Normalises dimensions [first, box.ndim) of a box with no extent 0 and no suboffset there.
/// Returns whether the order was free (the destination provably writes each byte once).
bool make_plan(const Box &box, int first, ssize itemsize, const ssize *dstrides,
               const ssize *sstrides, Plan &plan) {
  plan.itemsize = itemsize;
  plan.dst_offset = 0;
  plan.src_offset = 0;
  int n = 0;
  for (int i = first; i < box.ndim; ++i) {
    plan.dst_offset += box.lo[i] * dstrides[i];
    plan.src_offset += box.lo[i] * sstrides[i];
    if (box.extent[i] != 1) plan.axes[n++] = Axis{box.extent[i], dstrides[i], sstrides[i]};
  }
  plan.naxes = n;
  const bool order_is_free = sort_by_destination(plan);
  if (!order_is_free && box.order == 'F') reverse_axes(plan);
  merge_axes(plan);
  choose_kernel(plan, order_is_free);
  return order_is_free;
}

// ---------------------------------------------------------------------------------------------
// Running a plan.

/// Steps an odometer over the axes [first, last] (the last fastest) to its next index, moving
/// d and s (pointers or offsets) with it; false, with both back at the first index, after the
/// last one.
template <class D, class S>
bool advance(const Plan &plan, int first, int last, ssize *index, D &d, S &s) {
  for (int k = last; k >= first; --k) {
    const Axis &axis = plan.axes[k];
    if (++index[k] < axis.extent) {
      d += axis.dstep;
      s += axis.sstep;
      return true;
    }
    index[k] = 0;
    d -= (axis.extent - 1) * axis.dstep;
    s -= (axis.extent - 1) * axis.sstep;
  }
  return false;
}

/// Calls inner(d, s) once per index of the outer axes [0, outer), the last one fastest. That
/// last axis is a plain loop; an odometer steps the ones above it.
template <class Inner>
void walk(const Plan &plan, int outer, char *d, const char *s, const Inner &inner) {
  if (outer == 0) {
    inner(d, s);
    return;
  }
  const Axis last = plan.axes[outer - 1];
  ssize index[max_ndim];
  for (int k = 0; k < outer - 1; ++k) index[k] = 0;
  do {
    for (ssize i = 0; i < last.extent; ++i) inner(d + i * last.dstep, s + i * last.sstep);
  } while (advance(plan, 0, outer - 2, index, d, s));
}

// Tile edge in items: rows of 64 bytes (one cache line) for 1- and 2-byte items, 32 items
// (128 or 256 bytes) for 4- and 8-byte items, 16 otherwise. With power-of-two pitches every
// row of a tile maps to one L1 set, so taller tiles only evict themselves; the longer rows of
// 4- and 8-byte tiles give the source's prefetcher runs of 2-4 lines per row (measured on the
// 4096 x 4096 transposes: 25-35% faster than 16 x 16 tiles, 64-item edges slower again).
constexpr ssize tile_edge(ssize itemsize) {
  return itemsize <= 2 ? 64 / itemsize : itemsize <= 8 ? 32 : 16;
}

#if defined(__SSE2__)
// A whole tile of packed rows on both sides, through a local buffer: the source's tile rows
// are read whole (k of them at a time, every line used up before the next), transposed into
// the buffer, and the buffer's rows written whole to the destination, so no line of either
// side is touched twice. Streaming stores skip reading destination lines that are about to be
// overwritten entirely; only worth it past the caches (plan.stream).
template <std::size_t N>
void copy_square_tile(const Plan &plan, char *d, const char *s) {
  const Axis &across = plan.axes[plan.naxes - 2];
  const Axis &inner = plan.axes[plan.naxes - 1];
  constexpr ssize edge = tile_edge(N);
  constexpr ssize row = edge * static_cast<ssize>(N);
  constexpr int k = Square<N>::k;
  alignas(64) char buffer[edge * row];
  for (ssize j = 0; j < edge; j += k) {
    for (ssize i = 0; i < edge; i += k) {
      Square<N>::move(buffer + i * row + j * static_cast<ssize>(N), row,
                      s + i * static_cast<ssize>(N) + j * inner.sstep, inner.sstep);
    }
  }
  const bool stream =
      plan.stream && (reinterpret_cast<std::uintptr_t>(d) % 16 == 0) && across.dstep % 16 == 0;
  for (ssize i = 0; i < edge; ++i) {
    char *to = d + i * across.dstep;
    const char *from = buffer + i * row;
    if (stream) {
      for (ssize c = 0; c < row; c += 16) {
        _mm_stream_si128(reinterpret_cast<__m128i *>(to + c),
                         _mm_load_si128(reinterpret_cast<const __m128i *>(from + c)));
      }
    } else {
      std::memcpy(to, from, static_cast<std::size_t>(row));
    }
  }
}
#else
template <std::size_t N>
void copy_square_tile(const Plan &, char *, const char *) {}  // no squares without SSE2
#endif

/// One ni x nj tile: i along `across` (the source's fastest axis), j along `inner` (the
/// destination's). Whole K x K squares go through registers when both sides are packed;
/// the rest as runs along whichever axis is longer, since inside a tile both sides' lines
/// stay cached either way.
template <std::size_t N>
void copy_tile(const Plan &plan, char *d, const char *s, ssize ni, ssize nj) {
  const Axis &across = plan.axes[plan.naxes - 2];
  const Axis &inner = plan.axes[plan.naxes - 1];
  const ssize itemsize = plan.itemsize;
  ssize i = 0;
  constexpr int k = Square<N>::k;
  if constexpr (k > 0) {
    if (plan.squares && ni == tile_edge(N) && nj == tile_edge(N)) {
      copy_square_tile<N>(plan, d, s);
      return;
    }
  }
  if (k > 0 && plan.squares && ni >= k && nj >= k) {
    const ssize full_i = ni - ni % k;
    const ssize full_j = nj - nj % k;
    for (; i < full_i; i += k) {
      for (ssize j = 0; j < full_j; j += k) {
        Square<N>::move(d + i * across.dstep + j * inner.dstep, across.dstep,
                        s + i * across.sstep + j * inner.sstep, inner.sstep);
      }
      for (ssize r = i; full_j < nj && r < i + k; ++r) {
        run_items<N>(d + r * across.dstep + full_j * inner.dstep, inner.dstep,
                     s + r * across.sstep + full_j * inner.sstep, inner.sstep, nj - full_j,
                     itemsize);
      }
    }
  }
  if (ni - i > nj) {
    for (ssize j = 0; j < nj; ++j) {
      run_items<N>(d + i * across.dstep + j * inner.dstep, across.dstep,
                   s + i * across.sstep + j * inner.sstep, across.sstep, ni - i, itemsize);
    }
    return;
  }
  for (; i < ni; ++i) {
    run_items<N>(d + i * across.dstep, inner.dstep, s + i * across.sstep, inner.sstep, nj,
                 itemsize);
  }
}

// Tiles are visited in square blocks of this many items a side (at least one tile): a block
// touches that many source rows and as many destination rows, each usually on a page of its
// own when the pitch is large, and uses every byte of them before it moves on, so the TLB
// (4 KiB pages unless the memory has huge pages) holds both sides' pages for the whole block.
constexpr ssize block_edge = 128;

// The transposing kernel over the two innermost axes. Within a block, tiles go along the
// destination's fastest axis in the inner loop, so the destination is written as a few
// sequential streams while each tile's source lines stay in cache until every item in them
// has been used.
template <std::size_t N>
void copy_tiles(const Plan &plan, char *d, const char *s) {
  const Axis &across = plan.axes[plan.naxes - 2];
  const Axis &inner = plan.axes[plan.naxes - 1];
  const ssize edge = tile_edge(plan.itemsize);
  const ssize block = block_edge > edge ? block_edge : edge;
  for (ssize bi = 0; bi < across.extent; bi += block) {
    const ssize ei = across.extent - bi < block ? across.extent : bi + block;
    for (ssize bj = 0; bj < inner.extent; bj += block) {
      const ssize ej = inner.extent - bj < block ? inner.extent : bj + block;
      for (ssize i = bi; i < ei; i += edge) {
        const ssize ni = ei - i < edge ? ei - i : edge;
        for (ssize j = bj; j < ej; j += edge) {
          const ssize nj = ej - j < edge ? ej - j : edge;
          copy_tile<N>(plan, d + i * across.dstep + j * inner.dstep,
                       s + i * across.sstep + j * inner.sstep, ni, nj);
        }
      }
    }
  }
}

/// n items of N bytes (4 or 8) gathered from a stride into packed memory at d, written with
/// streaming stores 16 bytes at a time once d is 16-byte aligned (the few items before and
/// after, and a d that never aligns, go one at a time).
template <std::size_t N>
void stream_run(char *d, const char *s, ssize sstep, ssize n) {
  constexpr ssize size = static_cast<ssize>(N);
  constexpr ssize per_store = 16 / size;
  ssize i = 0;
#if defined(__SSE2__)
  while (i < n && i < per_store && reinterpret_cast<std::uintptr_t>(d + i * size) % 16 != 0) {
    std::memcpy(d + i * size, s + i * sstep, N);
    ++i;
  }
  if (reinterpret_cast<std::uintptr_t>(d + i * size) % 16 == 0) {
    for (; i + per_store <= n; i += per_store) {
      const char *from = s + i * sstep;
      __m128i v;
      if constexpr (N == 8) {
        v = _mm_unpacklo_epi64(load8(from), load8(from + sstep));
      } else {
        const __m128i low = _mm_unpacklo_epi32(load4(from), load4(from + sstep));
        const __m128i high = _mm_unpacklo_epi32(load4(from + 2 * sstep), load4(from + 3 * sstep));
        v = _mm_unpacklo_epi64(low, high);
      }
      _mm_stream_si128(reinterpret_cast<__m128i *>(d + i * size), v);
    }
  }
#endif
  for (; i < n; ++i) std::memcpy(d + i * size, s + i * sstep, N);
}

/// The offsets of every index of a plan's innermost table_axes axes, in sequential order.
/// A side whose offsets are i * itemsize (packed over those axes) is marked dense and read
/// without its column.
struct OffsetTable {
  ssize count;
  bool dense_dst;
  bool dense_src;
  ssize dst[table_capacity];
  ssize src[table_capacity];
};

void build_table(const Plan &plan, OffsetTable &table) {
  const int first = plan.naxes - plan.table_axes;
  ssize index[max_ndim];
  for (int k = first; k < plan.naxes; ++k) index[k] = 0;
  ssize d = 0;
  ssize s = 0;
  ssize n = 0;
  do {
    table.dst[n] = d;
    table.src[n] = s;
    ++n;
  } while (advance(plan, first, plan.naxes - 1, index, d, s));
  table.count = n;
  table.dense_dst = true;
  table.dense_src = true;
  for (ssize i = 0; i < n; ++i) {
    table.dense_dst = table.dense_dst && table.dst[i] == i * plan.itemsize;
    table.dense_src = table.dense_src && table.src[i] == i * plan.itemsize;
  }
}

template <std::size_t N>
void copy_table(const OffsetTable &table, char *d, const char *s, ssize itemsize) {
  const std::size_t bytes = N != 0 ? N : static_cast<std::size_t>(itemsize);
  const ssize step = static_cast<ssize>(bytes);
  if (table.dense_dst) {
    for (ssize i = 0; i < table.count; ++i) std::memcpy(d + i * step, s + table.src[i], bytes);
  } else if (table.dense_src) {
    for (ssize i = 0; i < table.count; ++i) std::memcpy(d + table.dst[i], s + i * step, bytes);
  } else {
    for (ssize i = 0; i < table.count; ++i) std::memcpy(d + table.dst[i], s + table.src[i], bytes);
  }
}

template <std::size_t N>
void run_kernel(const Plan &plan, char *d, const char *s) {
  const ssize itemsize = plan.itemsize;
  switch (plan.kernel) {
    case Kernel::item:
      std::memmove(d, s, static_cast<std::size_t>(itemsize));
      return;
    case Kernel::block: {
      const auto bytes = static_cast<std::size_t>(plan.axes[plan.naxes - 1].extent * itemsize);
      walk(plan, plan.naxes - 1, d, s,
           [bytes](char *to, const char *from) { std::memmove(to, from, bytes); });
      return;
    }
    case Kernel::run: {
      const Axis inner = plan.axes[plan.naxes - 1];
      if constexpr (N == 4 || N == 8) {
        if (plan.stream) {
          walk(plan, plan.naxes - 1, d, s, [inner](char *to, const char *from) {
            stream_run<N>(to, from, inner.sstep, inner.extent);
          });
          return;
        }
      }
      walk(plan, plan.naxes - 1, d, s, [inner, itemsize](char *to, const char *from) {
        run_items<N>(to, inner.dstep, from, inner.sstep, inner.extent, itemsize);
      });
      return;
    }
    case Kernel::table: {
      OffsetTable table;
      build_table(plan, table);
      walk(plan, plan.naxes - plan.table_axes, d, s,
           [&table, itemsize](char *to, const char *from) {
             copy_table<N>(table, to, from, itemsize);
           });
      return;
    }
    case Kernel::tile:
      walk(plan, plan.naxes - 2, d, s,
           [&plan](char *to, const char *from) { copy_tiles<N>(plan, to, from); });
      return;
  }
}

void run_plan(const Plan &plan, char *dbase, const char *sbase) {
  char *d = dbase + plan.dst_offset;
  const char *s = sbase + plan.src_offset;
  switch (plan.itemsize) {
    case 1:
      run_kernel<1>(plan, d, s);
      break;
    case 2:
      run_kernel<2>(plan, d, s);
      break;
    case 4:
      run_kernel<4>(plan, d, s);
      break;
    case 8:
      run_kernel<8>(plan, d, s);
      break;
    case 16:
      run_kernel<16>(plan, d, s);
      break;
    default:
      run_kernel<0>(plan, d, s);
  }
#if defined(__SSE2__)
  // Streaming stores are weakly ordered: fence them before anything else is written.
  if (plan.stream) _mm_sfence();
#endif
}

// ---------------------------------------------------------------------------------------------
// Boxes, suboffsets and the whole copy.

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
  int last_indirect = -1;
  bool dst_indirect = false;
  for (int i = 0; i < box.ndim; ++i) {
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

// [low, high) bytes reachable through a direct (suboffset-free) layout.
void byte_range(const Geometry &g, std::uintptr_t *low, std::uintptr_t *high) {
  ssize down = 0;
  ssize up = g.itemsize;
  for (int i = 0; i < g.ndim; ++i) {
    const ssize reach = (g.shape[i] - 1) * g.strides[i];
    if (reach < 0) {
      down += reach;
    } else {
      up += reach;
    }
  }
  const auto base = reinterpret_cast<std::uintptr_t>(g.buf);
  *low = base + static_cast<std::uintptr_t>(down);
  *high = base + static_cast<std::uintptr_t>(up);
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

}  // namespace

void packed_strides(int ndim, const ssize *shape, ssize itemsize, char order, ssize *strides) {
  // A partial product can overflow only when a later extent is 0: no item is then addressed,
  // and the strides past the overflow are written as 0.
  ssize step = itemsize;
  bool overflowed = false;
  for (int k = 0; k < ndim; ++k) {
    const int i = order == 'F' ? k : ndim - 1 - k;
    strides[i] = overflowed ? 0 : step;
    overflowed = overflowed || mul_overflows(step, shape[i], &step);
  }
}

void copy_all(int ndim, const ssize *shape, ssize itemsize, Strided dst, Strided src) {
  copy_box(Box{ndim, origin, shape, 'C'}, itemsize, dst, src);
}

void copy_prefix(int ndim, const ssize *shape, ssize count, char order, ssize itemsize, Strided dst,
                 Strided src) {
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
  ssize packed[max_ndim];
  packed_strides(src.ndim, src.shape, src.itemsize, order, packed);
  copy_all(src.ndim, src.shape, src.itemsize, Strided{dest, packed, nullptr},
           Strided{src.buf, src.strides, src.suboffsets});
}

void scatter(const Geometry &dest, const char *src, ssize count, char order) {
  ssize packed[max_ndim];
  packed_strides(dest.ndim, dest.shape, dest.itemsize, order, packed);
  copy_prefix(dest.ndim, dest.shape, count, order, dest.itemsize,
              Strided{dest.buf, dest.strides, dest.suboffsets},
              Strided{const_cast<char *>(src), packed, nullptr});
}

Status copy_between(const Geometry &dest, const Geometry &src) {
  if (src.items == 0 || same_addresses(dest, src)) return ok_status();
  const Strided to{dest.buf, dest.strides, dest.suboffsets};
  const auto itemsize = static_cast<std::size_t>(src.itemsize);
  if (!may_overlap(dest, src)) {
    copy_all(src.ndim, src.shape, src.itemsize, to, Strided{src.buf, src.strides, src.suboffsets});
    // CPython's loop visits the first item last. Where destination items share bytes, writing
    // it once more gives its result; elsewhere it rewrites the value just written.
    std::memmove(first_item(dest), first_item(src), itemsize);
    return ok_status();
  }
  // Overlapping views: every source item is read before any is written.
  const auto bytes = static_cast<std::size_t>(src.items * src.itemsize);
  char *temporary = static_cast<char *>(std::malloc(bytes));
  if (temporary == nullptr) return {Code::no_memory};
  gather(temporary, src, 'C');
  ssize packed[max_ndim];
  packed_strides(src.ndim, src.shape, src.itemsize, 'C', packed);
  copy_all(src.ndim, src.shape, src.itemsize, to, Strided{temporary, packed, nullptr});
  std::memmove(first_item(dest), temporary, itemsize);
  std::free(temporary);
  return ok_status();
}

}  // namespace pybuffer::core
