// copy_prefix: the first `count` items in C or Fortran order, for every count from 0 to the
// total on small shapes (each count on the same memory, restored in between).
#include <gtest/gtest.h>

#include "arena.hpp"
#include "copy_support.hpp"
#include "core/copy.hpp"
#include "random_layout.hpp"
#include "reference.hpp"

namespace pybuffer::unit {
namespace {

void run_prefix_cases(const char *stream, int cases, ssize max_items, bool every_count) {
  Rng rng = rng_for(stream);
  Arenas arenas;
  long long runs = 0;
  for (int n = 0; n < cases; ++n) {
    const Problem problem = random_problem(rng, max_items);
    Layout src;
    Layout dst;
    ASSERT_TRUE(build_pair(rng, arenas, problem, src, dst));
    const Bytes source_before = arenas.src.image();
    const Bytes destination_before = arenas.dst.image();
    for (const char order : {'C', 'F', random_order(rng)}) {
      const std::vector<char *> to = dst.addresses(order);
      const std::vector<char *> from = src.addresses(order);
      const ssize first = every_count ? 0 : uniform(rng, 0, problem.items);
      const ssize last = every_count ? problem.items : first;
      for (ssize count = first; count <= last; ++count) {
        arenas.dst.restore(destination_before);
        Bytes expected = destination_before;
        ref_copy(to, from, static_cast<std::size_t>(count), problem.itemsize, arenas.dst.base(),
                 expected);

        core::copy_prefix(problem.ndim, problem.shape.data(), count, order, problem.itemsize,
                          dst.side(), src.side());

        ASSERT_TRUE(arenas.dst.matches(expected))
            << "order " << order << " count " << count << " of " << problem.items << "; "
            << case_label(n, dst, src);
        ++runs;
      }
    }
    ASSERT_TRUE(arenas.src.matches(source_before)) << "source written; " << case_label(n, dst, src);
  }
  EXPECT_GT(runs, cases);
}

TEST(CopyPrefix, EveryCountOnSmallShapes) {
  run_prefix_cases("CopyPrefix.Every", 400, 48, true);
}

TEST(CopyPrefix, RandomCountOnLargerShapes) {
  run_prefix_cases("CopyPrefix.Random", 1500, copy_max_items, false);
}

}  // namespace
}  // namespace pybuffer::unit
