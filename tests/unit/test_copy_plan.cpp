// The copy engine's planner (src/core/copy_plan.hpp): which kernel a box gets, and how its
// axes look after normalisation. Each expectation is derived in its comment from the layouts
// and the rules of the engine's map (src/core/copy.hpp), not read off the planner's output.
// make_plan never touches memory, so the strides describe arrays that need not exist.
#include <gtest/gtest.h>

#include <initializer_list>

#include "core/copy_plan.hpp"

namespace pybuffer::unit {
namespace {

using core::ssize;
using core::engine::Axis;
using core::engine::Box;
using core::engine::Kernel;
using core::engine::Plan;

struct Planned {
  Plan plan;
  bool order_is_free;
};

Planned plan_whole(int ndim, const ssize *shape, ssize itemsize, const ssize *dst, const ssize *src,
                   char order = 'C') {
  Planned out{};
  out.order_is_free = core::engine::make_plan(Box{ndim, core::engine::origin, shape, order}, 0,
                                              itemsize, dst, src, out.plan);
  return out;
}

// ndim axes of extent 2, a C-order source copied into a Fortran-order destination.
Planned plan_axes_of_two_reversed(int ndim, ssize itemsize) {
  ssize shape[core::max_ndim];
  ssize c_order[core::max_ndim];
  ssize fortran[core::max_ndim];
  for (int i = 0; i < ndim; ++i) {
    shape[i] = 2;
    c_order[i] = itemsize << (ndim - 1 - i);
    fortran[i] = itemsize << i;
  }
  return plan_whole(ndim, shape, itemsize, fortran, c_order);
}

void expect_axes(const Plan &plan, std::initializer_list<Axis> axes) {
  ASSERT_EQ(plan.naxes, static_cast<int>(axes.size()));
  int k = 0;
  for (const Axis &axis : axes) {
    EXPECT_EQ(plan.axes[k].extent, axis.extent) << "axis " << k;
    EXPECT_EQ(plan.axes[k].dstep, axis.dstep) << "axis " << k;
    EXPECT_EQ(plan.axes[k].sstep, axis.sstep) << "axis " << k;
    ++k;
  }
}

// Every extent 1: no axis is left, and the copy is one item.
TEST(CopyPlan, EveryExtentOneIsOneItem) {
  const ssize shape[] = {1, 1, 1};
  const ssize dst[] = {96, 24, 8};
  const ssize src[] = {8, 8, 8};
  const Planned p = plan_whole(3, shape, 8, dst, src);
  EXPECT_EQ(p.plan.kernel, Kernel::item);
  EXPECT_EQ(p.plan.naxes, 0);
  EXPECT_EQ(p.plan.dst_offset, 0);
  EXPECT_EQ(p.plan.src_offset, 0);
}

// Both sides C-contiguous: each axis steps exactly over the next one's extent on both sides,
// so all three merge into one axis of 3 * 4 * 5 packed items: one block.
TEST(CopyPlan, PackedSidesMergeIntoOneBlock) {
  const ssize shape[] = {3, 4, 5};
  const ssize packed[] = {160, 40, 8};
  const Planned p = plan_whole(3, shape, 8, packed, packed);
  EXPECT_TRUE(p.order_is_free);
  EXPECT_EQ(p.plan.kernel, Kernel::block);
  expect_axes(p.plan, {{60, 8, 8}});
}

// Two Fortran-ordered sides: sorting by destination stride (largest first) puts dimension 1
// outside dimension 0, and the pair then merges into one block of 12 items.
TEST(CopyPlan, SharedFortranLayoutIsOneBlockAfterSorting) {
  const ssize shape[] = {3, 4};
  const ssize fortran[] = {1, 3};
  const Planned p = plan_whole(2, shape, 1, fortran, fortran);
  EXPECT_EQ(p.plan.kernel, Kernel::block);
  expect_axes(p.plan, {{12, 1, 1}});
}

// Rows padded on the source (8 bytes per row of 6): dimensions 0 and 1 merge (30 = 5 * 6 and
// 40 = 5 * 8), the rows themselves do not (8 != 6 * 1); each row is packed on both sides.
TEST(CopyPlan, OnlyAxesContiguousOnBothSidesMerge) {
  const ssize shape[] = {4, 5, 6};
  const ssize dst[] = {30, 6, 1};
  const ssize src[] = {40, 8, 1};
  const Planned p = plan_whole(3, shape, 1, dst, src);
  EXPECT_EQ(p.plan.kernel, Kernel::block);
  expect_axes(p.plan, {{20, 6, 8}, {6, 1, 1}});
}

// Every other item of the source into packed memory: a strided run. 400 bytes do not stream.
TEST(CopyPlan, StridedSourceIsARun) {
  const ssize shape[] = {100};
  const ssize dst[] = {4};
  const ssize src[] = {8};
  const Planned p = plan_whole(1, shape, 4, dst, src);
  EXPECT_EQ(p.plan.kernel, Kernel::run);
  EXPECT_FALSE(p.plan.stream);
  expect_axes(p.plan, {{100, 4, 8}});
}

// The same gather of 4- (and 8-) byte items into 12 MiB of packed memory, past the 8 MiB
// threshold, pairs items into streaming stores; 2-byte items never stream.
TEST(CopyPlan, LargeGathersOfFourAndEightByteItemsStream) {
  const ssize dst4[] = {4};
  const ssize src4[] = {8};
  const ssize items4[] = {ssize{3} << 20};
  EXPECT_TRUE(plan_whole(1, items4, 4, dst4, src4).plan.stream);
  const ssize dst8[] = {8};
  const ssize src8[] = {24};
  const ssize items8[] = {ssize{3} << 19};
  EXPECT_TRUE(plan_whole(1, items8, 8, dst8, src8).plan.stream);
  const ssize dst2[] = {2};
  const ssize src2[] = {4};
  const ssize items2[] = {ssize{6} << 20};
  const Planned p = plan_whole(1, items2, 2, dst2, src2);
  EXPECT_EQ(p.plan.kernel, Kernel::run);
  EXPECT_FALSE(p.plan.stream);
}

// A destination walked backwards writes each byte once: its axis is reflected, so the copy
// starts at the destination's last item (9 * -4 bytes from buf) and the source's (9 * 4),
// then the destination steps forwards and the source backwards.
TEST(CopyPlan, NegativeDestinationStrideIsReflected) {
  const ssize shape[] = {10};
  const ssize dst[] = {-4};
  const ssize src[] = {4};
  Planned p = plan_whole(1, shape, 4, dst, src);
  EXPECT_TRUE(p.order_is_free);
  EXPECT_EQ(p.plan.kernel, Kernel::run);
  EXPECT_EQ(p.plan.dst_offset, -36);
  EXPECT_EQ(p.plan.src_offset, 36);
  expect_axes(p.plan, {{10, 4, -4}});
  // Both sides reversed: reflected together they are one forward block.
  p = plan_whole(1, shape, 4, dst, dst);
  EXPECT_EQ(p.plan.kernel, Kernel::block);
  EXPECT_EQ(p.plan.dst_offset, -36);
  EXPECT_EQ(p.plan.src_offset, -36);
  expect_axes(p.plan, {{10, 4, 4}});
}

// A C-contiguous 64 x 64 source copied to Fortran order with 4-byte items is a transpose:
// the destination's fastest axis is dimension 0, the source's dimension 1, and each is a
// whole cache line (64 * 4 >= 64 bytes). Both are packed along their own fastest axis, so
// whole tiles go through register squares; 16 KiB is far below the streaming threshold.
TEST(CopyPlan, CToFortranWithFourByteItemsIsATileWithSquares) {
  const ssize shape[] = {64, 64};
  const ssize c_order[] = {256, 4};
  const ssize fortran[] = {4, 256};
  const Planned p = plan_whole(2, shape, 4, fortran, c_order);
  EXPECT_TRUE(p.order_is_free);
  EXPECT_EQ(p.plan.kernel, Kernel::tile);
  EXPECT_TRUE(p.plan.squares);
  EXPECT_FALSE(p.plan.stream);
  // Sorted by destination stride: dimension 1, then dimension 0 innermost. The tile's
  // [naxes-2] axis is the source's fastest (step 4).
  expect_axes(p.plan, {{64, 256, 4}, {64, 4, 256}});
}

// The same transpose over 2048 x 2048 items is 16 MiB: past 8 MiB, whole destination lines
// go out as streaming stores.
TEST(CopyPlan, LargeTransposeStreams) {
  const ssize shape[] = {2048, 2048};
  const ssize c_order[] = {2048 * 4, 4};
  const ssize fortran[] = {4, 2048 * 4};
  const Planned p = plan_whole(2, shape, 4, fortran, c_order);
  EXPECT_EQ(p.plan.kernel, Kernel::tile);
  EXPECT_TRUE(p.plan.squares);
  EXPECT_TRUE(p.plan.stream);
}

// Streamed transposes of 1-byte items whose row pitches are multiples of 1024 bytes on both
// sides are written in strips: 3072 x 3072 (9 MiB, pitch 3 * 1024) and 4096 x 4096 (16 MiB).
// Not at a pitch of 4032 = 63 * 64 (15.9 MiB, streamed), not when only the source's pitch is
// a multiple of 1024 (destination rows padded to 3136 bytes), not within the caches
// (2048 x 2048 is 4 MiB: no streaming), and not for 4-byte items (2048 x 2048, 16 MiB).
TEST(CopyPlan, StreamedOneByteTransposesAtPitchesOf1024MultiplesGoInStrips) {
  struct Case {
    ssize n, itemsize, dst_pitch;
    bool stream, strips;
  };
  for (const Case &c : {Case{3072, 1, 3072, true, true}, Case{4096, 1, 4096, true, true},
                        Case{4032, 1, 4032, true, false}, Case{3072, 1, 3136, true, false},
                        Case{2048, 1, 2048, false, false}, Case{2048, 4, 2048 * 4, true, false}}) {
    const ssize shape[] = {c.n, c.n};
    const ssize c_order[] = {c.n * c.itemsize, c.itemsize};
    const ssize fortran[] = {c.itemsize, c.dst_pitch};
    const Planned p = plan_whole(2, shape, c.itemsize, fortran, c_order);
    EXPECT_EQ(p.plan.kernel, Kernel::tile) << c.n << " x " << c.itemsize;
    EXPECT_TRUE(p.plan.squares) << c.n << " x " << c.itemsize;
    EXPECT_EQ(p.plan.stream, c.stream) << c.n << " x " << c.itemsize << ", pitch " << c.dst_pitch;
    EXPECT_EQ(p.plan.strips, c.strips) << c.n << " x " << c.itemsize << ", pitch " << c.dst_pitch;
  }
}

// The same transpose of 3-byte items (rows of 64 * 3 >= 64 bytes): a tile whose sides are
// packed along their own fastest axes, which for odd item sizes means the wide moves of
// copy_odd_movers.hpp rather than register squares.
TEST(CopyPlan, CToFortranWithThreeByteItemsIsAPackedTile) {
  const ssize shape[] = {64, 64};
  const ssize c_order[] = {192, 3};
  const ssize fortran[] = {3, 192};
  const Planned p = plan_whole(2, shape, 3, fortran, c_order);
  EXPECT_TRUE(p.order_is_free);
  EXPECT_EQ(p.plan.kernel, Kernel::tile);
  EXPECT_TRUE(p.plan.squares);
  expect_axes(p.plan, {{64, 192, 3}, {64, 3, 192}});
}

// A transposing source with gaps (every other item along its fastest axis) is still tiled,
// but not packed along that axis: no register squares.
TEST(CopyPlan, TransposeOfAGappedSourceIsATileWithoutSquares) {
  const ssize shape[] = {64, 64};
  const ssize src[] = {512, 8};
  const ssize fortran[] = {4, 256};
  const Planned p = plan_whole(2, shape, 4, fortran, src);
  EXPECT_EQ(p.plan.kernel, Kernel::tile);
  EXPECT_FALSE(p.plan.squares);
  EXPECT_FALSE(p.plan.stream);
  expect_axes(p.plan, {{64, 256, 8}, {64, 4, 512}});
}

// Runs of 4 items (shorter than 16) under two outer axes, no pair of which merges (100 !=
// 4 * 20, 20 != 4 * 2), no transpose (the source steps least along the innermost axis): the
// innermost two axes, 16 entries, fit a table, and the odometer walks the outermost alone.
TEST(CopyPlan, ShortRunsUnderAnOuterAxisUseATable) {
  const ssize shape[] = {100, 4, 4};
  const ssize dst[] = {16, 4, 1};
  const ssize src[] = {100, 20, 2};
  const Planned p = plan_whole(3, shape, 1, dst, src);
  EXPECT_EQ(p.plan.kernel, Kernel::table);
  EXPECT_EQ(p.plan.table_axes, 2);
  expect_axes(p.plan, {{100, 16, 100}, {4, 4, 20}, {4, 1, 2}});
}

// Eight axes of 2 one-byte items, C order into Fortran order: a transpose in which no axis
// fills a cache line. The fewest innermost axes that fill a destination line (six: 64 bytes)
// stay innermost and form the table; the source's fastest axis (step 1) moves just outside.
TEST(CopyPlan, TransposeOfShortAxesIsARegroupedTable) {
  const Planned p = plan_axes_of_two_reversed(8, 1);
  EXPECT_TRUE(p.order_is_free);
  EXPECT_EQ(p.plan.kernel, Kernel::table);
  EXPECT_EQ(p.plan.table_axes, 6);
  ASSERT_EQ(p.plan.naxes, 8);
  for (int k = 2; k < 8; ++k) EXPECT_EQ(p.plan.axes[k].dstep, ssize{1} << (7 - k)) << k;
  EXPECT_EQ(p.plan.axes[1].sstep, 1);
}

// Twelve axes of 2 four-byte items, C order into Fortran order: the destination is packed
// over its innermost axes, the source over the others, so the copy regroups into chunks of
// 64 bytes or more on both sides. Destination: the fewest innermost axes filling 256 bytes
// (six: 64 items). Source: the axes with source steps 4, 8, ..., 128 (six more, 64 items);
// nothing is left outside them.
TEST(CopyPlan, TransposeOfShortAxesIsRegroupedIntoChunks) {
  const Planned p = plan_axes_of_two_reversed(12, 4);
  EXPECT_TRUE(p.order_is_free);
  EXPECT_EQ(p.plan.kernel, Kernel::chunks);
  EXPECT_EQ(p.plan.dst_chunk_axes, 6);
  EXPECT_EQ(p.plan.src_chunk_axes, 6);
  ASSERT_EQ(p.plan.naxes, 12);
  for (int k = 6; k < 12; ++k) EXPECT_EQ(p.plan.axes[k].dstep, ssize{4} << (11 - k)) << k;
  for (int k = 0; k < 6; ++k) EXPECT_EQ(p.plan.axes[k].sstep, ssize{4} << (5 - k)) << k;
}

// A destination with a zero stride writes bytes twice: nothing may be reordered. In C order
// the rows stay as they are (each row is packed on both sides: a block per row); in Fortran
// order the axes are reversed so that dimension 0 runs fastest, and that run is strided.
TEST(CopyPlan, AliasingDestinationKeepsTheSequentialOrder) {
  const ssize shape[] = {3, 4};
  const ssize dst[] = {0, 1};
  const ssize src[] = {4, 1};
  Planned p = plan_whole(2, shape, 1, dst, src, 'C');
  EXPECT_FALSE(p.order_is_free);
  EXPECT_EQ(p.plan.kernel, Kernel::block);
  expect_axes(p.plan, {{3, 0, 4}, {4, 1, 1}});
  p = plan_whole(2, shape, 1, dst, src, 'F');
  EXPECT_FALSE(p.order_is_free);
  EXPECT_EQ(p.plan.kernel, Kernel::run);
  EXPECT_FALSE(p.plan.stream);
  expect_axes(p.plan, {{4, 1, 1}, {3, 0, 4}});
}

// Planning from dimension `first` on (the ones before it are walked through suboffsets):
// the box's lower corner along the planned dimensions becomes the offsets.
TEST(CopyPlan, LowerCornerOfAPartialBoxBecomesTheOffsets) {
  const ssize lo[] = {1, 2};
  const ssize extent[] = {3, 2};
  const ssize dst[] = {4, 1};
  const ssize src[] = {1, 4};
  Plan plan;
  core::engine::make_plan(Box{2, lo, extent, 'C'}, 1, 1, dst, src, plan);
  EXPECT_EQ(plan.dst_offset, 2);
  EXPECT_EQ(plan.src_offset, 8);
  EXPECT_EQ(plan.kernel, Kernel::run);
  expect_axes(plan, {{2, 1, 4}});
}

}  // namespace
}  // namespace pybuffer::unit
