// The `chunks` kernel of the copy engine (internal, not installed): a transpose among short
// axes regrouped into a 2-D transpose of packed chunks. The plan's innermost dst_chunk_axes
// axes are packed in the destination (a destination chunk, dst_items items), the src_chunk_axes
// axes just outside them are packed in the source (a source chunk, src_items items). One tile
// is every pair of the two: its dst_items source chunks are read whole into a local buffer,
// and its src_items destination chunks written whole out of it, so every line either side
// touches is used up at once. Included by copy_kernels_impl.hpp in the level's namespace.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "assert.hpp"
#include "copy_movers.hpp"
#include "copy_plan.hpp"

namespace pybuffer::core::engine::PYBUFFER_KERNEL_LEVEL {

/// Where the chunks of one tile start: src_row[v] is the source offset of the source chunk
/// that fills destination item v of a destination chunk; dst_row[u] the destination offset
/// of the destination chunk that source item u of a source chunk goes to.
struct ChunkTable {
  ssize rows;  // destination items per destination chunk (source chunks per tile)
  ssize cols;  // source items per source chunk (destination chunks per tile)
  ssize src_row[chunk_capacity];
  ssize dst_row[chunk_capacity];
};

/// Offsets of axes [first, last) in their sequential order (the last fastest): into `out`
/// the steps along `take`, while the steps along the other side must count 0, 1, 2, ...
/// items (the axes are packed on that side: asserted).
inline ssize enumerate_chunk(const Plan &plan, int first, int last, bool take_src, ssize *out) {
  ssize index[max_ndim] = {};
  ssize taken = 0;
  ssize packed = 0;
  ssize n = 0;
  while (true) {
    PYBUFFER_ASSERT(n < chunk_capacity && packed == n * plan.itemsize);
    out[n++] = taken;
    int k = last - 1;
    for (; k >= first; --k) {
      const Axis &axis = plan.axes[k];
      const ssize along = take_src ? axis.sstep : axis.dstep;
      const ssize across = take_src ? axis.dstep : axis.sstep;
      if (++index[k] < axis.extent) {
        taken += along;
        packed += across;
        break;
      }
      index[k] = 0;
      taken -= (axis.extent - 1) * along;
      packed -= (axis.extent - 1) * across;
    }
    if (k < first) return n;
  }
}

inline void build_chunk_table(const Plan &plan, ChunkTable &table) {
  const int inner = plan.naxes - plan.dst_chunk_axes;
  table.rows = enumerate_chunk(plan, inner, plan.naxes, true, table.src_row);
  table.cols = enumerate_chunk(plan, inner - plan.src_chunk_axes, inner, false, table.dst_row);
}

/// Copies `bytes` (>= 16) from `from` to `to` as 16-byte pieces, the last one overlapping its
/// neighbour (no call per row); with streaming stores when `stream` and both the address and
/// the length allow whole 16-byte stores.
inline void copy_chunk_row(char *to, const char *from, ssize bytes, bool stream) {
  PYBUFFER_ASSERT(bytes >= 16);
#if PYBUFFER_KERNEL_SIMD
#if defined(__AVX512F__)
  // Whole lines a store: the write-combining buffers fill in one go.
  if (stream && reinterpret_cast<std::uintptr_t>(to) % 64 == 0 && bytes % 64 == 0) {
    for (ssize c = 0; c < bytes; c += 64) {
      _mm512_stream_si512(reinterpret_cast<__m512i *>(to + c), _mm512_loadu_si512(from + c));
    }
    return;
  }
#endif
  if (stream && reinterpret_cast<std::uintptr_t>(to) % 16 == 0 && bytes % 16 == 0) {
    for (ssize c = 0; c < bytes; c += 16) {
      _mm_stream_si128(reinterpret_cast<__m128i *>(to + c),
                       _mm_loadu_si128(reinterpret_cast<const __m128i *>(from + c)));
    }
    return;
  }
  // Register moves, not memcpy: the compiler would make this loop a call to memcpy, whose
  // entry costs more than a chunk of a few lines.
  for (ssize c = 0; c < bytes - 16; c += 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i *>(from + c));
    __asm__("" : "+x"(v));
    _mm_storeu_si128(reinterpret_cast<__m128i *>(to + c), v);
  }
#else
  (void)stream;
  for (ssize c = 0; c < bytes - 16; c += 16) std::memcpy(to + c, from + c, 16);
#endif
  std::memcpy(to + bytes - 16, from + bytes - 16, 16);
}

/// One tile without the buffer, for squares whose rows are whole lines: each square read from
/// its k source chunks and written to its k destination chunks, and the items past the last
/// whole squares in 4 x 4 squares where they fit (4-byte items), the rest one at a time.
/// Three passes over the buffer cost more than the caches do when the tile's lines stay
/// cached; streamed copies keep the buffer, whose reads of whole source chunks keep more
/// lines in flight (bench/RESULTS.md).
// Out of line: inlined into copy_chunk_tile, it slowed the streamed tiles there (24-dimensional
// case 8.2 -> 9.3 ms), which never run it.
template <std::size_t N>
[[gnu::noinline]] void copy_chunk_tile_direct(const ChunkTable &table, char *d, const char *s) {
  constexpr int k = Square<N>::k;
  static_assert(k > 0 && Square<N>::whole_lines, "whole-line squares only");
  constexpr ssize size = static_cast<ssize>(N);
  const ssize full_rows = table.rows - table.rows % k;
  const ssize full_cols = table.cols - table.cols % k;
  for (ssize u = 0; u < full_cols; u += k) {
    for (ssize v = 0; v < full_rows; v += k) {
      Square<N>::template put_rows<false>(TableRows<char *>{d + v * size, table.dst_row + u},
                                          TableRows<const char *>{s + u * size, table.src_row + v});
    }
  }
  // Extents of 2 and 3 make 36 x 36 tiles, a fifth of whose items lie past the whole squares:
  // one at a time, they made the 16-dimensional case 1.2-1.3x slower (bench/RESULTS.md).
  ssize quad_rows = full_rows;
  ssize quad_cols = full_cols;
#if PYBUFFER_KERNEL_SIMD
  if constexpr (N == 4) {
    static_assert(k % 4 == 0, "the whole squares end where a 4 x 4 square may start");
    quad_rows = table.rows - table.rows % 4;
    quad_cols = table.cols - table.cols % 4;
    for (ssize u = 0; u < quad_cols; u += 4) {
      for (ssize v = u < full_cols ? full_rows : 0; v < quad_rows; v += 4) {
        transpose_four_by_four(TableRows<char *>{d + v * size, table.dst_row + u},
                               TableRows<const char *>{s + u * size, table.src_row + v});
      }
    }
  }
#endif
  for (ssize u = 0; u < table.cols; ++u) {
    char *to = d + table.dst_row[u];
    const char *from = s + u * size;
    for (ssize v = u < quad_cols ? quad_rows : 0; v < table.rows; ++v) {
      std::memcpy(to + v * size, from + table.src_row[v], N);
    }
  }
}

/// One tile from d and s (the index of its first item on each side).
template <std::size_t N>
void copy_chunk_tile(const Plan &plan, const ChunkTable &table, char *d, const char *s) {
  const std::size_t bytes = N != 0 ? N : static_cast<std::size_t>(plan.itemsize);
  const ssize size = static_cast<ssize>(bytes);
  const ssize row = table.cols * size;      // a source chunk's bytes
  const ssize dst_row = table.rows * size;  // a destination chunk's bytes
  if constexpr (Square<N>::whole_lines) {
    if (!plan.stream) {
      copy_chunk_tile_direct<N>(table, d, s);
      return;
    }
  }
  PYBUFFER_ASSERT(table.rows * row <= chunk_buffer_bytes);
  alignas(64) char buffer[chunk_buffer_bytes];
  for (ssize v = 0; v < table.rows; ++v) {
    copy_chunk_row(buffer + v * row, s + table.src_row[v], row, false);
  }
  ssize u = 0;
  constexpr int k = Square<N>::k;
  if constexpr (k > 0) {
    // K destination chunks at a time: K x K squares of the buffer through registers into K
    // rows of `out`, which are then written whole to their chunks.
    constexpr ssize out_row = chunk_capacity * static_cast<ssize>(N);
    alignas(64) char out[k * out_row];
    const ssize full_rows = table.rows - table.rows % k;
    for (; u + k <= table.cols; u += k) {
      for (ssize v = 0; v < full_rows; v += k) {
        Square<N>::move(out + v * size, out_row, buffer + v * row + u * size, row);
      }
      for (int r = 0; r < k; ++r) {
        for (ssize v = full_rows; v < table.rows; ++v) {
          std::memcpy(out + r * out_row + v * size, buffer + v * row + (u + r) * size, bytes);
        }
        copy_chunk_row(d + table.dst_row[u + r], out + r * out_row, dst_row, plan.stream);
      }
    }
  }
  for (; u < table.cols; ++u) {
    char *to = d + table.dst_row[u];
    const char *from = buffer + u * size;
    for (ssize v = 0; v < table.rows; ++v) std::memcpy(to + v * size, from + v * row, bytes);
  }
}

/// The chunks kernel: every tile, the outer axes walked by an odometer (the last fastest).
/// The next tile's source chunks are prefetched while this one is copied: they lie on pages
/// of their own, where the hardware's prefetchers see too short a run to start.
template <std::size_t N>
void copy_chunks(const Plan &plan, char *d, const char *s) {
  ChunkTable table;
  build_chunk_table(plan, table);
  const int outer = plan.naxes - plan.dst_chunk_axes - plan.src_chunk_axes;
  const ssize size = N != 0 ? static_cast<ssize>(N) : plan.itemsize;
  const ssize row = table.cols * size;      // a source chunk's bytes
  const ssize dst_row = table.rows * size;  // a destination chunk's bytes
  ssize index[max_ndim] = {};
  while (true) {
    char *next_d = d;
    const char *next_s = s;
    int k = outer - 1;
    for (; k >= 0; --k) {
      const Axis &axis = plan.axes[k];
      if (++index[k] < axis.extent) {
        next_d += axis.dstep;
        next_s += axis.sstep;
        break;
      }
      index[k] = 0;
      next_d -= (axis.extent - 1) * axis.dstep;
      next_s -= (axis.extent - 1) * axis.sstep;
    }
    const bool more = k >= 0;
    if (more) {
      for (ssize v = 0; v < table.rows; ++v) {
        for (ssize c = 0; c < row; c += 64) __builtin_prefetch(next_s + table.src_row[v] + c);
      }
      // Cached destinations only: a streamed one must not be read in.
      for (ssize u = 0; u < (plan.stream ? 0 : table.cols); ++u) {
        for (ssize c = 0; c < dst_row; c += 64) {
          __builtin_prefetch(next_d + table.dst_row[u] + c, 1);
        }
      }
    }
    copy_chunk_tile<N>(plan, table, d, s);
    if (!more) return;
    d = next_d;
    s = next_s;
  }
}

}  // namespace pybuffer::core::engine::PYBUFFER_KERNEL_LEVEL
