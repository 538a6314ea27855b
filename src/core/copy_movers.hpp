// Item movers of the copy engine (internal, not installed): loops and SSE2 register
// transposes that move items of N bytes (0: any size, given at run time). They know nothing of
// plans; copy_kernels_impl.hpp calls them, once per CPU level (in that level's namespace, see
// there).
//
// Assumptions: every address they are given holds an item of the view (the planner and the
// kernels did the bounds); source and destination bytes are disjoint.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "layout.hpp"

#if PYBUFFER_KERNEL_SIMD
#include <emmintrin.h>
#endif

namespace pybuffer::core::engine::PYBUFFER_KERNEL_LEVEL {

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

// whole_lines: each of its rows is one 64-byte cache line, and put<Stream> writes it straight
// to the destination (streaming stores: d and dp 64-byte aligned); put_rows<Stream> does the
// same for rows anywhere, each side's rows given by one of these:

/// Row r at base + r * pitch (put's rows).
template <class Pointer>
struct PitchedRows {
  Pointer base;
  ssize pitch;
  Pointer operator()(int r) const { return base + r * pitch; }
};
/// Row r at base + offsets[r] (the chunks kernel's rows, wherever its chunks lie).
template <class Pointer>
struct TableRows {
  Pointer base;
  const ssize *offsets;
  Pointer operator()(int r) const { return base + offsets[r]; }
};

template <std::size_t N>
struct Square {
  static constexpr int k = 0;
  static constexpr bool whole_lines = false;
  static void move(char *, ssize, const char *, ssize) {}
};

// LineRows<N>::put<Stream>(d, dp, s, sp): a whole tile of 64 x 64 bytes, 64 source rows of one
// 64-byte line each (sp bytes apart) into 64 destination lines (dp bytes apart; streaming
// stores: d and dp 64-byte aligned): the whole-line squares' 1-byte case
// (copy_wide_squares.hpp). available: false where there is none.
template <std::size_t N>
struct LineRows {
  static constexpr bool available = false;
  template <bool Stream>
  static void put(char *, ssize, const char *, ssize) {}
};

#if PYBUFFER_KERNEL_SIMD

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
/// A 4 x 4 square of 4-byte items through SSE2 registers: rows from(0..3) (16 bytes each)
/// become rows to(0..3), to(r) being column r (rows given as PitchedRows or TableRows).
template <class DstRows, class SrcRows>
inline void transpose_four_by_four(DstRows to, SrcRows from) {
  const __m128i r0 = load16(from(0)), r1 = load16(from(1)), r2 = load16(from(2));
  const __m128i r3 = load16(from(3));
  const __m128i a0 = _mm_unpacklo_epi32(r0, r1), a1 = _mm_unpacklo_epi32(r2, r3);
  const __m128i a2 = _mm_unpackhi_epi32(r0, r1), a3 = _mm_unpackhi_epi32(r2, r3);
  store16(to(0), _mm_unpacklo_epi64(a0, a1));
  store16(to(1), _mm_unpackhi_epi64(a0, a1));
  store16(to(2), _mm_unpacklo_epi64(a2, a3));
  store16(to(3), _mm_unpackhi_epi64(a2, a3));
}

/// 16 rows of bytes transposed within each 128-bit lane, at any register width: four rounds
/// of interleaving row i bytewise with row i + 8 (row 2i the low halves, row 2i + 1 the high
/// ones, `low` and `high` the width's byte unpacks); after log2(16) rounds x[c] holds, in each
/// lane L, column 16L + c of the 16 rows.
template <class Vec, class Low, class High>
__attribute__((always_inline)) inline void transpose_byte_lanes(Vec (&x)[16], Low low, High high) {
  for (int round = 0; round < 4; ++round) {
    Vec y[16];
    for (int i = 0; i < 8; ++i) {
      y[2 * i] = low(x[i], x[i + 8]);
      y[2 * i + 1] = high(x[i], x[i + 8]);
    }
    for (int r = 0; r < 16; ++r) x[r] = y[r];
  }
}

// 16 x 16 one-byte items: one 128-bit lane transposed.
template <>
struct Square<1> {
  static constexpr int k = 16;
  static constexpr bool whole_lines = false;
  static void move(char *d, ssize dp, const char *s, ssize sp) {
    __m128i x[16];
    for (int r = 0; r < 16; ++r) x[r] = load16(s + r * sp);
    transpose_byte_lanes(
        x, [](__m128i a, __m128i b) { return _mm_unpacklo_epi8(a, b); },
        [](__m128i a, __m128i b) { return _mm_unpackhi_epi8(a, b); });
    for (int r = 0; r < 16; ++r) store16(d + r * dp, x[r]);
  }
};

// 8 x 8 two-byte items: interleaved by items, pairs, then quads.
template <>
struct Square<2> {
  static constexpr int k = 8;
  static constexpr bool whole_lines = false;
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

#if !defined(__AVX512F__)  // the avx512 level's wider squares: copy_wide_squares.hpp
// 4 x 4 four-byte items.
template <>
struct Square<4> {
  static constexpr int k = 4;
  static constexpr bool whole_lines = false;
  static void move(char *d, ssize dp, const char *s, ssize sp) {
    transpose_four_by_four(PitchedRows<char *>{d, dp}, PitchedRows<const char *>{s, sp});
  }
};
#endif

#if !defined(__AVX2__)  // the avx2 and avx512 levels' wider squares: copy_wide_squares.hpp

// 2 x 2 eight-byte items.
template <>
struct Square<8> {
  static constexpr int k = 2;
  static constexpr bool whole_lines = false;
  static void move(char *d, ssize dp, const char *s, ssize sp) {
    const __m128i r0 = load16(s), r1 = load16(s + sp);
    store16(d, _mm_unpacklo_epi64(r0, r1));
    store16(d + dp, _mm_unpackhi_epi64(r0, r1));
  }
};
#endif

#endif  // PYBUFFER_KERNEL_SIMD

}  // namespace pybuffer::core::engine::PYBUFFER_KERNEL_LEVEL

#if PYBUFFER_KERNEL_SIMD && defined(__AVX2__)
#include "copy_wide_squares.hpp"
#endif

namespace pybuffer::core::engine::PYBUFFER_KERNEL_LEVEL {

/// n items of N bytes (4 or 8) gathered from a stride into packed memory at d, written with
/// streaming stores 16 bytes at a time once d is 16-byte aligned (the few items before and
/// after, and a d that never aligns, go one at a time).
template <std::size_t N>
void stream_run(char *d, const char *s, ssize sstep, ssize n) {
  static_assert(N == 4 || N == 8, "16-byte stores hold a whole number of items");
  constexpr ssize size = static_cast<ssize>(N);
  ssize i = 0;
#if PYBUFFER_KERNEL_SIMD
  constexpr ssize per_store = 16 / size;
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

}  // namespace pybuffer::core::engine::PYBUFFER_KERNEL_LEVEL
