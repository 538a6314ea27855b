// The copy kernels at every CPU level this build has (src/core/cpu_level.hpp), called directly
// (not through the level the process chose), at their edges: every alignment 0..63 of either
// side, tails of every length, extents 1..33, odd item sizes, and the streaming path. Each
// expected image comes from a naive loop over the index space (one memcpy per item), applied
// to a copy of the destination's bytes: every byte outside the copied items must stay as it
// was. A level this CPU lacks is skipped (named so by gtest), never passed.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "core/copy_plan.hpp"
#include "core/cpu_level.hpp"

namespace pybuffer::unit {
namespace {

using core::ssize;
using core::engine::CpuLevel;

/// One side of a 2- or more-dimensional layout: strides and how many bytes it spans.
struct Side {
  std::vector<ssize> strides;
  ssize span;  // bytes from the first item's first byte past the last item's last byte
};

/// A side of `shape` whose axes are laid out packed in the order `fastest_first` (axis
/// indices, fastest first), each axis's stride padded by `pad` bytes beyond packing.
Side laid_out(const std::vector<ssize> &shape, ssize itemsize,
              const std::vector<int> &fastest_first, ssize pad) {
  Side side{std::vector<ssize>(shape.size()), 0};
  ssize step = itemsize;
  for (int axis : fastest_first) {
    side.strides[axis] = step;
    step = step * shape[axis] + pad;
  }
  ssize last = 0;
  for (std::size_t i = 0; i < shape.size(); ++i) last += (shape[i] - 1) * side.strides[i];
  side.span = last + itemsize;
  return side;
}

/// Fastest-first axis orders of n axes: C order (the last axis fastest) and Fortran order.
struct AxisOrders {
  std::vector<int> c;
  std::vector<int> f;
};
AxisOrders c_and_f_orders(int n) {
  AxisOrders orders;
  for (int k = n - 1; k >= 0; --k) orders.c.push_back(k);
  for (int k = 0; k < n; ++k) orders.f.push_back(k);
  return orders;
}

/// The first-principles copy: every index in C order, one item at a time.
void naive_copy(const std::vector<ssize> &shape, ssize itemsize, char *d, const Side &dst,
                const char *s, const Side &src) {
  std::vector<ssize> index(shape.size(), 0);
  const int ndim = static_cast<int>(shape.size());
  while (true) {
    ssize doff = 0;
    ssize soff = 0;
    for (int i = 0; i < ndim; ++i) {
      doff += index[i] * dst.strides[i];
      soff += index[i] * src.strides[i];
    }
    std::memcpy(d + doff, s + soff, static_cast<std::size_t>(itemsize));
    int k = ndim - 1;
    while (k >= 0 && ++index[k] == shape[k]) index[k--] = 0;
    if (k < 0) return;
  }
}

/// A buffer of `size` bytes plus at least 64 bytes either side, all set to a pattern that differs
/// from the source's, the view placed `align` bytes past a 64-byte boundary.
struct Buffer {
  std::vector<char> bytes;
  char *view;
  Buffer(ssize size, ssize align, unsigned seed) : bytes(static_cast<std::size_t>(size + 256)) {
    const auto address = reinterpret_cast<std::uintptr_t>(bytes.data()) + 64;
    view = bytes.data() + 64 + (64 - address % 64) % 64 + align;
    // The pattern is a function of the position relative to the view, a hash of it: a
    // pattern with a period would make items that many bytes apart indistinguishable.
    const ssize start = bytes.data() - view;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      const auto position = static_cast<std::uint64_t>(start + static_cast<ssize>(i));
      bytes[i] = static_cast<char>(((position + seed) * 0x9E3779B97F4A7C15u) >> 56);
    }
  }
};

/// Copies one layout at `level` through make_plan and that level's run_plan; the whole
/// destination buffer (guards included) must equal the naive copy's.
::testing::AssertionResult copies_exactly(CpuLevel level, const std::vector<ssize> &shape,
                                          ssize itemsize, const Side &dst, ssize dalign,
                                          const Side &src, ssize salign) {
  Buffer from(src.span, salign, 7);
  Buffer to(dst.span, dalign, 99);
  Buffer expected(dst.span, dalign, 99);
  naive_copy(shape, itemsize, expected.view, dst, from.view, src);
  core::engine::Plan plan;
  const core::engine::Box box{static_cast<int>(shape.size()), core::engine::origin, shape.data(),
                              'C'};
  core::engine::make_plan(box, 0, itemsize, dst.strides.data(), src.strides.data(), plan);
  core::engine::run_plan_of(level)(plan, to.view, from.view);
  // The view and 64 guard bytes either side (the two buffers may be placed differently).
  const char *got = to.view - 64;
  const char *want = expected.view - 64;
  for (ssize i = 0; i < dst.span + 128; ++i) {
    if (got[i] != want[i]) {
      return ::testing::AssertionFailure()
             << "first wrong byte at " << i - 64 << " from the view's start (kernel "
             << static_cast<int>(plan.kernel) << ")";
    }
  }
  return ::testing::AssertionSuccess();
}

class CopyKernels : public ::testing::TestWithParam<CpuLevel> {
 protected:
  void SetUp() override {
    if (!core::engine::cpu_level_usable(GetParam())) {
      GTEST_SKIP() << "not run: level " << core::engine::cpu_level_name(GetParam())
                   << " is not available in this build or on this CPU";
    }
  }
  CpuLevel level() const { return GetParam(); }
};

constexpr ssize item_sizes[] = {1, 2, 3, 4, 5, 6, 7, 8, 12, 16};

// Transposes (C-ordered source, Fortran-ordered destination) of every extent pair 1..33,
// every item size; the two sides' alignments cycle through 0..63 as the extents change.
TEST_P(CopyKernels, TransposesOfExtentsOneToThirtyThree) {
  for (ssize itemsize : item_sizes) {
    for (ssize ni = 1; ni <= 33; ++ni) {
      for (ssize nj = 1; nj <= 33; ++nj) {
        const std::vector<ssize> shape{ni, nj};
        const Side src = laid_out(shape, itemsize, {1, 0}, 0);
        const Side dst = laid_out(shape, itemsize, {0, 1}, 0);
        const ssize dalign = (ni * 7 + nj) % 64;
        const ssize salign = (ni + nj * 5) % 64;
        ASSERT_TRUE(copies_exactly(level(), shape, itemsize, dst, dalign, src, salign))
            << ni << " x " << nj << ", item " << itemsize;
      }
    }
  }
}

// Whole tiles (64 x 64 one-byte items and the like) with tails of 0..7 items on both axes, at
// every alignment 0..63 of the destination and of the source: register-transposed for 1, 2,
// 4 and 8 bytes, one wide move per item through a buffer for odd sizes (3, 5, 6, 7, 12 bytes,
// src/core/copy_odd_movers.hpp).
TEST_P(CopyKernels, WholeTilesAtEveryAlignment) {
  for (ssize itemsize : {1, 2, 4, 8, 3, 5, 6, 7, 12}) {
    const ssize edge = core::engine::tile_edge(itemsize, false);  // these copies stay cached
    for (ssize align = 0; align < 64; ++align) {
      const ssize tail_i = align % 8;
      const ssize tail_j = (align / 8) % 8;
      const std::vector<ssize> shape{2 * edge + tail_i, edge + tail_j};
      const Side src = laid_out(shape, itemsize, {1, 0}, 0);
      const Side dst = laid_out(shape, itemsize, {0, 1}, 0);
      ASSERT_TRUE(copies_exactly(level(), shape, itemsize, dst, align, src, 0))
          << "destination alignment " << align << ", item " << itemsize;
      ASSERT_TRUE(copies_exactly(level(), shape, itemsize, dst, 0, src, align))
          << "source alignment " << align << ", item " << itemsize;
    }
  }
}

// The wide moves never reach past the views' own bytes: both sides are heap blocks of exactly
// their span (the address sanitizer builds report any byte read or written past them), with
// rows padded by 0..2 items on either side, so gaps sit between the rows too.
TEST_P(CopyKernels, OddItemTransposesStayInsideExactBlocks) {
  for (ssize itemsize : {ssize{3}, ssize{5}, ssize{6}, ssize{7}, ssize{12}}) {
    for (ssize n : {ssize{1}, ssize{2}, ssize{17}, ssize{33}, ssize{70}}) {
      for (ssize pad = 0; pad <= 2 * itemsize; pad += itemsize) {
        const std::vector<ssize> shape{n + 1, n};
        const Side src = laid_out(shape, itemsize, {1, 0}, pad);
        const Side dst = laid_out(shape, itemsize, {0, 1}, 2 * itemsize - pad);
        std::vector<char> from(static_cast<std::size_t>(src.span));
        for (std::size_t b = 0; b < from.size(); ++b) from[b] = static_cast<char>(b * 7 + 1);
        std::vector<char> to(static_cast<std::size_t>(dst.span), 'x');
        std::vector<char> expected(to);
        naive_copy(shape, itemsize, expected.data(), dst, from.data(), src);
        core::engine::Plan plan;
        const core::engine::Box box{2, core::engine::origin, shape.data(), 'C'};
        core::engine::make_plan(box, 0, itemsize, dst.strides.data(), src.strides.data(), plan);
        core::engine::run_plan_of(level())(plan, to.data(), from.data());
        ASSERT_EQ(to, expected) << n + 1 << " x " << n << ", item " << itemsize << ", pad " << pad;
      }
    }
  }
}

// Past 8 MiB, whole odd-item tiles go out with streaming stores when the destination and its
// row pitch are 16-byte aligned (1680 * 3 and 848 * 12 bytes are), one at a time otherwise
// (alignment 4); the last tiles of each axis are partial (1680 = 52 * 32 + 16, 848 = 53 * 16).
TEST_P(CopyKernels, LargeOddItemTransposesStreamOrNotByAlignment) {
  for (ssize align : {ssize{0}, ssize{4}}) {
    for (const auto &[itemsize, n] : {std::pair<ssize, ssize>{3, 1680}, {12, 848}}) {
      const std::vector<ssize> square{n, n};
      const Side src = laid_out(square, itemsize, {1, 0}, 0);
      const Side dst = laid_out(square, itemsize, {0, 1}, 0);
      ASSERT_TRUE(copies_exactly(level(), square, itemsize, dst, align, src, 0))
          << "item " << itemsize << ", alignment " << align;
    }
  }
}

// Strided runs (every other item gathered into packed memory, and scattered back) of every
// length 1..33 at every alignment of the packed side.
TEST_P(CopyKernels, StridedRunsOfEveryLengthAndAlignment) {
  for (ssize itemsize : item_sizes) {
    for (ssize n = 1; n <= 33; ++n) {
      const std::vector<ssize> shape{3, n};
      const Side packed = laid_out(shape, itemsize, {1, 0}, 0);
      Side strided{{2 * itemsize * n + itemsize, 2 * itemsize}, 0};
      strided.span = 2 * strided.strides[0] + (n - 1) * strided.strides[1] + itemsize;
      for (ssize align = 0; align < 64; align += n % 2 == 0 ? 1 : 9) {
        ASSERT_TRUE(copies_exactly(level(), shape, itemsize, packed, align, strided, 0))
            << "gather of " << n << ", item " << itemsize << ", alignment " << align;
        ASSERT_TRUE(copies_exactly(level(), shape, itemsize, strided, 0, packed, align))
            << "scatter of " << n << ", item " << itemsize << ", alignment " << align;
      }
    }
  }
}

// Many short axes (the table kernel and its regrouping): 12 axes of extent 2 (and 3 on some)
// reversed between the sides, for every item size.
TEST_P(CopyKernels, ManyShortAxesReversed) {
  for (ssize itemsize : item_sizes) {
    for (ssize three = 0; three < 3; ++three) {
      std::vector<ssize> shape(12, 2);
      for (ssize k = 0; k < three; ++k) shape[static_cast<std::size_t>(k * 5)] = 3;
      const AxisOrders orders = c_and_f_orders(12);
      const Side src = laid_out(shape, itemsize, orders.c, 0);
      const Side dst = laid_out(shape, itemsize, orders.f, 0);
      ASSERT_TRUE(copies_exactly(level(), shape, itemsize, dst, three * 3, src, 0))
          << "item " << itemsize << ", " << three << " axes of 3";
    }
  }
}

// The chunks kernel (many short axes regrouped into packed chunks): six axes reversed between
// the sides, extents cycling through 2..5 so that chunks have tails beside whole register
// squares (4-byte tails in 4 x 4 squares where they fit, e.g. 60 = 48 + 12, then one item at a
// time, e.g. 30 = 16 + 12 + 2), every item size, the destination at every alignment 0..63.
TEST_P(CopyKernels, ShortAxesInChunksAtEveryAlignment) {
  for (ssize itemsize : item_sizes) {
    for (ssize align = 0; align < 64; ++align) {
      std::vector<ssize> shape(6);
      for (std::size_t k = 0; k < 6; ++k) shape[k] = 2 + static_cast<ssize>((k + align) % 4);
      const Side src = laid_out(shape, itemsize, {5, 4, 3, 2, 1, 0}, 0);
      const Side dst = laid_out(shape, itemsize, {0, 1, 2, 3, 4, 5}, 0);
      ASSERT_TRUE(copies_exactly(level(), shape, itemsize, dst, align, src, (align * 7) % 64))
          << "item " << itemsize << ", alignment " << align;
    }
  }
}

// Past 8 MiB, transposes and gathers of 4- and 8-byte items write with streaming stores: at
// a 16-byte aligned destination; at alignment 4, 8-byte items never reach a 16-byte boundary
// (no streaming) while 4-byte items do after three items (a head, then streaming).
TEST_P(CopyKernels, LargeCopiesStreamOrNotByDestinationAlignment) {
  for (ssize align : {ssize{0}, ssize{4}}) {
    const std::vector<ssize> square{1032, 1032};
    const Side src = laid_out(square, 8, {1, 0}, 0);
    const Side dst = laid_out(square, 8, {0, 1}, 0);
    ASSERT_TRUE(copies_exactly(level(), square, 8, dst, align, src, 0))
        << "transpose, alignment " << align;
    const std::vector<ssize> rows{2, 1 << 20};
    const Side packed = laid_out(rows, 4, {1, 0}, 0);
    const Side strided = laid_out(rows, 4, {0, 1}, 0);  // a stride of 2 items along the rows
    ASSERT_TRUE(copies_exactly(level(), rows, 4, packed, align, strided, 0))
        << "gather, alignment " << align;
  }
}

// Past 8 MiB, the avx512 level writes whole 4- and 8-byte squares straight to the destination
// (src/core/copy_wide_squares.hpp): streaming when the destination and its row pitch are
// 64-byte aligned (1552 * 4 = 97 * 64 bytes), plain stores at alignments 16, 32 and 4 (8-byte
// items at 0 and 4: the test above). 1552 ends in a partial tile (48 * 32 + 16) and a partial
// page-sized block; the other levels run the same cases through their own squares.
TEST_P(CopyKernels, LargeFourAndEightByteTransposesAtLineAlignments) {
  for (const auto &[itemsize, n, align] :
       {std::tuple<ssize, ssize, ssize>{4, 1552, 0}, {4, 1552, 16}, {4, 1552, 4}, {8, 1104, 32}}) {
    const std::vector<ssize> square{n, n};
    const Side src = laid_out(square, itemsize, {1, 0}, 0);
    const Side dst = laid_out(square, itemsize, {0, 1}, 0);
    ASSERT_TRUE(copies_exactly(level(), square, itemsize, dst, align, src, 0))
        << "item " << itemsize << ", destination alignment " << align;
  }
}

// Past 8 MiB, the avx512 level transposes whole 64 x 64 tiles of 1-byte items line to line
// (LineRows<1>, src/core/copy_wide_squares.hpp): streaming when the destination and its row
// pitch are 64-byte aligned (2944 = 46 * 64 bytes; with the source aligned or not), plain
// stores at alignment 16 and with a pitch of 2912 (the last case); 2912 = 45 * 64 + 32 ends
// in partial tiles, both extents in partial blocks of 1024 rows. The other levels run the
// same cases through their own squares.
TEST_P(CopyKernels, LargeOneByteTransposesAtLineAlignments) {
  for (const auto &[ni, nj, dalign, salign] :
       {std::tuple<ssize, ssize, ssize, ssize>{2944, 2912, 0, 0},
        {2944, 2912, 0, 1},
        {2944, 2912, 16, 0},
        {2912, 2944, 1, 0}}) {
    const std::vector<ssize> shape{ni, nj};
    const Side src = laid_out(shape, 1, {1, 0}, 0);
    const Side dst = laid_out(shape, 1, {0, 1}, 0);
    ASSERT_TRUE(copies_exactly(level(), shape, 1, dst, dalign, src, salign))
        << ni << " x " << nj << ", destination alignment " << dalign << ", source " << salign;
  }
}

// Past 8 MiB, the avx512 level writes whole 1-byte tiles at row pitches with 1024 as a factor
// in strips of 512 destination items (copy_line_strips, src/core/copy_kernels_impl.hpp):
// pitches of 3072 bytes on both sides (padded rows), extents that end in a partial strip, a
// partial tile and fewer than 64 rows (3000 = 5 * 512 + 6 * 64 + 56, 2900 = 45 * 64 + 20),
// streaming at destination alignment 0, plain stores at 16 and (extents swapped) at 1; then
// 3072^2 unpadded, and a pitch of 3072 on one side only (2944 on the other), which the square
// blocks keep; last, pitches of 4096, where the source rows are staged 512 columns at a time
// (3000 columns end in a partial stage, read from the source), streaming or not (a
// destination not line aligned, at 16 and 1 above, is staged at 3072 too). The other levels
// run the same cases through their own tiles.
TEST_P(CopyKernels, LargeOneByteTransposesInStripsAtAliasingPitches) {
  for (const auto &[ni, nj, src_pad, dst_pad, dalign] :
       {std::tuple<ssize, ssize, ssize, ssize, ssize>{3000, 2900, 3072 - 2900, 3072 - 3000, 0},
        {3000, 2900, 3072 - 2900, 3072 - 3000, 16},
        {2900, 3000, 3072 - 3000, 3072 - 2900, 1},
        {3072, 3072, 0, 0, 0},
        {2944, 3072, 0, 0, 0},
        {4000, 3000, 4096 - 3000, 4096 - 4000, 0},
        {4000, 3000, 4096 - 3000, 4096 - 4000, 16}}) {
    const std::vector<ssize> shape{ni, nj};
    const Side src = laid_out(shape, 1, {1, 0}, src_pad);
    const Side dst = laid_out(shape, 1, {0, 1}, dst_pad);
    ASSERT_TRUE(copies_exactly(level(), shape, 1, dst, dalign, src, 0))
        << ni << " x " << nj << ", pads " << src_pad << "/" << dst_pad << ", destination alignment "
        << dalign;
  }
}

// Past 8 MiB, the chunks kernel streams its destination chunks: 21 axes of extent 2 (8 MiB of
// 4-byte items) reversed, chunks of 64 items (256 bytes). Whole 64-byte lines a store at the
// avx512 level when the destination is line aligned (0), 16-byte stores at 16, plain ones at 4.
TEST_P(CopyKernels, LargeChunksStreamOrNotByDestinationAlignment) {
  const std::vector<ssize> shape(21, 2);
  const AxisOrders orders = c_and_f_orders(21);
  const Side src = laid_out(shape, 4, orders.c, 0);
  const Side dst = laid_out(shape, 4, orders.f, 0);
  for (ssize align : {ssize{0}, ssize{16}, ssize{4}}) {
    ASSERT_TRUE(copies_exactly(level(), shape, 4, dst, align, src, 0)) << "alignment " << align;
  }
}

std::string level_name(const ::testing::TestParamInfo<CpuLevel> &info) {
  return core::engine::cpu_level_name(info.param);
}

INSTANTIATE_TEST_SUITE_P(Levels, CopyKernels,
                         ::testing::Values(CpuLevel::portable, CpuLevel::sse2, CpuLevel::avx2,
                                           CpuLevel::avx512),
                         level_name);

// PYBUFFER_CPU's resolution, on made-up sets of usable levels.
bool up_to_avx2(CpuLevel level) {
  return level <= CpuLevel::avx2;
}
bool portable_only(CpuLevel level) {
  return level == CpuLevel::portable;
}

TEST(CpuLevel, RequestsResolveToTheLevelOrTheBestBelowIt) {
  const char *complaint = "unset";
  EXPECT_EQ(core::engine::resolve_cpu_level(nullptr, CpuLevel::avx2, up_to_avx2, &complaint),
            CpuLevel::avx2);
  EXPECT_EQ(complaint, nullptr);
  EXPECT_EQ(core::engine::resolve_cpu_level("", CpuLevel::avx2, up_to_avx2, &complaint),
            CpuLevel::avx2);
  EXPECT_EQ(complaint, nullptr);
  EXPECT_EQ(core::engine::resolve_cpu_level("sse2", CpuLevel::avx2, up_to_avx2, &complaint),
            CpuLevel::sse2);
  EXPECT_EQ(complaint, nullptr);
  EXPECT_EQ(core::engine::resolve_cpu_level("portable", CpuLevel::avx2, up_to_avx2, &complaint),
            CpuLevel::portable);
  EXPECT_EQ(complaint, nullptr);
  EXPECT_EQ(core::engine::resolve_cpu_level("avx512", CpuLevel::avx2, up_to_avx2, &complaint),
            CpuLevel::avx2);
  EXPECT_NE(complaint, nullptr);
  EXPECT_EQ(core::engine::resolve_cpu_level("avx2", CpuLevel::portable, portable_only, &complaint),
            CpuLevel::portable);
  EXPECT_NE(complaint, nullptr);
  EXPECT_EQ(core::engine::resolve_cpu_level("AVX2", CpuLevel::avx2, up_to_avx2, &complaint),
            CpuLevel::avx2);
  EXPECT_NE(complaint, nullptr);
}

// The process's level is the one PYBUFFER_CPU asks for when this machine has it (the unit
// suite runs once per level with it set, see tests/unit/CMakeLists.txt), else the best level.
TEST(CpuLevel, TheProcessRunsTheLevelAskedFor) {
  const char *request = std::getenv("PYBUFFER_CPU");
  const CpuLevel active = core::engine::active_cpu_level();
  EXPECT_TRUE(core::engine::cpu_level_usable(active));
  if (request == nullptr || request[0] == '\0') {
    for (int k = static_cast<int>(active) + 1; k < core::engine::cpu_level_count; ++k) {
      EXPECT_FALSE(core::engine::cpu_level_usable(static_cast<CpuLevel>(k)))
          << "a better level than " << core::engine::cpu_level_name(active) << " is usable";
    }
    return;
  }
  for (int k = 0; k < core::engine::cpu_level_count; ++k) {
    const auto level = static_cast<CpuLevel>(k);
    if (std::string(request) == core::engine::cpu_level_name(level) &&
        core::engine::cpu_level_usable(level)) {
      EXPECT_EQ(active, level);
    }
  }
}

}  // namespace
}  // namespace pybuffer::unit
