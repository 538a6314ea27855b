// Checks of the test harness itself: if the naive model or the layout builder were wrong,
// every comparison with the core would be meaningless.
#include <algorithm>
#include <cstring>

#include <gtest/gtest.h>

#include "arena.hpp"
#include "copy_support.hpp"
#include "random_layout.hpp"
#include "reference.hpp"

namespace pybuffer::unit {
namespace {

TEST(Reference, ForEachIndexVisitsEveryIndexOnceInOrder) {
  const ssize shape[] = {2, 3, 4};
  for (const char order : {'C', 'F'}) {
    std::vector<std::vector<ssize>> seen;
    for_each_index(3, shape, order,
                   [&](const ssize *index) { seen.emplace_back(index, index + 3); });
    ASSERT_EQ(seen.size(), 24u);
    // C order is lexicographic; Fortran order is lexicographic on the reversed index.
    auto key = [order](std::vector<ssize> index) {
      if (order == 'F') std::reverse(index.begin(), index.end());
      return index;
    };
    for (std::size_t k = 1; k < seen.size(); ++k) EXPECT_LT(key(seen[k - 1]), key(seen[k]));
  }
}

TEST(Reference, ForEachIndexOfEmptyAndScalarShapes) {
  int visits = 0;
  const ssize empty[] = {3, 0, 2};
  for_each_index(3, empty, 'C', [&](const ssize *) { ++visits; });
  EXPECT_EQ(visits, 0);
  for_each_index(0, nullptr, 'C', [&](const ssize *) { ++visits; });
  EXPECT_EQ(visits, 1);
}

TEST(Reference, PackedStridesFromFirstPrinciples) {
  const ssize shape[] = {2, 3, 4};
  const std::vector<Wide> c = ref_packed_strides(3, shape, 8, 'C');
  const std::vector<Wide> f = ref_packed_strides(3, shape, 8, 'F');
  EXPECT_TRUE(c[0] == 96 && c[1] == 32 && c[2] == 8);
  EXPECT_TRUE(f[0] == 8 && f[1] == 16 && f[2] == 48);
}

// Destination layouts must give every item its own bytes, inside the arena, and pointer
// tables must not overlap items: otherwise "compare every byte" would prove nothing.
TEST(Reference, DestinationLayoutsHaveDisjointItemsInsideTheArena) {
  Rng rng = rng_for("Reference.DisjointItems");
  Arena arena(arena_bytes);
  for (int n = 0; n < 400; ++n) {
    const Problem problem = random_problem(rng, copy_max_items);
    arena.reset(rng());
    Layout layout;
    ASSERT_TRUE(build_layout(rng, arena, problem, destination_options(), layout));
    std::vector<char *> items = layout.addresses('C');
    ASSERT_EQ(items.size(), static_cast<std::size_t>(problem.items));
    std::sort(items.begin(), items.end());
    for (std::size_t k = 0; k < items.size(); ++k) {
      ASSERT_TRUE(arena.contains(items[k], static_cast<std::size_t>(problem.itemsize)))
          << layout.describe();
      if (k > 0) {
        ASSERT_GE(items[k] - items[k - 1], problem.itemsize) << layout.describe();
      }
    }
    // Overwriting every item must leave the pointer tables, hence the addresses, intact.
    for (char *item : items) std::memset(item, 0xEE, static_cast<std::size_t>(problem.itemsize));
    std::vector<char *> again = layout.addresses('C');
    std::sort(again.begin(), again.end());
    ASSERT_EQ(again, items) << layout.describe();
  }
}

}  // namespace
}  // namespace pybuffer::unit
