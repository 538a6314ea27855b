// Register transposes of 4- and 8-byte items in AVX2 and AVX-512 registers, and of 1-byte
// items at AVX-512 (internal, not installed), for the avx2 and avx512 levels' copy kernels:
// included by copy_movers.hpp, which holds the Square<N> and LineRows<N> templates they
// specialise and the SSE2 squares the sse2 level keeps.
// Which set is compiled follows the level file's own compiler flags
// (cmake/PybufferCpuLevels.cmake).
//
//   avx2    4 x 4 eight-byte squares (rows of 32 bytes); four-byte items keep the SSE2
//           4 x 4 squares (8 x 8 AVX2 ones measured slower here: bench/RESULTS.md)
//   avx512  16 x 16 four-byte and 8 x 8 eight-byte squares: each row is 64 bytes, one cache
//           line, so whole squares can go straight to the destination (whole_lines), with
//           streaming stores when its lines are 64-byte aligned. Whole 64 x 64 tiles of
//           1-byte items too (LineRows<1>): whole source lines in, whole lines out.
#pragma once

#if !defined(__AVX2__)
#error "copy_wide_squares.hpp is for the avx2 and avx512 levels"
#endif

#include <immintrin.h>

#include <utility>

namespace pybuffer::core::engine::PYBUFFER_KERNEL_LEVEL {

#if defined(__AVX512F__)

// The unpacks in their all-lanes masked form: the same instructions, but GCC 12.2's unmasked
// forms start from an "undefined" vector that -Wuninitialized reports (a false positive).
struct Wide512 {
  using Vec = __m512i;
  static constexpr __mmask16 all16 = 0xffff;
  static constexpr __mmask8 all8 = 0xff;
  static Vec load(const char *p) { return _mm512_loadu_si512(p); }
  static Vec unpacklo32(Vec a, Vec b) { return _mm512_mask_unpacklo_epi32(a, all16, a, b); }
  static Vec unpackhi32(Vec a, Vec b) { return _mm512_mask_unpackhi_epi32(a, all16, a, b); }
  static Vec unpacklo64(Vec a, Vec b) { return _mm512_mask_unpacklo_epi64(a, all8, a, b); }
  static Vec unpackhi64(Vec a, Vec b) { return _mm512_mask_unpackhi_epi64(a, all8, a, b); }
  /// 128-bit lanes: 0x88 takes lanes 0 and 2 of a, then of b; 0xdd lanes 1 and 3 (whole
  /// lanes: the element size of the shuffle only matters to masks).
  template <int Lanes>
  static Vec lanes(Vec a, Vec b) {
    return _mm512_mask_shuffle_i64x2(a, all8, a, b, Lanes);
  }
};

/// Four rows of four-byte items interleaved within each 128-bit lane L: u[m] holds column
/// 4L + m of r0 .. r3 (m = 0..3).
__attribute__((always_inline)) inline void interleave_four(__m512i r0, __m512i r1, __m512i r2,
                                                           __m512i r3, __m512i *u) {
  using W = Wide512;
  const __m512i a0 = W::unpacklo32(r0, r1), a1 = W::unpackhi32(r0, r1);
  const __m512i a2 = W::unpacklo32(r2, r3), a3 = W::unpackhi32(r2, r3);
  u[0] = W::unpacklo64(a0, a2);
  u[1] = W::unpackhi64(a0, a2);
  u[2] = W::unpacklo64(a1, a3);
  u[3] = W::unpackhi64(a1, a3);
}

/// Rows first .. first + 3 of `rows` interleaved as interleave_four does.
template <class Rows>
void interleave_four_rows(Rows rows, int first, __m512i *u) {
  using W = Wide512;
  interleave_four(W::load(rows(first)), W::load(rows(first + 1)), W::load(rows(first + 2)),
                  W::load(rows(first + 3)), u);
}

/// Stores K lines of 64 bytes to rows 0 .. K - 1 of `to`: streaming (every row 64-byte
/// aligned) or plain.
template <bool Stream, int K, class Rows>
void store_lines(Rows to, const __m512i (&lines)[K]) {
  for (int r = 0; r < K; ++r) {
    if constexpr (Stream) {
      _mm512_stream_si512(reinterpret_cast<__m512i *>(to(r)), lines[r]);
    } else {
      _mm512_storeu_si512(to(r), lines[r]);
    }
  }
}

/// The 4 x 4 transpose of 128-bit lanes: lane0 .. lane3 gather lane L of a0, a1, a2 and a3.
/// Four outputs by reference, not an array: an array measured 20% slower in the 4-byte
/// squares (GCC 12 kept it in memory).
__attribute__((always_inline)) inline void gather_lane(__m512i a0, __m512i a1, __m512i a2,
                                                       __m512i a3, __m512i &lane0, __m512i &lane1,
                                                       __m512i &lane2, __m512i &lane3) {
  using W = Wide512;
  const __m512i v = W::lanes<0x88>(a0, a1);  // lanes 0 and 2 of a0, then of a1
  const __m512i v_odd = W::lanes<0xdd>(a0, a1);
  const __m512i w = W::lanes<0x88>(a2, a3);
  const __m512i w_odd = W::lanes<0xdd>(a2, a3);
  lane0 = W::lanes<0x88>(v, w);
  lane2 = W::lanes<0xdd>(v, w);
  lane1 = W::lanes<0x88>(v_odd, w_odd);
  lane3 = W::lanes<0xdd>(v_odd, w_odd);
}

/// The squares' last two rounds: x[g * Q + m] holds, in each 128-bit lane L, column Q * L + m
/// of the g-th quarter of the rows (g = 0..3); out[Q * L + m], a whole column, gathers lane
/// L of x[m], x[Q + m], x[2Q + m] and x[3Q + m].
template <int Q>
void gather_lanes(const __m512i (&x)[4 * Q], __m512i (&out)[4 * Q]) {
  for (int m = 0; m < Q; ++m) {
    gather_lane(x[m], x[Q + m], x[2 * Q + m], x[3 * Q + m], out[m], out[Q + m], out[2 * Q + m],
                out[3 * Q + m]);
  }
}

/// What every whole-line square offers beside its put_rows: rows at a pitch (put), and move.
template <class Derived>
struct WholeLineSquare {
  static constexpr bool whole_lines = true;
  template <bool Stream>
  static void put(char *d, ssize dp, const char *s, ssize sp) {
    Derived::template put_rows<Stream>(PitchedRows<char *>{d, dp},
                                       PitchedRows<const char *>{s, sp});
  }
  static void move(char *d, ssize dp, const char *s, ssize sp) { put<false>(d, dp, s, sp); }
};

// 16 x 16 four-byte items: each quarter of the rows interleaved within lanes, then whole
// lanes gathered.
template <>
struct Square<4> : WholeLineSquare<Square<4>> {
  static constexpr int k = 16;

  template <bool Stream, class DstRows, class SrcRows>
  static void put_rows(DstRows to, SrcRows from) {
    __m512i u[16];
    for (int g = 0; g < 4; ++g) interleave_four_rows(from, 4 * g, u + 4 * g);
    __m512i out[16];
    gather_lanes<4>(u, out);
    store_lines<Stream>(to, out);
  }
};

// 8 x 8 eight-byte items: rows interleaved in pairs (t[2p + m] holds column 2L + m of rows
// 2p and 2p + 1 in lane L), then whole lanes gathered.
template <>
struct Square<8> : WholeLineSquare<Square<8>> {
  static constexpr int k = 8;

  template <bool Stream, class DstRows, class SrcRows>
  static void put_rows(DstRows to, SrcRows from) {
    using W = Wide512;
    __m512i t[8];
    for (int p = 0; p < 4; ++p) {
      const __m512i r0 = W::load(from(2 * p)), r1 = W::load(from(2 * p + 1));
      t[2 * p] = W::unpacklo64(r0, r1);
      t[2 * p + 1] = W::unpackhi64(r0, r1);
    }
    __m512i out[8];
    gather_lanes<2>(t, out);
    store_lines<Stream>(to, out);
  }
};

#if !defined(__AVX512BW__)
#error "the avx512 level compiles with AVX-512 BW (cmake/PybufferCpuLevels.cmake)"
#endif

// 1-byte items: a whole 64 x 64-byte tile, 64 source lines into 64 destination lines.
// Each group of 16 source rows is read once, a whole line a row, and the per-lane unpacks
// transpose its four 16 x 16 squares at once into a 4 KiB buffer (whole-register stores);
// then each destination line gathers one lane of four buffer registers.
template <>
struct LineRows<1> {
  static constexpr bool available = true;

  /// Streams `bytes` (whole lines) from 64-byte aligned `from` to 64-byte aligned `to`.
  static void stream_lines(char *to, const char *from, ssize bytes) {
    PYBUFFER_ASSERT(bytes % 64 == 0 && reinterpret_cast<std::uintptr_t>(to) % 64 == 0);
    for (ssize c = 0; c < bytes; c += 64) {
      _mm512_stream_si512(reinterpret_cast<__m512i *>(to + c), _mm512_load_si512(from + c));
    }
  }

  /// Copies sizeof...(L) lines from `from` (any alignment) to 64-byte aligned `to`: spelled
  /// out, since GCC turns a loop of them into `rep movsq`, 2x slower here.
  template <std::size_t... L>
  static void copy_lines(char *to, const char *from, std::index_sequence<L...>) {
    PYBUFFER_ASSERT(reinterpret_cast<std::uintptr_t>(to) % 64 == 0);
    (_mm512_store_si512(to + 64 * L, _mm512_loadu_si512(from + 64 * L)), ...);
  }

  template <bool Stream>
  static void put(char *d, ssize dp, const char *s, ssize sp) {
    alignas(64) __m512i columns[64];
    for (int g = 0; g < 4; ++g) {
      __m512i x[16];
      for (int r = 0; r < 16; ++r) x[r] = _mm512_loadu_si512(s + (16 * g + r) * sp);
      transpose_byte_lanes(
          x, [](__m512i a, __m512i b) { return _mm512_unpacklo_epi8(a, b); },
          [](__m512i a, __m512i b) { return _mm512_unpackhi_epi8(a, b); });
      for (int c = 0; c < 16; ++c) _mm512_store_si512(&columns[16 * g + c], x[c]);
    }
    for (int c = 0; c < 16; ++c) {
      __m512i out[4];
      gather_lane(_mm512_load_si512(&columns[c]), _mm512_load_si512(&columns[16 + c]),
                  _mm512_load_si512(&columns[32 + c]), _mm512_load_si512(&columns[48 + c]), out[0],
                  out[1], out[2], out[3]);
      for (int L = 0; L < 4; ++L) {
        char *to = d + (16 * L + c) * dp;
        if constexpr (Stream) {
          _mm512_stream_si512(reinterpret_cast<__m512i *>(to), out[L]);
        } else {
          _mm512_storeu_si512(to, out[L]);
        }
      }
    }
  }
};

#else  // AVX2

inline __m256i load32(const char *p) {
  return _mm256_loadu_si256(reinterpret_cast<const __m256i *>(p));
}
inline void store32(char *p, __m256i v) {
  _mm256_storeu_si256(reinterpret_cast<__m256i *>(p), v);
}

// 4 x 4 eight-byte items: rows interleaved in pairs, then the two lanes recombined.
template <>
struct Square<8> {
  static constexpr int k = 4;
  static constexpr bool whole_lines = false;
  static void move(char *d, ssize dp, const char *s, ssize sp) {
    const __m256i r0 = load32(s), r1 = load32(s + sp);
    const __m256i r2 = load32(s + 2 * sp), r3 = load32(s + 3 * sp);
    const __m256i t[4] = {_mm256_unpacklo_epi64(r0, r1), _mm256_unpackhi_epi64(r0, r1),
                          _mm256_unpacklo_epi64(r2, r3), _mm256_unpackhi_epi64(r2, r3)};
    for (int m = 0; m < 2; ++m) {
      store32(d + m * dp, _mm256_permute2x128_si256(t[m], t[2 + m], 0x20));
      store32(d + (2 + m) * dp, _mm256_permute2x128_si256(t[m], t[2 + m], 0x31));
    }
  }
};

#endif

}  // namespace pybuffer::core::engine::PYBUFFER_KERNEL_LEVEL
