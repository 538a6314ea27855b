// Wide 1-byte register transposes for the square tiles of 64 x 64 bytes (internal, not
// installed), at the levels whose compiler flags allow AVX-512 BW. With a 4 KiB source pitch
// every row of a tile maps to one L1 set (8 ways): 16-byte squares read each source line four
// times, 16 rows apart, and so from L2. Here each group of 16 rows is read once, a whole line a
// row, and the per-lane unpacks transpose the four 16 x 16 squares of those lines at once.
// Included by copy_kernels_impl.hpp in the level's namespace.
#pragma once

#include <cstddef>

#include "layout.hpp"

#if defined(__AVX512BW__)
#include <immintrin.h>
#endif

namespace pybuffer::core::engine::PYBUFFER_KERNEL_LEVEL {

#if defined(__AVX512BW__)
inline constexpr bool has_wide_byte_rows = true;

// Lane L of v. The zero-masking form: GCC 12's plain one reads an uninitialised pass-through
// register, which -Wuninitialized reports.
template <int L>
inline __m128i lane(__m512i v) {
  return _mm512_maskz_extracti32x4_epi32(static_cast<__mmask8>(0xF), v, L);
}

/// Sixteen source rows of 64 bytes (spitch apart) into a 64 x 64 buffer (row pitch 64) as
/// its columns j .. j + 15: buffer row c gets byte c of every source row.
inline void transpose_byte_rows(char *buffer, ssize j, const char *s, ssize spitch) {
  __m512i x[16];
  for (int r = 0; r < 16; ++r) x[r] = _mm512_loadu_si512(s + r * spitch);
  // As Square<1>, in each 128-bit lane: after four rounds, x[c] lane L holds column 16L + c.
  for (int round = 0; round < 4; ++round) {
    __m512i y[16];
    for (int i = 0; i < 8; ++i) {
      y[2 * i] = _mm512_unpacklo_epi8(x[i], x[i + 8]);
      y[2 * i + 1] = _mm512_unpackhi_epi8(x[i], x[i + 8]);
    }
    for (int r = 0; r < 16; ++r) x[r] = y[r];
  }
  for (int c = 0; c < 16; ++c) {
    _mm_store_si128(reinterpret_cast<__m128i *>(buffer + c * 64 + j), lane<0>(x[c]));
    _mm_store_si128(reinterpret_cast<__m128i *>(buffer + (16 + c) * 64 + j), lane<1>(x[c]));
    _mm_store_si128(reinterpret_cast<__m128i *>(buffer + (32 + c) * 64 + j), lane<2>(x[c]));
    _mm_store_si128(reinterpret_cast<__m128i *>(buffer + (48 + c) * 64 + j), lane<3>(x[c]));
  }
}
#else
inline constexpr bool has_wide_byte_rows = false;
inline void transpose_byte_rows(char *, ssize, const char *, ssize) {}
#endif

}  // namespace pybuffer::core::engine::PYBUFFER_KERNEL_LEVEL
