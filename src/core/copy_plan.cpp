// Planning: a box normalised into a Plan and its kernel chosen (copy_plan.hpp). Nothing
// here touches the memory of either side.
#include "copy_plan.hpp"

#include <cstdint>

#include "assert.hpp"
#include "checked_math.hpp"

namespace pybuffer::core::engine {
namespace {

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
  PYBUFFER_ASSERT(n <= max_ndim);  // rank[] holds positions below 256
  unsigned char rank[max_ndim];    // positions by decreasing |dstep|, stable (insertion sort)
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

// Streamed 1-byte transposes whose row pitches on both sides have 1024 as a factor (3072^2,
// 4096^2) put a tile's 64 lines on each side a multiple of 1024 bytes apart, and ran at a
// quarter of memcpy in square blocks against 0.6 at pitches of 4032 or 4160; written in
// strips of destination rows they ran 1.3-1.5x faster at 3072^2 and up to 1.2x at 4096^2,
// slower at other pitches and within the caches (bench/RESULTS.md, "1-byte tiles in strips").
constexpr ssize strip_pitch_factor = 1024;

bool wants_strips(const Plan &plan) {
  const auto [across, inner] = tile_axes(plan);
  return plan.itemsize == 1 && plan.stream && across.dstep % strip_pitch_factor == 0 &&
         inner.sstep % strip_pitch_factor == 0 && across.extent >= tile_edge(1) &&
         inner.extent >= tile_edge(1);
}

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

// The smaller of an axis's two steps.
ssize near_step(const Axis &axis) {
  const ssize d = magnitude(axis.dstep);
  const ssize s = magnitude(axis.sstep);
  return d < s ? d : s;
}

// A chunk fills this many bytes when its axes allow (four lines: enough for the prefetcher).
constexpr ssize chunk_bytes = 256;

// A transpose among short axes as a 2-D transpose of packed chunks (the chunks kernel): the
// fewest innermost axes over which the destination is packed and that fill chunk_bytes, and
// outside them the axes over which the source is packed, fastest innermost. Applies when each
// chunk fills at least a line and items are at most 16 bytes (a tile fits the buffer);
// otherwise the plan keeps its kernel (the axes may have moved: the order is free).
bool choose_chunks(Plan &plan) {
  const ssize itemsize = plan.itemsize;
  if (itemsize > 16) return false;
  int first_dst = plan.naxes;
  ssize dst_items = 1;
  while (first_dst > 0 && dst_items * itemsize < chunk_bytes) {
    const Axis &axis = plan.axes[first_dst - 1];
    if (axis.dstep != dst_items * itemsize || dst_items * axis.extent > chunk_capacity) break;
    dst_items *= axis.extent;
    --first_dst;
  }
  int placed = first_dst;
  ssize src_items = 1;
  while (placed > 0 && src_items * itemsize < chunk_bytes) {
    int next = -1;
    for (int k = 0; k < placed && next < 0; ++k) {
      if (plan.axes[k].sstep == src_items * itemsize) next = k;
    }
    const ssize grown = src_items * (next < 0 ? 1 : plan.axes[next].extent);
    if (next < 0 || grown > chunk_capacity || dst_items * grown * itemsize > chunk_buffer_bytes) {
      break;
    }
    src_items = grown;
    move_axis(plan, next, --placed);
  }
  if (dst_items * itemsize < line_bytes || src_items * itemsize < line_bytes) return false;
  PYBUFFER_ASSERT(dst_items * src_items * itemsize <= chunk_buffer_bytes);
  // The outer axes, innermost those that step least on either side (stable insertion sort):
  // neighbouring tiles then share most of their pages on both sides (a Z-order walk of the
  // tiles), instead of each tile landing on fresh pages of one side.
  for (int k = 1; k < placed; ++k) {
    const Axis axis = plan.axes[k];
    const ssize key = near_step(axis);
    int j = k;
    for (; j > 0 && near_step(plan.axes[j - 1]) < key; --j) plan.axes[j] = plan.axes[j - 1];
    plan.axes[j] = axis;
  }
  plan.kernel = Kernel::chunks;
  plan.dst_chunk_axes = plan.naxes - first_dst;
  plan.src_chunk_axes = first_dst - placed;
  return true;
}

// Runs shorter than this many items pay more for the odometer step between them than for
// their items: their offsets are enumerated once into a table instead.
constexpr ssize short_run = 16;

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
  // The table holds every index of its axes, and the odometer keeps at least one outer axis.
  PYBUFFER_ASSERT(axes < plan.naxes && entries <= table_capacity);
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
  plan.strips = false;
  plan.table_axes = 0;
  plan.dst_chunk_axes = 0;
  plan.src_chunk_axes = 0;
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
      const TileAxes tile = tile_axes(plan);
      plan.squares = tile.across.sstep == itemsize && tile.inner.dstep == itemsize;
      plan.stream = plan.squares && plan_bytes(plan) >= stream_threshold;
      plan.strips = wants_strips(plan);
      PYBUFFER_ASSERT(magnitude(tile.across.sstep) < magnitude(tile.inner.sstep));
      PYBUFFER_ASSERT(magnitude(tile.inner.dstep) <= magnitude(tile.across.dstep));
      return;
    }
    if (choose_chunks(plan)) {
      plan.stream = plan_bytes(plan) >= stream_threshold;
      return;
    }
    group_short_axes(plan);
  }
  choose_table(plan);
  plan.stream = plan.kernel == Kernel::run && plan.axes[plan.naxes - 1].dstep == itemsize &&
                (itemsize == 4 || itemsize == 8) && plan_bytes(plan) >= stream_threshold;
}

// What normalisation promises the kernels: at most max_ndim axes, none of extent 0 or 1.
[[maybe_unused]] bool is_normalised(const Plan &plan) {
  if (plan.naxes < 0 || plan.naxes > max_ndim) return false;
  for (int k = 0; k < plan.naxes; ++k) {
    if (plan.axes[k].extent < 2) return false;
  }
  return true;
}

}  // namespace

bool make_plan(const Box &box, int first, ssize itemsize, const ssize *dstrides,
               const ssize *sstrides, Plan &plan) {
  plan.itemsize = itemsize;
  plan.dst_offset = 0;
  plan.src_offset = 0;
  PYBUFFER_ASSERT(0 <= first && first <= box.ndim && box.ndim <= max_ndim);
  int n = 0;
  for (int i = first; i < box.ndim; ++i) {
    PYBUFFER_ASSERT(box.extent[i] >= 1);  // an empty box is no plan: copy_box returns first
    plan.dst_offset += box.lo[i] * dstrides[i];
    plan.src_offset += box.lo[i] * sstrides[i];
    if (box.extent[i] != 1) plan.axes[n++] = Axis{box.extent[i], dstrides[i], sstrides[i]};
  }
  plan.naxes = n;
  const bool order_is_free = sort_by_destination(plan);
  if (!order_is_free && box.order == 'F') reverse_axes(plan);
  merge_axes(plan);
  PYBUFFER_ASSERT(is_normalised(plan));
  choose_kernel(plan, order_is_free);
  return order_is_free;
}

}  // namespace pybuffer::core::engine
