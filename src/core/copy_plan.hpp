// The planner of the copy engine (internal, not installed): a direct (suboffset-free) box of
// the index space normalised into a Plan, and the kernel that runs it. copy.cpp plans each
// box, copy_kernels_<level>.cpp run plans, and the unit suite checks the planner's choices.
#pragma once

#include "layout.hpp"

namespace pybuffer::core::engine {

/// One axis of a plan: how many indices, and each side's step in bytes.
struct Axis {
  ssize extent;  // >= 2 once in a plan
  ssize dstep;
  ssize sstep;
};

/// How the innermost axes are copied (the map in copy.hpp describes each).
enum class Kernel : unsigned char { item, block, run, table, tile, chunks };

/// A normalised direct copy: the kernel, its flags, and the axes it and the odometer walk.
struct Plan {
  Kernel kernel;
  bool squares;  // tile: both sides packed along their own fastest axis (register transposes)
  bool stream;   // tile with squares, or run of 4- or 8-byte items into packed memory, large
                 // enough (>= 8 MiB) to write whole lines past the caches
  bool strips;   // tile streaming whole 1-byte squares whose row pitches alias (multiples of
                 // 1024 bytes on both sides): destination rows written in strips where the
                 // level has whole-line 1-byte squares (copy_line_strips), else in blocks
  int naxes;
  int table_axes;      // table: how many innermost axes the offset table enumerates (else 0)
  int dst_chunk_axes;  // chunks: innermost axes packed in the destination (else 0)
  int src_chunk_axes;  // chunks: axes just outside those, packed in the source (else 0)
  ssize itemsize;
  ssize dst_offset;  // from the base to the first item visited (a reflected axis moves it)
  ssize src_offset;
  Axis axes[max_ndim];  // outermost first; tile: [naxes-2] is the source's fastest axis
};

/// A tile plan's two innermost axes: `across` (the source's fastest), `inner` (the
/// destination's).
struct TileAxes {
  const Axis &across;
  const Axis &inner;
};

inline TileAxes tile_axes(const Plan &plan) {
  return {plan.axes[plan.naxes - 2], plan.axes[plan.naxes - 1]};
}

// Tile edge in items: rows of 64 bytes (one cache line) for 1- and 2-byte items, 32 items
// (128 or 256 bytes) for 4- and 8-byte items, 16 otherwise. With power-of-two pitches every
// row of a tile maps to one L1 set, so taller tiles only evict themselves; the longer rows of
// 4- and 8-byte tiles give the source's prefetcher runs of 2-4 lines per row (measured on the
// 4096 x 4096 transposes: 25-35% faster than 16 x 16 tiles, 64-item edges slower again).
inline constexpr ssize tile_edge(ssize itemsize) {
  return itemsize <= 2 ? 64 / itemsize : itemsize <= 8 ? 32 : 16;
}

// Tiles of 3-byte items within the caches take 64 items a side (rows of three whole lines):
// 1024^2 ran 1.1x faster than in tiles of 32; streamed ones keep 32, as 64 ran 5% slower at
// 4096^2 (bench/RESULTS.md).
inline constexpr ssize tile_edge(ssize itemsize, bool stream) {
  return itemsize == 3 && !stream ? 64 : tile_edge(itemsize);
}

/// The index (0, 0, ...): the lower corner of a whole index space.
inline constexpr ssize origin[max_ndim] = {};

/// A rectangular box of the index space: lo[i] <= index[i] < lo[i] + extent[i].
struct Box {
  int ndim;
  const ssize *lo;
  const ssize *extent;
  char order;  // 'C' or 'F': the sequential order, used where the order is observable
};

// Entries of an offset table (two ssize each: 1 KiB on the stack). On the 16-dimensional
// transpose of the benchmark, tables of 32 to 1024 entries measured within this machine's
// noise of each other (1.0-1.4 ms, against 1.8 ms for the run kernel).
inline constexpr ssize table_capacity = 64;

// The chunks kernel: at most this many items in a chunk of either side, and a tile (both
// chunks' items) of at most this many bytes, read into a local buffer.
inline constexpr ssize chunk_capacity = 64;
inline constexpr ssize chunk_buffer_bytes = 16384;

// ---------------------------------------------------------------------------------------------
// Planning (copy_plan.cpp) and running (copy_kernels_impl.hpp per level, cpu_level.cpp).

/// Normalises dimensions [first, box.ndim) of a box into `plan`: extent-1 dimensions dropped;
/// when the destination provably writes each byte once, its strides made positive (an axis
/// walked backwards) and sorted, largest first; axes contiguous with each other on both sides
/// merged; a kernel chosen. Returns whether the order was free (the destination provably
/// writes each byte once). Assumptions: no extent 0 and no suboffset in those dimensions;
/// ndim <= max_ndim; every offset reachable through the strides is representable.
bool make_plan(const Box &box, int first, ssize itemsize, const ssize *dstrides,
               const ssize *sstrides, Plan &plan);

/// Runs the plan's kernel under an odometer over its outer axes, from dbase and sbase (the
/// box's index 0 on each side).
void run_plan(const Plan &plan, char *dbase, const char *sbase);

}  // namespace pybuffer::core::engine
