// Movers for items of odd sizes (3, 5, 6, 7, 12 bytes: not a power of two, at most 16) in
// transposing tiles (internal, not installed). Included by copy_kernels_impl.hpp inside its
// level's namespace, like copy_movers.hpp.
//
// An item of N bytes moves as one load and one store of W bytes, W the next power of two
// (4, 8 or 16): it is read wide only where the W - N bytes past it are the next item of the
// same packed source row (read, never written), and written wide only into a padded local
// buffer, never into the view. So no byte outside the views' own items is read or written.
// 3-byte items go 4 x 4 at a time through registers where the level has SSSE3's byte
// shuffle (avx2, avx512); at avx512, whole tiles within the caches go 16 x 16 at a time
// through AVX-512 registers instead. Measured on the 4096 x 4096 3-byte transpose
// (bench/RESULTS.md, "odd item sizes"): a run-time-size memcpy per item ran at 0.07 of memcpy;
// fixed-size moves walking the source by columns at about 0.15; this buffer with one wide move per
// item, prefetched rows and streaming stores at 0.23, and with the register squares 0.29.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "copy_plan.hpp"

#if PYBUFFER_KERNEL_SIMD
#include <emmintrin.h>
#endif
#if PYBUFFER_KERNEL_SIMD && defined(__SSSE3__)
#include <tmmintrin.h>
#endif

namespace pybuffer::core::engine::PYBUFFER_KERNEL_LEVEL {

/// Whether run_plan gives items of N bytes fixed-size movers of their own (odd sizes).
constexpr bool is_odd_item(std::size_t n) {
  return n == 3 || n == 5 || n == 6 || n == 7 || n == 12;
}

/// The width of one wide move of an N-byte item: the next power of two.
template <std::size_t N>
constexpr std::size_t wide_bytes() {
  static_assert(N > 2 && N < 16 && (N & (N - 1)) != 0, "odd sizes only");
  return N <= 4 ? 4 : N <= 8 ? 8 : 16;
}

/// W bytes from s to d (W - N past the item on both sides; see the top of this file).
template <std::size_t N>
inline void move_wide(char *d, const char *s) {
  constexpr std::size_t w = wide_bytes<N>();
  unsigned char value[w];
  std::memcpy(value, s, w);
  std::memcpy(d, value, w);
}

/// Asks for the `bytes` at `row` (at most a few lines) to be brought into L1: called with the
/// same row of the next tile along j (copy_tiles' inner loop), since each tile row is on a
/// page of its own, out of the hardware prefetcher's reach. A prefetch is a hint: it never
/// faults and reads nothing into the program, whether or not the address is in the view.
/// (An address, not a pointer: the row may lie past the view.)
inline void prefetch_row([[maybe_unused]] std::uintptr_t row, [[maybe_unused]] ssize bytes) {
#if PYBUFFER_KERNEL_SIMD
  const auto last = static_cast<std::uintptr_t>(bytes - 1);
  for (std::uintptr_t c = 0; c < last; c += 64) {
    _mm_prefetch(reinterpret_cast<const char *>(row + c), _MM_HINT_T0);
  }
  _mm_prefetch(reinterpret_cast<const char *>(row + last), _MM_HINT_T0);
#endif
}

/// Items [first, ni) of a packed source row into column j of a tile buffer (`to`: its row 0):
/// wide while the source item has a next one in the row, the last one exactly.
template <std::size_t N, ssize Pitch>
inline void row_into_column(char *to, const char *from, ssize first, ssize ni) {
  constexpr auto size = static_cast<ssize>(N);
  ssize i = first;
  for (; i + 1 < ni; ++i) move_wide<N>(to + i * Pitch, from + i * size);
  if (i < ni) std::memcpy(to + i * Pitch, from + i * size, N);
}

#if PYBUFFER_KERNEL_SIMD && defined(__SSSE3__)
/// 3-byte items, 4 source rows at a time, through registers (levels with SSSE3's byte
/// shuffle): 4 items of each row (16 bytes read, 12 used, while the 4 past them are items of
/// the row) are spread to one 4-byte lane each, the 4 x 4 lanes transposed as 4-byte items
/// are, and each result packed back to 12 bytes and stored as 16 into the buffer (the 4
/// past them are the next columns, written later, or the row's padding). The rest of each
/// row, and rows past the last group of 4, go item by item. Returns the rows done.
template <ssize Pitch>
ssize squares_of_three_bytes(char *buffer, const char *s, ssize spitch, ssize ni, ssize nj,
                             ssize edge) {
  const __m128i spread = _mm_setr_epi8(0, 1, 2, -1, 3, 4, 5, -1, 6, 7, 8, -1, 9, 10, 11, -1);
  const __m128i pack = _mm_setr_epi8(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, -1, -1, -1, -1);
  ssize j = 0;
  for (; j + 4 <= nj; j += 4) {
    const char *r0 = s + j * spitch;
    for (int r = 0; r < 4; ++r) {
      prefetch_row(
          reinterpret_cast<std::uintptr_t>(r0) + static_cast<std::uintptr_t>((edge + r) * spitch),
          edge * 3);
    }
    char *to = buffer + j * 3;
    ssize i = 0;
    for (; i + 6 <= ni; i += 4) {  // bytes [3i, 3i + 16) lie within items i..i+5
      const __m128i a = _mm_shuffle_epi8(load16(r0 + i * 3), spread);
      const __m128i b = _mm_shuffle_epi8(load16(r0 + spitch + i * 3), spread);
      const __m128i c = _mm_shuffle_epi8(load16(r0 + 2 * spitch + i * 3), spread);
      const __m128i d = _mm_shuffle_epi8(load16(r0 + 3 * spitch + i * 3), spread);
      const __m128i ab_low = _mm_unpacklo_epi32(a, b), cd_low = _mm_unpacklo_epi32(c, d);
      const __m128i ab_high = _mm_unpackhi_epi32(a, b), cd_high = _mm_unpackhi_epi32(c, d);
      store16(to + i * Pitch, _mm_shuffle_epi8(_mm_unpacklo_epi64(ab_low, cd_low), pack));
      store16(to + (i + 1) * Pitch, _mm_shuffle_epi8(_mm_unpackhi_epi64(ab_low, cd_low), pack));
      store16(to + (i + 2) * Pitch, _mm_shuffle_epi8(_mm_unpacklo_epi64(ab_high, cd_high), pack));
      store16(to + (i + 3) * Pitch, _mm_shuffle_epi8(_mm_unpackhi_epi64(ab_high, cd_high), pack));
    }
    for (int r = 0; r < 4; ++r) row_into_column<3, Pitch>(to + r * 3, r0 + r * spitch, i, ni);
  }
  return j;
}
#endif

#if PYBUFFER_KERNEL_SIMD && defined(__AVX512BW__)
/// A 16 x 16 square of 3-byte items through AVX-512 registers (the avx512 level): each
/// source row's 16 items (48 bytes, loaded under a mask, so nothing past them is read) are
/// spread to one 4-byte lane each (whole 12-byte groups to their 128-bit lane, then bytes
/// within it), the 16 x 16 lanes transposed as Square<4>'s are, and each result packed back
/// to 48 bytes and stored as 64 into buffer row i, Pitch bytes apart (the caller places the
/// 16 past them). Each source row's line `ahead` bytes on (the next tile's) is prefetched.
// The shuffle constants below are loaded from read-only data, not computed. Built once per
// tile and passed in, or with each tile row prefetched once ahead of the squares instead of
// here, the 1024^2 case ran 5-35% slower (bench/RESULTS.md), so both stay as they are.
template <ssize Pitch>
void whole_square_of_three_bytes(char *buffer, const char *s, ssize spitch, ssize ahead) {
  // Byte shuffles within each 128-bit lane, as four-byte words (little-endian): spread puts
  // bytes 0-2, 3-5, 6-8, 9-11 into words 0-3 (0xff: zero); pack is its inverse.
  const __m512i group_to_lane =
      _mm512_setr_epi32(0, 1, 2, 2, 3, 4, 5, 5, 6, 7, 8, 8, 9, 10, 11, 11);
  const auto lanes = [](int a, int b, int c, int d) {
    return _mm512_setr_epi32(a, b, c, d, a, b, c, d, a, b, c, d, a, b, c, d);
  };
  const __m512i spread = lanes(static_cast<int>(0xff020100u), static_cast<int>(0xff050403u),
                               static_cast<int>(0xff080706u), static_cast<int>(0xff0b0a09u));
  const __m512i pack = lanes(0x04020100, 0x09080605, 0x0e0d0c0a, -1);
  const __m512i lane_to_group =
      _mm512_setr_epi32(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 15, 15, 15, 15);
  // GCC 12's unmasked permutes start from an "undefined" vector that -Wuninitialized reports.
  const auto permute = [](__m512i index, __m512i v) {
    return _mm512_mask_permutexvar_epi32(v, 0xffff, index, v);
  };
  constexpr __mmask16 items = 0x0fff;  // the 12 four-byte words of 16 items
  const auto row = [&](int r) {
    prefetch_row(
        reinterpret_cast<std::uintptr_t>(s + r * spitch) + static_cast<std::uintptr_t>(ahead), 48);
    const __m512i bytes = _mm512_maskz_loadu_epi32(items, s + r * spitch);
    return _mm512_shuffle_epi8(permute(group_to_lane, bytes), spread);
  };
  __m512i u[16];
  for (int g = 0; g < 4; ++g) {
    interleave_four(row(4 * g), row(4 * g + 1), row(4 * g + 2), row(4 * g + 3), u + 4 * g);
  }
  __m512i out[16];
  gather_lanes<4>(u, out);
  for (int i = 0; i < 16; ++i) {
    _mm512_storeu_si512(buffer + i * Pitch,
                        permute(lane_to_group, _mm512_shuffle_epi8(out[i], pack)));
  }
}
#endif

/// An ni x nj tile (ni, nj <= E) of N-byte items whose source is packed along i (source item
/// (i, j) at s + i * N + j * spitch) and whose destination is packed along j (destination item
/// (i, j) at d + i * dpitch + j * N). Each source row is read once, front to back, into the
/// columns of a local buffer, whose rows then go out whole: walking the source by columns
/// instead touched every line of a tile's rows once per item, and rows of a power-of-two
/// pitch all fall into one L1 set. The buffer's rows are padded, so stores into it may always
/// be wide; loads are wide while the source item has a next one in its tile row.
template <std::size_t N, ssize E>
void copy_odd_tile(char *d, ssize dpitch, const char *s, ssize spitch, ssize ni, ssize nj,
                   bool stream) {
  constexpr auto size = static_cast<ssize>(N);
  constexpr ssize pitch = E * size + 16;  // padding >= the widest overhang (16 - 12 bytes)
  alignas(64) char buffer[E * pitch];
  ssize j = 0;
#if PYBUFFER_KERNEL_SIMD && defined(__AVX512BW__)
  if constexpr (N == 3 && E == tile_edge(3, false)) {
    // Whole tiles within the caches (the only ones of this edge): 1.4-1.5x faster than the
    // 4 x 4 squares below at 512^2-1600^2; past them (stream) slower, 6.5 against 4.9 ms at
    // 4096^2, so not there (bench/RESULTS.md).
    static_assert(E % 16 == 0, "whole 16 x 16 squares");
    if (!stream && ni == E && nj == E) {
      // Squares left to right along the buffer rows: each one's 16-byte overhang lands where
      // the next one writes afterwards, or in the row's padding.
      static_assert(pitch >= E * 3 + 16, "room for the last square's overhang");
      for (ssize j0 = 0; j0 < E; j0 += 16) {
        for (ssize i0 = 0; i0 < E; i0 += 16) {
          whole_square_of_three_bytes<pitch>(buffer + i0 * pitch + j0 * 3, s + i0 * 3 + j0 * spitch,
                                             spitch, E * spitch);
        }
      }
      j = nj;
    }
  }
#endif
#if PYBUFFER_KERNEL_SIMD && defined(__SSSE3__)
  if constexpr (N == 3) {
    if (j == 0) j = squares_of_three_bytes<pitch>(buffer, s, spitch, ni, nj, E);
  }
#endif
  for (; j < nj; ++j) {
    const char *from = s + j * spitch;
    prefetch_row(reinterpret_cast<std::uintptr_t>(from) + static_cast<std::uintptr_t>(E * spitch),
                 E * size);
    row_into_column<N, pitch>(buffer + j * size, from, 0, ni);
  }
  if (nj == E) {
#if PYBUFFER_KERNEL_SIMD
    // Whole rows of a whole tile at 16-byte aligned destinations: streaming stores skip
    // reading the destination lines in (plan.stream: a copy past the caches).
    constexpr ssize row_bytes = E * size;
    if (stream && row_bytes % 16 == 0 && reinterpret_cast<std::uintptr_t>(d) % 16 == 0 &&
        dpitch % 16 == 0) {
      for (ssize i = 0; i < ni; ++i) {
        for (ssize c = 0; c < row_bytes; c += 16) {
          _mm_stream_si128(
              reinterpret_cast<__m128i *>(d + i * dpitch + c),
              _mm_loadu_si128(reinterpret_cast<const __m128i *>(buffer + i * pitch + c)));
        }
      }
      return;
    }
#else
    static_cast<void>(stream);  // no streaming stores without SSE2
#endif
    for (ssize i = 0; i < ni; ++i)
      std::memcpy(d + i * dpitch, buffer + i * pitch, static_cast<std::size_t>(E) * N);
    return;
  }
  const auto row = static_cast<std::size_t>(nj * size);
  for (ssize i = 0; i < ni; ++i) std::memcpy(d + i * dpitch, buffer + i * pitch, row);
}

}  // namespace pybuffer::core::engine::PYBUFFER_KERNEL_LEVEL
