// fill_contiguous_strides against exact products (tests/common/reference_model.cpp): C order for
// every order character but 'F', every ndim 0..64, and "nothing written" whenever it fails.
#include <limits>
#include <vector>

#include <gtest/gtest.h>

#include "core/layout.hpp"
#include "reference.hpp"
#include "seed.hpp"

namespace pybuffer::unit {
namespace {

using core::Code;
using core::Status;

constexpr ssize guard = 0x5a5a5a5a5a5a5a5;
constexpr char orders[] = {'C', 'F', 'A', 'c', 'f', 'x', '\0'};

// The strides array is longer than ndim; the extra entries catch writes past the end.
std::vector<ssize> guarded_strides() {
  return std::vector<ssize>(core::max_ndim + 8, guard);
}

::testing::AssertionResult untouched_from(const std::vector<ssize> &strides, int first) {
  for (std::size_t i = static_cast<std::size_t>(first < 0 ? 0 : first); i < strides.size(); ++i) {
    if (strides[i] != guard) return ::testing::AssertionFailure() << "strides[" << i << "] written";
  }
  return ::testing::AssertionSuccess();
}

// Compares one call with the exact answer: every stride representable -> those strides and
// nothing else written; otherwise size_overflow and nothing written at all.
void check(int ndim, const std::vector<ssize> &shape, ssize itemsize, char order) {
  std::vector<ssize> strides = guarded_strides();
  const Status status =
      core::fill_contiguous_strides(ndim, shape.data(), strides.data(), itemsize, order);
  const std::vector<Wide> exact = ref_packed_strides(ndim, shape.data(), itemsize, order);
  bool representable = true;
  for (const Wide stride : exact) representable = representable && fits_ssize(stride);
  std::string shape_text;
  for (int d = 0; d < ndim; ++d)
    shape_text += std::to_string(shape[static_cast<std::size_t>(d)]) + " ";
  SCOPED_TRACE("ndim=" + std::to_string(ndim) + " itemsize=" + std::to_string(itemsize) +
               " order=" + std::to_string(order) + " shape: " + shape_text);
  if (!representable) {
    EXPECT_EQ(status.code, Code::size_overflow);
    EXPECT_TRUE(untouched_from(strides, 0));
    return;
  }
  ASSERT_TRUE(status.ok()) << static_cast<int>(status.code);
  for (int d = 0; d < ndim; ++d) {
    EXPECT_TRUE(Wide{strides[static_cast<std::size_t>(d)]} == exact[static_cast<std::size_t>(d)])
        << "dimension " << d << ": " << strides[static_cast<std::size_t>(d)];
  }
  EXPECT_TRUE(untouched_from(strides, ndim));
}

TEST(FillContiguousStrides, EveryNdimMatchesReference) {
  Rng rng = rng_for("FillContiguousStrides.EveryNdim");
  const ssize itemsizes[] = {1, 2, 3, 8, 24};
  for (int ndim = 0; ndim <= core::max_ndim; ++ndim) {
    for (int n = 0; n < 12; ++n) {
      std::vector<ssize> shape(core::max_ndim, 1);
      for (int d = 0; d < ndim; ++d) {
        // Up to ~16 dimensions any extent 0-5; beyond, mostly 1 so products stay small.
        const bool long_dim = ndim <= 16 || chance(rng, 1, 8);
        shape[static_cast<std::size_t>(d)] = long_dim ? uniform(rng, 0, 5) : 1;
      }
      const ssize itemsize = itemsizes[uniform(rng, 0, 4)];
      for (const char order : orders) check(ndim, shape, itemsize, order);
      if (HasFatalFailure()) return;
    }
  }
}

TEST(FillContiguousStrides, HugeExtentsMatchReference) {
  Rng rng = rng_for("FillContiguousStrides.Huge");
  const ssize extents[] = {0,
                           1,
                           3,
                           ssize{1} << 20,
                           ssize{1} << 31,
                           ssize{1} << 40,
                           ssize{1} << 62,
                           std::numeric_limits<ssize>::max()};
  for (int n = 0; n < 3000; ++n) {
    const int ndim = static_cast<int>(uniform(rng, 1, 6));
    std::vector<ssize> shape(core::max_ndim, 1);
    for (int d = 0; d < ndim; ++d) shape[static_cast<std::size_t>(d)] = extents[uniform(rng, 0, 7)];
    const ssize itemsize = chance(rng, 1, 2) ? 1 : uniform(rng, 2, 64);
    check(ndim, shape, itemsize, chance(rng, 1, 2) ? 'C' : 'F');
    if (HasFatalFailure()) return;
  }
}

TEST(FillContiguousStrides, HandPickedOverflows) {
  const ssize big = ssize{1} << 61;
  // C strides of {3, 2^61} are {8 * 2^61, 8}: the first is not representable. Fortran
  // strides are {8, 24}: fine.
  check(2, {3, big}, 8, 'C');
  check(2, {3, big}, 8, 'F');
  // Only the product of *all* extents overflows, and no stride holds it.
  check(2, {ssize{1} << 62, 4}, 1, 'C');
  check(2, {4, ssize{1} << 62}, 1, 'F');
  // A zero extent makes the later strides 0, but an overflow before it still fails.
  check(4, {5, 0, ssize{1} << 62, ssize{1} << 62}, 2, 'C');
  check(4, {5, 0, ssize{1} << 62, ssize{1} << 62}, 2, 'F');
  check(3, {ssize{1} << 40, ssize{1} << 40, 0}, 1, 'C');
}

TEST(FillContiguousStrides, ZeroDimensionsWriteNothing) {
  std::vector<ssize> strides = guarded_strides();
  EXPECT_TRUE(core::fill_contiguous_strides(0, nullptr, strides.data(), 8, 'C').ok());
  EXPECT_TRUE(core::fill_contiguous_strides(0, nullptr, nullptr, 8, 'F').ok());
  EXPECT_TRUE(untouched_from(strides, 0));
}

TEST(FillContiguousStrides, Errors) {
  std::vector<ssize> shape(core::max_ndim + 2, 2);
  std::vector<ssize> strides = guarded_strides();
  for (const int ndim : {-1, core::max_ndim + 1}) {
    const Status status = core::fill_contiguous_strides(ndim, shape.data(), strides.data(), 1, 'C');
    EXPECT_EQ(status.code, Code::ndim_out_of_range);
    EXPECT_EQ(status.value, ndim);
  }
  Status status = core::fill_contiguous_strides(2, nullptr, strides.data(), 1, 'C');
  EXPECT_EQ(status.code, Code::null_argument);
  EXPECT_STREQ(status.what, "shape");
  status = core::fill_contiguous_strides(2, shape.data(), nullptr, 1, 'F');
  EXPECT_EQ(status.code, Code::null_argument);
  EXPECT_STREQ(status.what, "strides");
  EXPECT_TRUE(untouched_from(strides, 0));
}

}  // namespace
}  // namespace pybuffer::unit
