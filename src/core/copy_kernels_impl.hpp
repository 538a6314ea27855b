// Running a plan (copy_plan.hpp): the odometer over the outer axes and the kernels for the
// innermost ones (item, block, run, table, tile), each specialised by item size.
//
// Included once by each copy_kernels_<level>.cpp, which defines first
//   PYBUFFER_KERNEL_LEVEL  the level's namespace (portable, sse2, avx2, avx512), and
//   PYBUFFER_KERNEL_SIMD   0 for plain C++, else 1 (SSE2 intrinsics; the file's own compiler
//                          flags say which wider instructions the compiler may add).
// Everything here lives in that namespace (the kernels in an anonymous one inside it), so no
// inline function compiled for one level can be merged by the linker into another level.
#pragma once

#if !defined(PYBUFFER_KERNEL_LEVEL) || !defined(PYBUFFER_KERNEL_SIMD)
#error "include copy_kernels_impl.hpp from a copy_kernels_<level>.cpp only"
#endif

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <utility>

#include "assert.hpp"
#include "copy_chunks.hpp"
#include "copy_movers.hpp"
#include "copy_odd_movers.hpp"
#include "copy_plan.hpp"

namespace pybuffer::core::engine::PYBUFFER_KERNEL_LEVEL {
namespace {

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
  PYBUFFER_ASSERT(0 <= outer && outer <= plan.naxes);
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

#if PYBUFFER_KERNEL_SIMD
// A whole tile of packed rows on both sides, through a local buffer: the source's tile rows
// are read whole (k of them at a time, every line used up before the next), transposed into
// the buffer, and the buffer's rows written whole to the destination, so no line of either
// side is touched twice. Streaming stores skip reading destination lines that are about to be
// overwritten entirely; only worth it past the caches (plan.stream).
template <std::size_t N>
void copy_square_tile(const Plan &plan, char *d, const char *s) {
  const auto [across, inner] = tile_axes(plan);
  constexpr ssize edge = tile_edge(N);
  constexpr ssize row = edge * static_cast<ssize>(N);
  constexpr int k = Square<N>::k;
  static_assert(edge * row <= 8192 && edge % k == 0, "a tile buffer of whole squares, <= 8 KiB");
  if constexpr (Square<N>::whole_lines) {
    // Each square row is a whole destination line: no buffer, the squares go straight out.
    // Tile corners are whole squares apart, so one 64-byte aligned corner aligns them all.
    static_assert(k * N == 64, "square rows are cache lines");
    const bool stream =
        plan.stream && (reinterpret_cast<std::uintptr_t>(d) % 64 == 0) && across.dstep % 64 == 0;
    for (ssize j = 0; j < edge; j += k) {
      for (ssize i = 0; i < edge; i += k) {
        char *to = d + i * across.dstep + j * static_cast<ssize>(N);
        const char *from = s + i * static_cast<ssize>(N) + j * inner.sstep;
        if (stream) {
          Square<N>::template put<true>(to, across.dstep, from, inner.sstep);
        } else {
          Square<N>::template put<false>(to, across.dstep, from, inner.sstep);
        }
      }
    }
    return;
  }
  if constexpr (LineRows<N>::available) {
    static_assert(row == 64, "whole 64-byte lines on both sides");
    const bool stream =
        plan.stream && (reinterpret_cast<std::uintptr_t>(d) % 64 == 0) && across.dstep % 64 == 0;
    if (stream) {
      LineRows<N>::template put<true>(d, across.dstep, s, inner.sstep);
    } else {
      LineRows<N>::template put<false>(d, across.dstep, s, inner.sstep);
    }
    return;
  }
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
  const auto [across, inner] = tile_axes(plan);
  const ssize itemsize = plan.itemsize;
  ssize i = 0;
  constexpr int k = Square<N>::k;
  if constexpr (k > 0) {
    if (plan.squares && ni == tile_edge(N) && nj == tile_edge(N)) {
      copy_square_tile<N>(plan, d, s);
      return;
    }
  }
  if constexpr (is_odd_item(N)) {
    if (plan.squares) {
      if constexpr (tile_edge(N, false) != tile_edge(N)) {
        if (!plan.stream) {
          copy_odd_tile<N, tile_edge(N, false)>(d, across.dstep, s, inner.sstep, ni, nj, false);
          return;
        }
      }
      copy_odd_tile<N, tile_edge(N)>(d, across.dstep, s, inner.sstep, ni, nj, plan.stream);
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
// Whole-line squares (copy_wide_squares.hpp) leave no buffer pass to hide the page walks
// behind: their blocks span a whole 4 KiB page of each row on both sides (2 x 1024 pages for
// 4-byte items, more than the first-level TLB holds but within the second's), which measured
// faster than 128 x 128 on the 4096 x 4096 transposes (bench/RESULTS.md, helper `wide`).
// Whole 1-byte tiles (LineRows<1>) take 1024 rows a side too, a quarter of a page of each
// (faster than 128 to 512 and than 4096: bench/RESULTS.md, helper `bytes`).
template <std::size_t N>
constexpr ssize page_block_edge = N == 1   ? 1024
                                  : N != 0 ? 4096 / static_cast<ssize>(N)
                                           : block_edge;

// Streamed 1-byte tiles at aliasing row pitches (plan.strips, chosen in copy_plan.cpp where
// the measurements are cited): the column of tiles down a strip of line_strip destination
// items goes into a stack buffer, then each of their 64 destination rows gets its line_strip
// bytes back to back, so the destination is written as one row at a time rather than 64
// rows a multiple of 1024 bytes apart.
constexpr ssize line_strip = 512;
// Where the source pitch is a multiple of 4096 bytes (the L1 cache's way: all 64 rows of a
// tile in one set), the strip's source rows are first copied stage_width items at a time into
// a staging block whose pitch is an odd number of lines, so a tile's rows lie in 64 different
// sets, and each source row is read as a run of lines rather than one line per tile. 4096^2
// and 8192^2 ran 1.1-1.3x faster staged, 1.35-1.55x into a destination that is not line
// aligned (a bytes object's); 3072^2 (rows in four sets) 1.1x slower, so staged there only
// into such a destination, where it ran 1.3x faster (bench/RESULTS.md, "Staged strips",
// where other widths and strips are measured).
constexpr ssize stage_pitch_factor = 4096;
constexpr ssize stage_width = 512;
constexpr ssize stage_pitch = stage_width + 64;
static_assert(stage_pitch / 64 % 2 == 1, "an odd number of lines");

// One whole stage of a strip: line_strip source rows (spitch bytes apart) of stage_width
// items each, staged, transposed into `buffer` and written to stage_width destination rows
// (dpitch bytes apart; Stream: d and dpitch 64-byte aligned). Every extent and pitch but the
// two sides' is a constant here, which measured 1.1x faster than the general loop below.
// Rows not line aligned are written plainly: streaming their whole lines, with masked plain
// stores at their ends, ran 1.1-1.25x slower.
template <std::size_t N, bool Stream>
[[gnu::noinline]] void copy_whole_stage(char *d, ssize dpitch, const char *s, ssize spitch,
                                        char *stage, char *buffer) {
  constexpr ssize edge = tile_edge(N);
  constexpr ssize strip_bytes = line_strip * static_cast<ssize>(N);
  constexpr ssize pitch = stage_pitch * static_cast<ssize>(N);
  for (ssize r = 0; r < line_strip; ++r) {
    LineRows<N>::copy_lines(stage + r * pitch, s + r * spitch,
                            std::make_index_sequence<stage_width * N / 64>{});
  }
  for (ssize i = 0; i < stage_width; i += edge) {
    for (ssize j = 0; j < line_strip; j += edge) {
      LineRows<N>::template put<false>(buffer + j * static_cast<ssize>(N), strip_bytes,
                                       stage + j * pitch + i * static_cast<ssize>(N), pitch);
    }
    for (ssize r = 0; r < edge; ++r) {
      if constexpr (Stream) {
        LineRows<N>::stream_lines(d + (i + r) * dpitch, buffer + r * strip_bytes, strip_bytes);
      } else {
        std::memcpy(d + (i + r) * dpitch, buffer + r * strip_bytes, strip_bytes);
      }
    }
  }
}

template <std::size_t N>
void copy_line_strips(const Plan &plan, char *d, const char *s) {
  const auto [across, inner] = tile_axes(plan);
  constexpr ssize edge = tile_edge(N);
  constexpr ssize strip_bytes = line_strip * static_cast<ssize>(N);
  static_assert(line_strip % edge == 0 && stage_width % edge == 0, "strips of whole tiles");
  PYBUFFER_ASSERT(plan.squares && plan.stream && across.dstep % 64 == 0 && across.extent >= edge &&
                  inner.extent >= edge && across.sstep == static_cast<ssize>(N));
  alignas(64) char buffer[edge * strip_bytes];  // 32 KiB for 1-byte items
  // Every run starts a multiple of 64 bytes after d: the pitch is one (asserted above), and so
  // is a strip's width in bytes.
  static_assert(strip_bytes % 64 == 0, "strips of whole destination lines");
  const bool line_aligned = reinterpret_cast<std::uintptr_t>(d) % 64 == 0;
  // 288 KiB, too much for the stack of every thread that may call in. Without it (not
  // wanted, or malloc failed) the tiles read the source directly: slower, the same bytes.
  constexpr std::size_t stage_bytes = line_strip * stage_pitch * N;
  static_assert(stage_bytes % 64 == 0, "aligned_alloc takes whole multiples of the alignment");
  const bool has_whole_stage = inner.extent >= line_strip && across.extent >= stage_width;
  char *const stage = has_whole_stage && (inner.sstep % stage_pitch_factor == 0 || !line_aligned)
                          ? static_cast<char *>(std::aligned_alloc(64, stage_bytes))
                          : nullptr;
  for (ssize bj = 0; bj < inner.extent; bj += line_strip) {
    const ssize ej = inner.extent - bj < line_strip ? inner.extent : bj + line_strip;
    const ssize whole = (ej - bj) - (ej - bj) % edge;  // items of the strip in whole tiles
    const ssize run = whole * static_cast<ssize>(N);   // bytes a destination row gets
    ssize i = 0;
    if (stage != nullptr && whole == line_strip) {
      for (; across.extent - i >= stage_width; i += stage_width) {
        char *to = d + i * across.dstep + bj * inner.dstep;
        const char *from = s + i * across.sstep + bj * inner.sstep;
        if (line_aligned) {
          copy_whole_stage<N, true>(to, across.dstep, from, inner.sstep, stage, buffer);
        } else {
          copy_whole_stage<N, false>(to, across.dstep, from, inner.sstep, stage, buffer);
        }
      }
    }
    // What whole stages leave (all of a strip without them): tiles read from the source.
    for (; i < across.extent; i += edge) {
      const ssize ni = across.extent - i < edge ? across.extent - i : edge;
      if (ni == edge && whole > 0) {
        for (ssize j = bj; j < bj + whole; j += edge) {
          LineRows<N>::template put<false>(buffer + (j - bj) * static_cast<ssize>(N), run,
                                           s + i * across.sstep + j * inner.sstep, inner.sstep);
        }
        for (ssize r = 0; r < edge; ++r) {
          char *to = d + (i + r) * across.dstep + bj * inner.dstep;
          if (line_aligned) {
            LineRows<N>::stream_lines(to, buffer + r * run, run);
          } else {
            std::memcpy(to, buffer + r * run, static_cast<std::size_t>(run));
          }
        }
      }
      // What the whole tiles leave: a partial tile at the strip's end, or the last few rows.
      for (ssize j = ni == edge ? bj + whole : bj; j < ej; j += edge) {
        const ssize nj = ej - j < edge ? ej - j : edge;
        copy_tile<N>(plan, d + i * across.dstep + j * inner.dstep,
                     s + i * across.sstep + j * inner.sstep, ni, nj);
      }
    }
  }
  std::free(stage);
}

// The transposing kernel over the two innermost axes. Within a block, tiles go along the
// destination's fastest axis in the inner loop, so the destination is written as a few
// sequential streams while each tile's source lines stay in cache until every item in them
// has been used.
template <std::size_t N>
void copy_tiles(const Plan &plan, char *d, const char *s) {
  const auto [across, inner] = tile_axes(plan);
  const ssize edge = tile_edge(plan.itemsize, plan.stream);
  if constexpr (LineRows<N>::available) {
    if (plan.strips) {
      copy_line_strips<N>(plan, d, s);
      return;
    }
  }
  const ssize wanted = plan.squares && (Square<N>::whole_lines || LineRows<N>::available)
                           ? page_block_edge<N>
                           : block_edge;
  const ssize block = wanted > edge ? wanted : edge;
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
    PYBUFFER_ASSERT(n < table_capacity);  // choose_table sized the axes to fit
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
  // Each kernel's innermost axes exist: one for block and run, table_axes (>= 2, with an
  // outer axis left) for table, two for tile.
  PYBUFFER_ASSERT(plan.kernel == Kernel::item || plan.naxes >= 1);
  PYBUFFER_ASSERT(plan.kernel != Kernel::table ||
                  (plan.table_axes >= 2 && plan.table_axes < plan.naxes));
  PYBUFFER_ASSERT(plan.kernel != Kernel::tile || plan.naxes >= 2);
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
    case Kernel::chunks:
      copy_chunks<N>(plan, d, s);
      return;
    case Kernel::tile:
      walk(plan, plan.naxes - 2, d, s,
           [&plan](char *to, const char *from) { copy_tiles<N>(plan, to, from); });
      return;
  }
}

}  // namespace

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
    // Odd sizes get fixed-size movers too (copy_odd_movers.hpp).
    case 3:
      run_kernel<3>(plan, d, s);
      break;
    case 5:
      run_kernel<5>(plan, d, s);
      break;
    case 6:
      run_kernel<6>(plan, d, s);
      break;
    case 7:
      run_kernel<7>(plan, d, s);
      break;
    case 12:
      run_kernel<12>(plan, d, s);
      break;
    default:
      run_kernel<0>(plan, d, s);
  }
#if PYBUFFER_KERNEL_SIMD
  // Streaming stores are weakly ordered: fence them before anything else is written.
  if (plan.stream) _mm_sfence();
#endif
}

}  // namespace pybuffer::core::engine::PYBUFFER_KERNEL_LEVEL
