// pointer_at against the definition of an item's address (tests/common/reference_model.cpp), on
// layouts whose PIL pointer tables really exist, and each of its failure statuses.
#include <limits>
#include <vector>

#include <gtest/gtest.h>

#include "arena.hpp"
#include "copy_support.hpp"
#include "core/layout.hpp"
#include "random_layout.hpp"
#include "reference.hpp"

namespace pybuffer::unit {
namespace {

using core::Code;
using core::Status;
using core::View;

// A value pointer_at must not leave behind when it fails.
void *const untouched = reinterpret_cast<void *>(std::uintptr_t{0x5a5a5a5a});

TEST(PointerAt, EveryIndexMatchesReference) {
  Rng rng = rng_for("PointerAt.EveryIndex");
  Arena arena(arena_bytes);
  LayoutOptions options = source_options();
  options.suboffsets_percent = 50;
  long long checked = 0;
  for (int n = 0; n < 1500; ++n) {
    const Problem problem = random_problem(rng, 240);
    arena.reset(rng());
    Layout layout;
    ASSERT_TRUE(build_layout(rng, arena, problem, options, layout));
    const View view = layout.view();
    for_each_index(problem.ndim, problem.shape.data(), 'C', [&](const ssize *index) {
      if (::testing::Test::HasFatalFailure()) return;  // one report per failing case
      void *found = untouched;
      const Status status = core::pointer_at(view, index, &found);
      ASSERT_TRUE(status.ok()) << layout.describe();
      ASSERT_EQ(found, ref_address(layout.buf, problem.ndim, layout.strides.data(),
                                   layout.suboffsets_or_null(), index))
          << "case " << n << ": " << layout.describe();
      ++checked;
    });
    if (::testing::Test::HasFatalFailure()) return;
  }
  EXPECT_GT(checked, 10000);
}

TEST(PointerAt, ZeroDimensionalViewIsItsBuf) {
  char byte = 0;
  const View view{&byte, 1, 1, 0, nullptr, nullptr, nullptr};
  void *found = untouched;
  EXPECT_TRUE(core::pointer_at(view, nullptr, &found).ok());
  EXPECT_EQ(found, &byte);
  const ssize ignored[] = {7};
  found = untouched;
  EXPECT_TRUE(core::pointer_at(view, ignored, &found).ok());
  EXPECT_EQ(found, &byte);
}

TEST(PointerAt, NullIndices) {
  char bytes[6] = {};
  const ssize shape[] = {2, 3};
  const ssize strides[] = {3, 1};
  const View view{bytes, 6, 1, 2, shape, strides, nullptr};
  void *found = untouched;
  const Status status = core::pointer_at(view, nullptr, &found);
  EXPECT_EQ(status.code, Code::null_argument);
  ASSERT_NE(status.what, nullptr);
  EXPECT_STREQ(status.what, "indices");
  EXPECT_EQ(found, untouched);
}

TEST(PointerAt, MissingStrides) {
  char bytes[6] = {};
  const ssize shape[] = {6};
  const View view{bytes, 6, 1, 1, shape, nullptr, nullptr};
  const ssize index[] = {2};
  void *found = untouched;
  EXPECT_EQ(core::pointer_at(view, index, &found).code, Code::missing_strides);
  EXPECT_EQ(found, untouched);
}

TEST(PointerAt, NdimOutOfRange) {
  const ssize values[core::max_ndim + 1] = {};
  for (const int ndim : {-1, core::max_ndim + 1, std::numeric_limits<int>::min()}) {
    const View view{nullptr, 0, 1, ndim, values, values, nullptr};
    void *found = untouched;
    const Status status = core::pointer_at(view, values, &found);
    EXPECT_EQ(status.code, Code::ndim_out_of_range) << ndim;
    EXPECT_EQ(status.value, ndim);
    EXPECT_EQ(found, untouched);
  }
}

// One index out of range, the others valid: the status names that dimension, the index and
// the extent it had to be below.
TEST(PointerAt, IndexOutOfRange) {
  Rng rng = rng_for("PointerAt.OutOfRange");
  Arena arena(arena_bytes);
  LayoutOptions options = source_options();
  options.suboffsets_percent = 50;
  int tried = 0;
  for (int n = 0; n < 600; ++n) {
    const Problem problem = random_problem(rng, 240);
    if (problem.ndim == 0 || problem.items == 0) continue;
    arena.reset(rng());
    Layout layout;
    ASSERT_TRUE(build_layout(rng, arena, problem, options, layout));
    std::vector<ssize> index(static_cast<std::size_t>(problem.ndim));
    for (int d = 0; d < problem.ndim; ++d) {
      index[static_cast<std::size_t>(d)] =
          uniform(rng, 0, problem.shape[static_cast<std::size_t>(d)] - 1);
    }
    const int bad = static_cast<int>(uniform(rng, 0, problem.ndim - 1));
    const ssize extent = problem.shape[static_cast<std::size_t>(bad)];
    const ssize choices[] = {-1, extent, extent + 3, std::numeric_limits<ssize>::min(),
                             std::numeric_limits<ssize>::max()};
    const ssize wrong = choices[uniform(rng, 0, 4)];
    index[static_cast<std::size_t>(bad)] = wrong;
    void *found = untouched;
    const Status status = core::pointer_at(layout.view(), index.data(), &found);
    ASSERT_EQ(status.code, Code::index_out_of_range) << layout.describe() << " dim " << bad;
    EXPECT_EQ(status.dim, bad);
    EXPECT_EQ(status.value, wrong);
    EXPECT_EQ(status.expected, extent);
    EXPECT_EQ(found, untouched);
    ++tried;
  }
  EXPECT_GT(tried, 300);
}

TEST(PointerAt, EmptyDimensionHasNoValidIndex) {
  char byte = 0;
  const ssize shape[] = {2, 0, 3};
  const ssize strides[] = {0, 0, 0};
  const View view{&byte, 0, 1, 3, shape, strides, nullptr};
  const ssize index[] = {1, 0, 2};
  void *found = untouched;
  const Status status = core::pointer_at(view, index, &found);
  EXPECT_EQ(status.code, Code::index_out_of_range);
  EXPECT_EQ(status.dim, 1);
  EXPECT_EQ(status.value, 0);
  EXPECT_EQ(status.expected, 0);
}

}  // namespace
}  // namespace pybuffer::unit
