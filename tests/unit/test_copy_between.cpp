// copy_between: two checked views of one shape. In separate arenas it is a plain copy; in one
// arena the views may overlap (shifted, reversed, unrelated strides), and the result must be
// what copying through a temporary gives: every source item read before any is written.
#include <algorithm>
#include <string>

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
using core::Status;

bool check(const Layout &layout, Geometry &geometry) {
  return core::check_geometry(layout.view(), geometry).ok();
}

TEST(CopyBetween, SeparateArenasMatchItemByItemCopy) {
  Rng rng = rng_for("CopyBetween.Separate");
  Arenas arenas;
  for (int n = 0; n < 1500; ++n) {
    const Problem problem = random_problem(rng, copy_max_items);
    Layout src;
    Layout dst;
    ASSERT_TRUE(build_pair(rng, arenas, problem, src, dst));
    const Prediction prediction = predict_copy(arenas, dst.addresses('C'), src.addresses('C'),
                                               problem.items, problem.itemsize);
    Geometry from;
    Geometry to;
    ASSERT_TRUE(check(src, from)) << src.describe();
    ASSERT_TRUE(check(dst, to)) << dst.describe();

    const Status status = core::copy_between(to, from);

    ASSERT_TRUE(status.ok()) << case_label(n, dst, src);
    ASSERT_TRUE(as_predicted(arenas, prediction)) << case_label(n, dst, src);
  }
}

enum class Overlap { shifted, reversed, unrelated };

// Places a source and a destination of `problem` in one region of `arena`. The destination
// starts `delta` bytes from the source (any byte count, so items may straddle each other).
bool place_overlapping(Rng &rng, Arena &arena, const Problem &problem, Overlap kind, Layout &src,
                       Layout &dst) {
  LayoutOptions source = source_options();
  source.suboffsets_percent = 0;
  source.zero_strides = kind == Overlap::unrelated;  // the others derive dst from src strides
  LayoutOptions destination = destination_options();
  destination.suboffsets_percent = 0;
  const std::vector<ssize> src_strides = random_direct_strides(rng, problem, source);
  std::vector<ssize> dst_strides = src_strides;
  if (kind == Overlap::reversed) {
    for (int d = 0; d < problem.ndim; ++d) {
      if (problem.shape[static_cast<std::size_t>(d)] > 1)
        dst_strides[static_cast<std::size_t>(d)] *= -1;
    }
  } else if (kind == Overlap::unrelated) {
    dst_strides = random_direct_strides(rng, problem, destination);
  }
  ssize low = 0;
  ssize high = 0;
  direct_span(problem, src_strides, &low, &high);
  const ssize src_span = high - low;
  direct_span(problem, dst_strides, &low, &high);
  const ssize dst_span = high - low;
  const ssize reach = std::max(src_span, dst_span) + 4;
  char *region = arena.allocate(static_cast<std::size_t>(3 * reach + 8), 16);
  if (region == nullptr) return false;
  char *src_lowest = region + reach + 4;
  ssize delta = uniform(rng, -reach, reach);
  if (chance(rng, 1, 3)) delta = problem.itemsize * uniform(rng, -3, 3);  // whole items
  delta = std::clamp(delta, -reach, reach);  // both views stay inside the region
  src = place_direct(problem, src_strides, src_lowest);
  dst = place_direct(problem, dst_strides, src_lowest + delta);
  return true;
}

TEST(CopyBetween, OverlappingViewsCopyAsIfThroughATemporary) {
  Rng rng = rng_for("CopyBetween.Overlapping");
  Arena arena(arena_bytes);
  int overlapping = 0;
  for (int n = 0; n < 3000; ++n) {
    const Problem problem = random_problem(rng, copy_max_items);
    const auto kind = static_cast<Overlap>(n % 3);
    arena.reset(rng());
    Layout src;
    Layout dst;
    ASSERT_TRUE(place_overlapping(rng, arena, problem, kind, src, dst));
    Bytes expected = arena.image();
    const std::vector<char *> from = src.addresses('C');
    const std::vector<char *> to = dst.addresses('C');
    ref_copy(to, from, static_cast<std::size_t>(problem.items), problem.itemsize, arena.base(),
             expected);
    // Count the cases that really overlap, so the test cannot silently stop testing them.
    if (!to.empty()) {
      const auto [src_low, src_high] = std::minmax_element(from.begin(), from.end());
      const auto [dst_low, dst_high] = std::minmax_element(to.begin(), to.end());
      if (*dst_low < *src_high + problem.itemsize && *src_low < *dst_high + problem.itemsize) {
        ++overlapping;
      }
    }
    Geometry from_geometry;
    Geometry to_geometry;
    ASSERT_TRUE(check(src, from_geometry)) << src.describe();
    ASSERT_TRUE(check(dst, to_geometry)) << dst.describe();

    const Status status = core::copy_between(to_geometry, from_geometry);

    ASSERT_TRUE(status.ok()) << case_label(n, dst, src);
    ASSERT_TRUE(arena.matches(expected))
        << "overlap kind " << static_cast<int>(kind) << "; " << case_label(n, dst, src);
  }
  EXPECT_GT(overlapping, 1500);
}

// A view copied onto itself, and onto its own reversal, by hand: the simplest overlaps.
TEST(CopyBetween, ReversingAVectorInPlace) {
  char bytes[6] = {'a', 'b', 'c', 'd', 'e', 'f'};
  const ssize shape[] = {6};
  const ssize forward[] = {1};
  const ssize backward[] = {-1};
  Geometry src;
  Geometry dst;
  ASSERT_TRUE(core::check_geometry({bytes, 6, 1, 1, shape, forward, nullptr}, src).ok());
  ASSERT_TRUE(core::check_geometry({bytes + 5, 6, 1, 1, shape, backward, nullptr}, dst).ok());
  ASSERT_TRUE(core::copy_between(dst, src).ok());
  EXPECT_EQ(std::string(bytes, 6), "fedcba");
  ASSERT_TRUE(core::copy_between(src, src).ok());
  EXPECT_EQ(std::string(bytes, 6), "fedcba");
}

}  // namespace
}  // namespace pybuffer::unit
