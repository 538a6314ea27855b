// Movers for items of odd sizes (3, 5, 6, 7, 12 bytes: not a power of two, at most 16) in
// transposing tiles (internal, not installed). Included by copy_kernels_impl.hpp inside its
// level's namespace, like copy_movers.hpp.
//
// An item of N bytes moves as one load and one store of W bytes, W the next power of two
// (4, 8 or 16): it is read wide only where the W - N bytes past it are the next item of the
// same packed source row (read, never written), and written wide only into a padded local
// buffer, never into the view. So no byte outside the views' own items is read or written.
// Measured on the 4096 x 4096 3-byte transpose (bench/RESULTS.md, "odd item sizes"): a
// run-time-size memcpy per item, and then fixed-size moves walking the source by columns,
// were both far slower than this buffer with streaming stores and prefetched rows.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "layout.hpp"

#if PYBUFFER_KERNEL_SIMD
#include <emmintrin.h>
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
  for (ssize j = 0; j < nj; ++j) {
    const char *from = s + j * spitch;
    char *to = buffer + j * size;
    prefetch_row(reinterpret_cast<std::uintptr_t>(from) + static_cast<std::uintptr_t>(E * spitch),
                 E * size);
    ssize i = 0;
    for (; i + 1 < ni; ++i) move_wide<N>(to + i * pitch, from + i * size);
    std::memcpy(to + i * pitch, from + i * size, N);  // the row's last item, exactly
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
