// The layout module's three computations, each checked on its own: packed_strides against
// exact products (tests/common/reference_model.cpp), span against the lowest and highest item
// address of random layouts, is_packed against CPython's packedness rule on hand-picked views.
#include <algorithm>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

#include "core/layout.hpp"
#include "random_layout.hpp"
#include "reference.hpp"
#include "seed.hpp"

namespace pybuffer::unit {
namespace {

constexpr ssize huge = ssize{1} << 40;

// Strides in the order they are computed (fastest dimension first): the stride at position
// p + 1 is the first to overflow exactly when the extent at position p is the culprit.
TEST(PackedStrides, MatchExactProductsAndNameTheOverflow) {
  Rng rng = rng_for("PackedStrides.Random");
  for (int n = 0; n < 4000; ++n) {
    const int ndim = static_cast<int>(uniform(rng, 0, 8));
    std::vector<ssize> shape(static_cast<std::size_t>(ndim) + 1);
    for (int i = 0; i < ndim; ++i) {
      const long long kind = uniform(rng, 0, 5);
      shape[static_cast<std::size_t>(i)] = kind == 0   ? 0
                                           : kind == 1 ? huge + uniform(rng, 0, 9)
                                                       : uniform(rng, 1, 6);
    }
    const ssize itemsize = uniform(rng, 1, 24);
    const char order = chance(rng, 1, 2) ? 'F' : 'C';
    const std::vector<Wide> exact = ref_packed_strides(ndim, shape.data(), itemsize, order);
    std::vector<ssize> strides(static_cast<std::size_t>(ndim) + 1, -7);
    const int overflow = core::packed_strides(ndim, shape.data(), itemsize, order, strides.data());

    int expected = -1;
    for (int p = 1; p < ndim && expected < 0; ++p) {
      const int dim = order == 'F' ? p : ndim - 1 - p;
      if (!fits_ssize(exact[static_cast<std::size_t>(dim)])) {
        expected = order == 'F' ? p - 1 : ndim - p;  // the dimension at position p - 1
      }
    }
    ASSERT_EQ(overflow, expected) << "case " << n;
    for (int p = 0; p < ndim; ++p) {
      const int dim = order == 'F' ? p : ndim - 1 - p;
      const bool after = expected >= 0 && (order == 'F' ? dim > expected : dim < expected);
      const Wide want = after ? 0 : exact[static_cast<std::size_t>(dim)];
      ASSERT_TRUE(Wide{strides[static_cast<std::size_t>(dim)]} == want)
          << "case " << n << " dimension " << dim;
    }
  }
}

TEST(Span, LowestAndHighestItemOfRandomLayouts) {
  Rng rng = rng_for("Span.Random");
  LayoutOptions options;
  options.zero_strides = true;
  for (int n = 0; n < 3000; ++n) {
    const Problem problem = random_problem(rng, 720);
    if (problem.items == 0) continue;
    const std::vector<ssize> strides = random_direct_strides(rng, problem, options);
    // The offset of each item from buf, by definition: sum of index * stride.
    std::vector<ssize> offsets;
    for_each_index(problem.ndim, problem.shape.data(), 'C', [&](const ssize *index) {
      ssize offset = 0;
      for (int i = 0; i < problem.ndim; ++i)
        offset += index[i] * strides[static_cast<std::size_t>(i)];
      offsets.push_back(offset);
    });
    const auto [lowest, highest] = std::minmax_element(offsets.begin(), offsets.end());
    core::Span reached{1, -1};
    ASSERT_EQ(core::span(problem.ndim, problem.shape.data(), strides.data(), &reached), -1);
    EXPECT_EQ(reached.low, *lowest) << "case " << n;
    EXPECT_EQ(reached.high, *highest) << "case " << n;
  }
}

TEST(Span, ZeroAndOneExtentsReachNothing) {
  const ssize shape[] = {0, 1, 3};
  const ssize strides[] = {-1000, 5000, -8};
  core::Span reached{1, -1};
  ASSERT_EQ(core::span(3, shape, strides, &reached), -1);
  EXPECT_EQ(reached.low, -16);
  EXPECT_EQ(reached.high, 0);
}

TEST(Span, OverflowNamesTheDimension) {
  constexpr ssize max = std::numeric_limits<ssize>::max();
  const ssize shape[] = {2, 2, 3};
  const ssize strides[] = {max / 2 + 1, -(max / 2 + 1),
                           1};  // the second step pushes the sum past max
  core::Span reached{};
  EXPECT_EQ(core::span(3, shape, strides, &reached), 1);
  // The most negative stride has no magnitude: one step of it is unrepresentable.
  const ssize lowest[] = {std::numeric_limits<ssize>::min()};
  EXPECT_EQ(core::span(1, shape, lowest, &reached), 0);
  const ssize one[] = {1};
  EXPECT_EQ(core::span(1, one, lowest, &reached), -1);
}

core::View view_of(int ndim, const ssize *shape, const ssize *strides, ssize itemsize) {
  return core::View{nullptr, 0, itemsize, ndim, shape, strides, nullptr};
}

TEST(IsPacked, PackedInOneOrderAndItsSize) {
  const ssize shape[] = {2, 3};
  const ssize c_order[] = {12, 4};
  ssize bytes = 0;
  EXPECT_TRUE(core::is_packed(view_of(2, shape, c_order, 4), 1, -1, &bytes));
  EXPECT_EQ(bytes, 24);
  EXPECT_FALSE(core::is_packed(view_of(2, shape, c_order, 4), 0, 1, &bytes));
}

// Extents of 1 (and 0) may have any stride: they never step.
TEST(IsPacked, ExtentsBelowTwoHaveAnyStride) {
  const ssize shape[] = {1, 3, 0};
  const ssize strides[] = {-99, 4, 12345};
  ssize bytes = -5;
  EXPECT_TRUE(core::is_packed(view_of(3, shape, strides, 4), 0, 1, &bytes));
  EXPECT_EQ(bytes, 0);
}

// A negative extent: no stride is required of it, but the size is not a size (-1).
TEST(IsPacked, NegativeExtentHasNoSize) {
  const ssize shape[] = {-2, -3};
  const ssize strides[] = {0, 0};
  ssize bytes = 0;
  EXPECT_TRUE(core::is_packed(view_of(2, shape, strides, 1), 1, -1, &bytes));
  EXPECT_EQ(bytes, -1);
}

// Once the running size overflows, no later extent > 1 can be packed; extents below 2 after
// it still are, and the size is reported as -1.
TEST(IsPacked, OverflowOnlyMattersBeforeALongerExtent) {
  const ssize shape[] = {huge, huge, 1};
  const ssize strides[] = {1, huge, 0};
  ssize bytes = 0;
  EXPECT_TRUE(core::is_packed(view_of(3, shape, strides, 1), 0, 1, &bytes));
  EXPECT_EQ(bytes, -1);
  const ssize longer[] = {huge, huge, 2};
  EXPECT_FALSE(core::is_packed(view_of(3, longer, strides, 1), 0, 1, &bytes));
}

}  // namespace
}  // namespace pybuffer::unit
