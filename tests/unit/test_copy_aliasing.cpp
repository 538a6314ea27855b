// Destinations whose items share bytes (zero strides, strides smaller than an item, axes
// interleaved with each other). The result then depends on the order of the writes; copy.hpp
// promises CPython's: the request's sequential order (C, or Fortran for 'F'), and for
// copy_between the PyObject_CopyData loop, which starts at the second item and writes the
// first one last. The reference writes item by item in exactly that order.
#include <algorithm>
#include <vector>

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

constexpr ssize aliasing_max_items = 240;

// Any stride from -2 to +2 items, in bytes, so items collide in every possible way.
Layout aliasing_destination(Rng &rng, Arena &arena, const Problem &problem) {
  std::vector<ssize> strides(static_cast<std::size_t>(problem.ndim));
  for (auto &stride : strides) stride = uniform(rng, -2 * problem.itemsize, 2 * problem.itemsize);
  ssize low = 0;
  ssize high = 0;
  direct_span(problem, strides, &low, &high);
  const auto gap = static_cast<std::size_t>(uniform(rng, 1, 24));
  char *region = arena.allocate_after(gap, static_cast<std::size_t>(high - low), 1);
  EXPECT_NE(region, nullptr);
  return place_direct(problem, strides, region);
}

struct Case {
  Problem problem;
  Layout src;
  Layout dst;
};

class DestinationAliasing : public ::testing::Test {
 protected:
  bool next_case(Rng &rng, Case &c) {
    c.problem = random_problem(rng, aliasing_max_items);
    src_arena_.reset(rng());
    dst_arena_.reset(rng());
    if (!build_layout(rng, src_arena_, c.problem, source_options(), c.src)) return false;
    c.dst = aliasing_destination(rng, dst_arena_, c.problem);
    return !HasFailure();
  }

  Arena src_arena_{arena_bytes};
  Arena dst_arena_{arena_bytes};
};

TEST_F(DestinationAliasing, CopyAllWritesInCOrder) {
  Rng rng = rng_for("DestinationAliasing.CopyAll");
  for (int n = 0; n < 2000; ++n) {
    Case c;
    ASSERT_TRUE(next_case(rng, c));
    Bytes expected = dst_arena_.image();
    ref_copy(c.dst.addresses('C'), c.src.addresses('C'), static_cast<std::size_t>(c.problem.items),
             c.problem.itemsize, dst_arena_.base(), expected);

    core::copy_all(c.problem.ndim, c.problem.shape.data(), c.problem.itemsize, c.dst.side(),
                   c.src.side());

    ASSERT_TRUE(dst_arena_.matches(expected)) << case_label(n, c.dst, c.src);
  }
}

TEST_F(DestinationAliasing, CopyPrefixWritesInRequestedOrder) {
  Rng rng = rng_for("DestinationAliasing.CopyPrefix");
  for (int n = 0; n < 300; ++n) {
    Case c;
    ASSERT_TRUE(next_case(rng, c));
    const Bytes before = dst_arena_.image();
    for (const char order : {'C', 'F'}) {
      const std::vector<char *> to = c.dst.addresses(order);
      const std::vector<char *> from = c.src.addresses(order);
      for (ssize count = 0; count <= c.problem.items; ++count) {
        dst_arena_.restore(before);
        Bytes expected = before;
        ref_copy(to, from, static_cast<std::size_t>(count), c.problem.itemsize, dst_arena_.base(),
                 expected);

        core::copy_prefix(c.problem.ndim, c.problem.shape.data(), count, order, c.problem.itemsize,
                          c.dst.side(), c.src.side());

        ASSERT_TRUE(dst_arena_.matches(expected))
            << "order " << order << " count " << count << " of " << c.problem.items << "; "
            << case_label(n, c.dst, c.src);
      }
    }
  }
}

TEST_F(DestinationAliasing, ScatterWritesInRequestedOrder) {
  Rng rng = rng_for("DestinationAliasing.Scatter");
  for (int n = 0; n < 1500; ++n) {
    Case c;
    ASSERT_TRUE(next_case(rng, c));
    const char order = random_order(rng);
    ssize count = uniform(rng, 0, c.problem.items);
    if (chance(rng, 1, 3)) count = c.problem.items;
    // The packed source lives in the source arena, after the (unused) strided layout.
    char *packed =
        src_arena_.allocate(static_cast<std::size_t>(c.problem.items * c.problem.itemsize), 1);
    ASSERT_NE(packed, nullptr);
    Bytes expected = dst_arena_.image();
    ref_copy(c.dst.addresses(order), packed_addresses(packed, c.problem.items, c.problem.itemsize),
             static_cast<std::size_t>(count), c.problem.itemsize, dst_arena_.base(), expected);
    Geometry geometry;
    ASSERT_TRUE(core::check_geometry(c.dst.view(), geometry).ok()) << c.dst.describe();

    core::scatter(geometry, packed, count, order);

    ASSERT_TRUE(dst_arena_.matches(expected))
        << "order " << order << " count " << count << "; " << case_label(n, c.dst, c.src);
  }
}

// PyObject_CopyData increments its index before each copy: items 1 .. N-1, then item 0.
TEST_F(DestinationAliasing, CopyBetweenFollowsCopyDataLoop) {
  Rng rng = rng_for("DestinationAliasing.CopyBetween");
  for (int n = 0; n < 2000; ++n) {
    Case c;
    ASSERT_TRUE(next_case(rng, c));
    std::vector<char *> to = c.dst.addresses('C');
    std::vector<char *> from = c.src.addresses('C');
    if (!to.empty()) {
      std::rotate(to.begin(), to.begin() + 1, to.end());
      std::rotate(from.begin(), from.begin() + 1, from.end());
    }
    Bytes expected = dst_arena_.image();
    ref_copy(to, from, to.size(), c.problem.itemsize, dst_arena_.base(), expected);
    Geometry dst;
    Geometry src;
    ASSERT_TRUE(core::check_geometry(c.dst.view(), dst).ok()) << c.dst.describe();
    ASSERT_TRUE(core::check_geometry(c.src.view(), src).ok()) << c.src.describe();

    ASSERT_TRUE(core::copy_between(dst, src).ok());

    ASSERT_TRUE(dst_arena_.matches(expected)) << case_label(n, c.dst, c.src);
  }
}

// The smallest cases of the two orders, worked out by hand. Destination: a 2 x 2 (x 2) view
// of one-byte items whose position is i + j (+ 3k), so items (0,1) and (1,0) share a byte and
// whichever the order visits last must win.

// All four items of a Fortran-ordered request: the sequence is (0,0) (1,0) (0,1) (1,1), so
// (0,1) writes byte 1 last. The source is packed in Fortran order: "ABCD" is A=(0,0) B=(1,0)
// C=(0,1) D=(1,1).
TEST(DestinationAliasingByHand, WholeFortranScatter) {
  char dest[] = "....";
  const ssize shape[] = {2, 2};
  const ssize strides[] = {1, 1};
  Geometry geometry;
  ASSERT_TRUE(core::check_geometry({dest, 4, 1, 2, shape, strides, nullptr}, geometry).ok());
  core::scatter(geometry, "ABCD", 4, 'F');
  EXPECT_STREQ(dest, "ACD.");
}

// Half of a 2 x 2 x 2 Fortran request is the box k = 0 with i and j both varying; the source
// has a suboffset on dimension 1, so that box is walked through the source's pointer table.
// Sequence (0,0,0)=a (1,0,0)=e (0,1,0)=c (1,1,0)=g: byte 1 ends as c.
TEST(DestinationAliasingByHand, FortranPrefixThroughSourceSuboffsets) {
  char rows[4][3] = {"ab", "cd", "ef", "gh"};  // row (i, j) holds items (i, j, 0) and (i, j, 1)
  char *table[4] = {rows[0], rows[1], rows[2], rows[3]};
  const ssize shape[] = {2, 2, 2};
  const ssize src_strides[] = {2 * sizeof(char *), sizeof(char *), 1};
  const ssize src_suboffsets[] = {-1, 0, -1};
  char dest[] = "......";
  const ssize dst_strides[] = {1, 1, 3};
  core::copy_prefix(3, shape, 4, 'F', 1, core::Strided{dest, dst_strides, nullptr},
                    core::Strided{reinterpret_cast<char *>(table), src_strides, src_suboffsets});
  EXPECT_STREQ(dest, "acg...");
}

}  // namespace
}  // namespace pybuffer::unit
