// core::step_index against counting: over a shape of positive extents, stepping from all zeros
// visits every multi-index exactly once, in lexicographic order with the last index fastest
// ('C') or the first ('F'), and returns to all zeros after the last item.
#include <vector>

#include <gtest/gtest.h>

#include "core/layout.hpp"

namespace pybuffer::unit {
namespace {

using Index = std::vector<core::ssize>;

// Every multi-index of `shape` in the order asked for, by counting item numbers.
std::vector<Index> counted(const Index &shape, char order) {
  core::ssize items = 1;
  for (core::ssize extent : shape) items *= extent;
  std::vector<Index> all;
  for (core::ssize n = 0; n < items; ++n) {
    Index index(shape.size());
    core::ssize rest = n;
    for (size_t j = 0; j < shape.size(); ++j) {
      const size_t k = order == 'F' ? j : shape.size() - 1 - j;
      index[k] = rest % shape[k];
      rest /= shape[k];
    }
    all.push_back(index);
  }
  return all;
}

TEST(StepIndex, VisitsEveryIndexInOrderThenWraps) {
  const Index shapes[] = {{5}, {2, 3}, {3, 1, 4}, {1, 1}, {2, 2, 2, 2}};
  for (const Index &shape : shapes) {
    for (char order : {'C', 'F'}) {
      const std::vector<Index> expected = counted(shape, order);
      Index index(shape.size(), 0);
      for (size_t n = 1; n <= expected.size(); ++n) {
        core::step_index(static_cast<int>(shape.size()), index.data(), shape.data(), order);
        EXPECT_EQ(index, expected[n % expected.size()]) << order << " step " << n;
      }
    }
  }
}

TEST(StepIndex, AnyOrderButFIsC) {
  const Index shape = {2, 3};
  Index c(2, 0);
  Index other(2, 0);
  core::step_index(2, c.data(), shape.data(), 'C');
  core::step_index(2, other.data(), shape.data(), 'A');
  EXPECT_EQ(c, other);
  EXPECT_EQ(c, (Index{0, 1}));
}

TEST(StepIndex, OutOfRangeIndexesCarry) {
  // An index at or past its extent's last value is reset and carries; one below it (even
  // negative) is incremented.
  const Index shape = {3, 3};
  Index index = {0, 9};
  core::step_index(2, index.data(), shape.data(), 'C');
  EXPECT_EQ(index, (Index{1, 0}));
  index = {-4, 5};
  core::step_index(2, index.data(), shape.data(), 'F');
  EXPECT_EQ(index, (Index{-3, 5}));
  const Index empty = {0};
  index = {0};
  core::step_index(1, index.data(), empty.data(), 'C');
  EXPECT_EQ(index, (Index{0}));
  core::step_index(0, nullptr, nullptr, 'C');  // nothing to step
}

}  // namespace
}  // namespace pybuffer::unit
