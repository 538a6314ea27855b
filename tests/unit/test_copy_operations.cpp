// to_contiguous, from_contiguous and copy_views: CPython's three copy operations on views, as
// core offers them whole. Random layouts are predicted with the naive item-by-item copy
// (tests/common/reference_model.cpp); the argument rules (order, len, shape) are checked case by
// case, each failure leaving both arenas untouched.
#include <gtest/gtest.h>

#include <algorithm>

#include "arena.hpp"
#include "copy_support.hpp"
#include "core/copy.hpp"
#include "core/layout.hpp"
#include "random_layout.hpp"
#include "reference.hpp"

namespace pybuffer::unit {
namespace {

using core::Code;
using core::Status;
using core::View;

/// The order in which an operation lays out the packed side: Fortran for 'F', and for 'A'
/// when the view is Fortran- but not C-contiguous (then one memcpy is that order); C otherwise.
char packed_order(const View &view, char order) {
  if (order == 'F') return 'F';
  if (order == 'A' && !ref_is_contiguous(view, 'C') && ref_is_contiguous(view, 'F')) return 'F';
  return 'C';
}

char any_order(Rng &rng) {
  const char orders[] = {'C', 'F', 'A'};
  return orders[uniform(rng, 0, 2)];
}

TEST(ToContiguous, RandomLayoutsIntoPackedMemory) {
  Rng rng = rng_for("ToContiguous.Random");
  Arenas arenas;
  for (int n = 0; n < 1500; ++n) {
    const Problem problem = random_problem(rng, copy_max_items);
    const char order = any_order(rng);
    Layout src;
    char *packed = nullptr;
    ASSERT_TRUE(build_with_packed(rng, arenas, problem, LayoutSide::source, src, packed));
    const View view = src.view();
    const Prediction prediction =
        predict_copy(arenas, packed_addresses(packed, problem.items, problem.itemsize),
                     src.addresses(packed_order(view, order)), problem.items, problem.itemsize);

    const Status status = core::to_contiguous(packed, view, view.len, order);

    ASSERT_TRUE(status.ok()) << "code " << int(status.code) << "; " << src.describe();
    ASSERT_TRUE(as_predicted(arenas, prediction))
        << "order " << order << "; " << case_label(n, src, src);
  }
}

TEST(FromContiguous, PackedMemoryIntoRandomLayouts) {
  Rng rng = rng_for("FromContiguous.Random");
  Arenas arenas;
  for (int n = 0; n < 1500; ++n) {
    const Problem problem = random_problem(rng, copy_max_items);
    const char order = any_order(rng);
    Layout dst;
    char *packed = nullptr;
    ASSERT_TRUE(build_with_packed(rng, arenas, problem, LayoutSide::destination, dst, packed));
    const View view = dst.view();
    // Whole items: none, some, all, or more bytes than the view holds (only its own are used).
    const ssize offered = uniform(rng, 0, problem.items + 2) * problem.itemsize;
    const ssize count = std::min(offered, view.len) / problem.itemsize;
    const Prediction prediction = predict_copy(
        arenas, dst.addresses(packed_order(view, order)),
        packed_addresses(packed, problem.items, problem.itemsize), count, problem.itemsize);

    const Status status = core::from_contiguous(view, packed, offered, order);

    ASSERT_TRUE(status.ok()) << "code " << int(status.code) << "; " << dst.describe();
    ASSERT_TRUE(as_predicted(arenas, prediction))
        << "order " << order << " len " << offered << "; " << case_label(n, dst, dst);
  }
}

TEST(CopyViews, RandomLayoutsMatchItemByItemCopy) {
  Rng rng = rng_for("CopyViews.Random");
  Arenas arenas;
  for (int n = 0; n < 1500; ++n) {
    const Problem problem = random_problem(rng, copy_max_items);
    Layout src;
    Layout dst;
    ASSERT_TRUE(build_pair(rng, arenas, problem, src, dst));
    const Prediction prediction = predict_copy(arenas, dst.addresses('C'), src.addresses('C'),
                                               problem.items, problem.itemsize);

    const Status status = core::copy_views(dst.view(), src.view());

    ASSERT_TRUE(status.ok()) << "code " << int(status.code) << "; " << case_label(n, dst, src);
    ASSERT_TRUE(as_predicted(arenas, prediction)) << case_label(n, dst, src);
  }
}

// Hand-made views over small local buffers for the argument rules.
struct Bytes16 {
  char bytes[16] = {'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p'};
};

const ssize shape_2x3[] = {2, 3};
const ssize shape_3x2[] = {3, 2};
const ssize shape_6[] = {6};
const ssize packed_2x3[] = {3, 1};
const ssize every_other_2x3[] = {6, 2};  // a 2 x 3 view of 1-byte items with gaps: not one block
const ssize every_other_3x2[] = {4, 2};

View view_of(char *buf, ssize len, int ndim, const ssize *shape, const ssize *strides) {
  return View{buf, len, 1, ndim, shape, strides, nullptr};
}

TEST(ToContiguous, LenMustBeTheViewsLen) {
  Bytes16 memory;
  char out[16] = {};
  const View view = view_of(memory.bytes, 6, 2, shape_2x3, every_other_2x3);
  for (const ssize len : {ssize{5}, ssize{7}, ssize{0}, ssize{-1}}) {
    const Status status = core::to_contiguous(out, view, len, 'C');
    EXPECT_EQ(status.code, Code::len_not_view_len) << "len " << len;
  }
  EXPECT_EQ(out[0], 0);
}

TEST(ToContiguous, OrderIsCheckedFirst) {
  Bytes16 memory;
  char out[16] = {};
  const View view = view_of(memory.bytes, 6, 2, shape_2x3, every_other_2x3);
  const Status status = core::to_contiguous(out, view, 5, 'X');  // the len is wrong too
  EXPECT_EQ(status.code, Code::bad_order);
  EXPECT_EQ(status.value, 'X');
}

TEST(ToContiguous, NegativeLenEqualToTheViewsLen) {
  Bytes16 memory;
  char out[16] = {};
  const View view = view_of(memory.bytes, -3, 1, shape_6, nullptr);
  const Status status = core::to_contiguous(out, view, -3, 'C');
  EXPECT_EQ(status.code, Code::negative_len);
  EXPECT_EQ(status.value, -3);
}

TEST(ToContiguous, MalformedStridedViewIsRefusedBeforeAnyWrite) {
  Bytes16 memory;
  char out[16] = {};
  // len 5 where shape and itemsize give 6: not one block, and check_geometry says why.
  const View view = view_of(memory.bytes, 5, 2, shape_2x3, every_other_2x3);
  const Status status = core::to_contiguous(out, view, 5, 'C');
  EXPECT_EQ(status.code, Code::len_mismatch);
  EXPECT_EQ(status.value, 5);
  EXPECT_EQ(status.expected, 6);
  EXPECT_EQ(out[0], 0);
}

TEST(ToContiguous, EmptyViewNeedsNoDestination) {
  const ssize shape[] = {0, 3};
  const View view = view_of(nullptr, 0, 2, shape, every_other_2x3);
  EXPECT_TRUE(core::to_contiguous(nullptr, view, 0, 'A').ok());
}

TEST(FromContiguous, NegativeLens) {
  Bytes16 memory;
  const char packed[16] = {};
  const View view = view_of(memory.bytes, 6, 2, shape_2x3, every_other_2x3);
  Status status = core::from_contiguous(view, packed, -1, 'C');
  EXPECT_EQ(status.code, Code::negative_len);
  EXPECT_EQ(status.value, -1);
  const View negative = view_of(memory.bytes, -2, 1, shape_6, nullptr);
  status = core::from_contiguous(negative, packed, 4, 'C');
  EXPECT_EQ(status.code, Code::negative_len);
  EXPECT_EQ(status.value, -2);
  status = core::from_contiguous(view, packed, -1, '\n');  // order first
  EXPECT_EQ(status.code, Code::bad_order);
  EXPECT_EQ(memory.bytes[0], 'a');
}

// A one-block view takes the bytes as they are, even part of an item (CPython's memcpy);
// a strided one takes whole items only.
TEST(FromContiguous, PartialItemsOnlyIntoOneBlock) {
  const char packed[] = "0123456789";
  Bytes16 block;
  const ssize shape[] = {3};
  const ssize two[] = {2};
  EXPECT_TRUE(
      core::from_contiguous(View{block.bytes, 6, 2, 1, shape, two, nullptr}, packed, 3, 'C').ok());
  EXPECT_EQ(std::string(block.bytes, 6), "012def");
  Bytes16 strided;
  const ssize four[] = {4};
  EXPECT_TRUE(
      core::from_contiguous(View{strided.bytes, 6, 2, 1, shape, four, nullptr}, packed, 3, 'C')
          .ok());
  EXPECT_EQ(std::string(strided.bytes, 8), "01cdefgh");
}

TEST(CopyViews, DestinationTooSmall) {
  Bytes16 to;
  Bytes16 from;
  const ssize four[] = {4};
  const Status status = core::copy_views(view_of(to.bytes, 4, 1, four, nullptr),
                                         view_of(from.bytes, 6, 2, shape_2x3, packed_2x3));
  EXPECT_EQ(status.code, Code::destination_too_small);
  EXPECT_EQ(to.bytes[0], 'a');
}

TEST(CopyViews, StridedShapesMustAgree) {
  Bytes16 to;
  Bytes16 from;
  Status status = core::copy_views(view_of(to.bytes, 6, 2, shape_3x2, every_other_3x2),
                                   view_of(from.bytes, 6, 2, shape_2x3, every_other_2x3));
  EXPECT_EQ(status.code, Code::shape_mismatch);
  EXPECT_EQ(status.dim, 0);
  EXPECT_EQ(status.value, 3);
  EXPECT_EQ(status.expected, 2);
  const ssize one[] = {1};
  status = core::copy_views(view_of(to.bytes, 6, 1, shape_6, one),
                            view_of(from.bytes, 6, 2, shape_2x3, every_other_2x3));
  EXPECT_EQ(status.code, Code::shape_mismatch);
  EXPECT_EQ(status.dim, -1);
  EXPECT_EQ(status.value, 1);
  EXPECT_EQ(status.expected, 2);
  EXPECT_EQ(std::string(to.bytes, 16), std::string(Bytes16{}.bytes, 16));
}

// Two one-block views in the same order are copied bytewise, whatever their shapes.
TEST(CopyViews, OneBlocksIgnoreShape) {
  Bytes16 to;
  Bytes16 from;
  const ssize eight[] = {8};
  const Status status = core::copy_views(view_of(to.bytes, 8, 1, eight, nullptr),
                                         view_of(from.bytes + 8, 6, 2, shape_2x3, packed_2x3));
  EXPECT_TRUE(status.ok());
  EXPECT_EQ(std::string(to.bytes, 16), "ijklmnghijklmnop");
}

TEST(CopyViews, MalformedSourceIsRefused) {
  Bytes16 to;
  Bytes16 from;
  const ssize negative[] = {2, -3};
  const Status status = core::copy_views(view_of(to.bytes, 6, 2, shape_2x3, every_other_2x3),
                                         view_of(from.bytes, 6, 2, negative, every_other_2x3));
  EXPECT_EQ(status.code, Code::negative_shape);
  EXPECT_EQ(status.dim, 1);
}

}  // namespace
}  // namespace pybuffer::unit
