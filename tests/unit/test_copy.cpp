// copy_all, gather and scatter on random layouts in guarded arenas. Each case predicts the
// destination arena byte for byte with the naive item-by-item copy
// (tests/common/reference_model.cpp) and also checks that the source arena was left alone.
#include <gtest/gtest.h>

#include "arena.hpp"
#include "copy_support.hpp"
#include "core/copy.hpp"
#include "core/layout.hpp"
#include "random_layout.hpp"
#include "reference.hpp"

namespace pybuffer::unit {
namespace {

using core::Geometry;

Geometry geometry_of(const Layout &layout) {
  Geometry geometry;
  const core::Status status = core::check_geometry(layout.view(), geometry);
  EXPECT_TRUE(status.ok()) << layout.describe();
  return geometry;
}

TEST(CopyAll, RandomLayoutsMatchItemByItemCopy) {
  Rng rng = rng_for("CopyAll.Random");
  Arenas arenas;
  for (int n = 0; n < 3000; ++n) {
    const Problem problem = random_problem(rng, copy_max_items);
    Layout src;
    Layout dst;
    ASSERT_TRUE(build_pair(rng, arenas, problem, src, dst));
    const Prediction prediction = predict_copy(arenas, dst.addresses('C'), src.addresses('C'),
                                               problem.items, problem.itemsize);

    core::copy_all(problem.ndim, problem.shape.data(), problem.itemsize, dst.side(), src.side());

    ASSERT_TRUE(as_predicted(arenas, prediction)) << case_label(n, dst, src);
  }
}

// Larger 2-d and 3-d shapes (extents up to 150), so that transposing copies span several
// cache tiles and whole register squares of 1-, 2-, 4- and 8-byte items, with leftovers.
Problem large_problem(Rng &rng) {
  const ssize itemsizes[] = {1, 2, 4, 8, 1, 2, 3, 16};
  Problem problem;
  problem.ndim = static_cast<int>(uniform(rng, 2, 3));
  problem.itemsize = itemsizes[uniform(rng, 0, 7)];
  problem.items = 1;
  for (int d = 0; d < problem.ndim; ++d) {
    problem.shape.push_back(problem.ndim == 2 ? uniform(rng, 1, 150) : uniform(rng, 1, 30));
    problem.items *= problem.shape.back();
  }
  return problem;
}

TEST(CopyAll, LargeShapesMatchItemByItemCopy) {
  Rng rng = rng_for("CopyAll.Large");
  Arenas arenas;
  LayoutOptions source = source_options();
  source.suboffsets_percent = 10;
  LayoutOptions destination = destination_options();
  destination.suboffsets_percent = 10;
  for (int n = 0; n < 150; ++n) {
    const Problem problem = large_problem(rng);
    arenas.reset(rng);
    Layout src;
    Layout dst;
    ASSERT_TRUE(build_layout(rng, arenas.src, problem, source, src));
    ASSERT_TRUE(build_layout(rng, arenas.dst, problem, destination, dst));
    Bytes expected = arenas.dst.image();
    ref_copy(dst.addresses('C'), src.addresses('C'), static_cast<std::size_t>(problem.items),
             problem.itemsize, arenas.dst.base(), expected);

    core::copy_all(problem.ndim, problem.shape.data(), problem.itemsize, dst.side(), src.side());

    ASSERT_TRUE(arenas.dst.matches(expected)) << case_label(n, dst, src);
  }
}

// gather_prefix with every count; a whole view (count == items) is gather itself.
TEST(Gather, RandomLayoutsIntoPackedMemory) {
  Rng rng = rng_for("Gather.Random");
  Arenas arenas;
  for (int n = 0; n < 1500; ++n) {
    const Problem problem = random_problem(rng, copy_max_items);
    const char order = random_order(rng);
    ssize count = uniform(rng, 0, problem.items);
    if (chance(rng, 1, 2)) count = problem.items;
    Layout src;
    char *packed = nullptr;
    ASSERT_TRUE(build_with_packed(rng, arenas, problem, LayoutSide::source, src, packed));
    const Prediction prediction =
        predict_copy(arenas, packed_addresses(packed, problem.items, problem.itemsize),
                     src.addresses(order), count, problem.itemsize);
    const Geometry geometry = geometry_of(src);
    ASSERT_FALSE(HasFailure());

    core::gather_prefix(packed, geometry, count, order);

    ASSERT_TRUE(as_predicted(arenas, prediction))
        << "order " << order << " count " << count << "; " << case_label(n, src, src);
  }
}

TEST(Scatter, PackedMemoryIntoRandomLayouts) {
  Rng rng = rng_for("Scatter.Random");
  Arenas arenas;
  for (int n = 0; n < 1500; ++n) {
    const Problem problem = random_problem(rng, copy_max_items);
    const char order = random_order(rng);
    // Whole views, nothing, and every partial count in between all matter.
    ssize count = uniform(rng, 0, problem.items);
    if (chance(rng, 1, 4)) count = problem.items;
    Layout dst;
    char *packed = nullptr;
    ASSERT_TRUE(build_with_packed(rng, arenas, problem, LayoutSide::destination, dst, packed));
    const Prediction prediction = predict_copy(
        arenas, dst.addresses(order), packed_addresses(packed, problem.items, problem.itemsize),
        count, problem.itemsize);
    const Geometry geometry = geometry_of(dst);
    ASSERT_FALSE(HasFailure());

    core::scatter(geometry, packed, count, order);

    ASSERT_TRUE(as_predicted(arenas, prediction))
        << "order " << order << " count " << count << "; " << case_label(n, dst, dst);
  }
}

}  // namespace
}  // namespace pybuffer::unit
