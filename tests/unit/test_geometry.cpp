// check_geometry: what a valid view turns into (explicit shape and strides, item count), and
// one test per failure status with exactly one thing wrong in the view.
#include <limits>
#include <vector>

#include <gtest/gtest.h>

#include "core/layout.hpp"
#include "random_layout.hpp"
#include "reference.hpp"
#include "seed.hpp"

namespace pybuffer::unit {
namespace {

using core::Code;
using core::Geometry;
using core::Status;
using core::View;

constexpr ssize big = ssize{1} << 62;
char memory[64];

View make_view(int ndim, const ssize *shape, const ssize *strides, ssize itemsize, ssize len,
               const ssize *suboffsets = nullptr) {
  return View{memory + 32, len, itemsize, ndim, shape, strides, suboffsets};
}

// The fields every accepted view must produce; `strides` is what the view's strides mean
// (the given ones, or C-packed when absent).
void expect_geometry(const View &view, const std::vector<ssize> &shape,
                     const std::vector<Wide> &strides, const std::string &what) {
  SCOPED_TRACE(what);
  Geometry geometry;
  const Status status = core::check_geometry(view, geometry);
  ASSERT_TRUE(status.ok()) << "code " << static_cast<int>(status.code) << " dim " << status.dim;
  EXPECT_EQ(geometry.buf, view.buf);
  EXPECT_EQ(geometry.itemsize, view.itemsize);
  EXPECT_EQ(geometry.ndim, view.ndim);
  EXPECT_EQ(geometry.suboffsets, view.suboffsets);
  EXPECT_TRUE(Wide{geometry.items} == extent_product(shape.data(), 0, view.ndim));
  for (int d = 0; d < view.ndim; ++d) {
    const auto i = static_cast<std::size_t>(d);
    EXPECT_EQ(geometry.shape[d], shape[i]) << "dimension " << d;
    EXPECT_TRUE(Wide{geometry.strides[d]} == strides[i])
        << "dimension " << d << ": " << geometry.strides[d];
  }
}

std::vector<Wide> widen(const std::vector<ssize> &values) {
  return std::vector<Wide>(values.begin(), values.end());
}

TEST(CheckGeometry, AcceptsRandomViews) {
  Rng rng = rng_for("CheckGeometry.Random");
  for (int n = 0; n < 3000; ++n) {
    const Problem problem = random_problem(rng, 720);
    LayoutOptions options;
    options.zero_strides = true;
    const std::vector<ssize> strides = random_direct_strides(rng, problem, options);
    std::vector<ssize> suboffsets(problem.shape.size() + 1, -1);
    if (problem.ndim > 0) suboffsets[0] = uniform(rng, 0, 8);
    const bool pil = chance(rng, 1, 4);
    const View view =
        make_view(problem.ndim, problem.shape.data(), strides.data(), problem.itemsize,
                  problem.items * problem.itemsize, pil ? suboffsets.data() : nullptr);
    expect_geometry(view, problem.shape, widen(strides), "case " + std::to_string(n));
    // The same extents without strides: C-packed strides are filled in.
    const View packed = make_view(problem.ndim, problem.shape.data(), nullptr, problem.itemsize,
                                  problem.items * problem.itemsize);
    expect_geometry(packed, problem.shape,
                    ref_packed_strides(problem.ndim, problem.shape.data(), problem.itemsize, 'C'),
                    "case " + std::to_string(n) + " without strides");
    if (HasFatalFailure()) return;
  }
}

TEST(CheckGeometry, OneDimensionWithoutShapeTakesItsExtentFromLen) {
  expect_geometry(make_view(1, nullptr, nullptr, 8, 24), {3}, {8}, "no strides");
  const ssize backwards[] = {-8};
  expect_geometry(make_view(1, nullptr, backwards, 8, 24), {3}, {-8}, "given strides");
  expect_geometry(make_view(1, nullptr, nullptr, 3, 0), {0}, {3}, "empty");
}

TEST(CheckGeometry, ZeroDimensionsHoldOneItem) {
  expect_geometry(make_view(0, nullptr, nullptr, 24, 24), {}, {}, "0-d");
  Geometry geometry;
  const Status status = core::check_geometry(make_view(0, nullptr, nullptr, 24, 48), geometry);
  EXPECT_EQ(status.code, Code::len_mismatch);
  EXPECT_EQ(status.value, 48);
  EXPECT_EQ(status.expected, 24);
}

TEST(CheckGeometry, ExtentOneDimensionsMayHaveAnyStride) {
  const ssize shape[] = {1, 3, 1};
  const ssize strides[] = {std::numeric_limits<ssize>::min(), 4, std::numeric_limits<ssize>::max()};
  expect_geometry(make_view(3, shape, strides, 4, 12), {1, 3, 1},
                  widen({strides[0], strides[1], strides[2]}), "extremes on extent 1");
}

Status status_of(const View &view) {
  Geometry geometry;
  return core::check_geometry(view, geometry);
}

TEST(CheckGeometry, NdimOutOfRange) {
  const ssize values[core::max_ndim + 1] = {};
  for (const int ndim : {-1, core::max_ndim + 1, std::numeric_limits<int>::max()}) {
    const Status status = status_of(make_view(ndim, values, values, 1, 0));
    EXPECT_EQ(status.code, Code::ndim_out_of_range);
    EXPECT_EQ(status.value, ndim);
  }
}

TEST(CheckGeometry, BadItemsize) {
  const ssize shape[] = {2};
  for (const ssize itemsize : {ssize{0}, ssize{-1}, std::numeric_limits<ssize>::min()}) {
    const Status status = status_of(make_view(1, shape, nullptr, itemsize, 0));
    EXPECT_EQ(status.code, Code::bad_itemsize);
    EXPECT_EQ(status.value, itemsize);
  }
}

TEST(CheckGeometry, NegativeLen) {
  const ssize shape[] = {2};
  const Status status = status_of(make_view(1, shape, nullptr, 4, -8));
  EXPECT_EQ(status.code, Code::negative_len);
  EXPECT_EQ(status.value, -8);
}

TEST(CheckGeometry, MissingShape) {
  const ssize strides[] = {12, 4};
  const Status status = status_of(make_view(2, nullptr, strides, 4, 24));
  EXPECT_EQ(status.code, Code::missing_shape);
  EXPECT_EQ(status.value, 2);
}

TEST(CheckGeometry, SuboffsetsNeedStrides) {
  const ssize shape[] = {2, 3};
  const ssize suboffsets[] = {0, -1};
  EXPECT_EQ(status_of(make_view(2, shape, nullptr, 4, 24, suboffsets)).code, Code::missing_strides);
  EXPECT_EQ(status_of(make_view(1, nullptr, nullptr, 4, 8, suboffsets)).code,
            Code::missing_strides);
}

TEST(CheckGeometry, NegativeShape) {
  const ssize shape[] = {2, -1, 3};
  const ssize strides[] = {12, 4, 4};
  for (const ssize *with : {static_cast<const ssize *>(nullptr), strides}) {
    const Status status = status_of(make_view(3, shape, with, 4, 0));
    EXPECT_EQ(status.code, Code::negative_shape);
    EXPECT_EQ(status.dim, 1);
    EXPECT_EQ(status.value, -1);
  }
}

TEST(CheckGeometry, ShapeProductOverflows) {
  const ssize shape[] = {ssize{1} << 32, ssize{1} << 32};
  EXPECT_EQ(status_of(make_view(2, shape, nullptr, 1, 0)).code, Code::size_overflow);
  const ssize three[] = {3, big, 4};  // overflows only after the first two
  EXPECT_EQ(status_of(make_view(3, three, nullptr, 1, 0)).code, Code::size_overflow);
}

TEST(CheckGeometry, BytesOverflow) {
  const ssize shape[] = {big};
  EXPECT_EQ(status_of(make_view(1, shape, nullptr, 4, 0)).code, Code::size_overflow);
}

// The distance between the lowest and the highest item must be representable.
TEST(CheckGeometry, StrideSpanOverflows) {
  const ssize shape3[] = {3};
  const ssize far[] = {big};
  EXPECT_EQ(status_of(make_view(1, shape3, far, 1, 3)).code, Code::size_overflow);
  const ssize shape22[] = {2, 2};
  const ssize halves[] = {big, -big};  // each reach fits; together 2^63 does not
  EXPECT_EQ(status_of(make_view(2, shape22, halves, 1, 4)).code, Code::size_overflow);
  const ssize fits[] = {big, big - 1};
  EXPECT_TRUE(status_of(make_view(2, shape22, fits, 1, 4)).ok());
}

// One step of the most negative stride already spans 2^63 bytes, one more than any ssize.
TEST(CheckGeometry, MostNegativeStrideSpanOverflows) {
  const ssize shape2[] = {2};
  const ssize lowest[] = {std::numeric_limits<ssize>::min()};
  EXPECT_EQ(status_of(make_view(1, shape2, lowest, 1, 2)).code, Code::size_overflow);
}

TEST(CheckGeometry, LenMismatch) {
  const ssize shape[] = {2, 3};
  Status status = status_of(make_view(2, shape, nullptr, 4, 20));
  EXPECT_EQ(status.code, Code::len_mismatch);
  EXPECT_EQ(status.value, 20);
  EXPECT_EQ(status.expected, 24);
  // Without a shape the extent is len / itemsize, so a remainder cannot be described.
  status = status_of(make_view(1, nullptr, nullptr, 4, 10));
  EXPECT_EQ(status.code, Code::len_mismatch);
  EXPECT_EQ(status.value, 10);
  EXPECT_EQ(status.expected, 8);
}

// With strides absent, the Geometry's strides are the C-packed ones. An empty view with huge
// extents has no such strides (itemsize * product(later extents) is not representable), so
// it must fail as fill_contiguous_strides does for the same shape, not compute them with
// overflowing arithmetic.
TEST(CheckGeometry, EmptyViewWhosePackedStridesOverflow) {
  const ssize shape[] = {0, big, 4};
  const View view = make_view(3, shape, nullptr, 8, 0);
  ssize filled[3];
  EXPECT_EQ(core::fill_contiguous_strides(3, shape, filled, 8, 'C').code, Code::size_overflow);
  Geometry geometry;
  const Status status = core::check_geometry(view, geometry);
  EXPECT_EQ(status.code, Code::size_overflow)
      << "accepted, with strides " << geometry.strides[0] << ", " << geometry.strides[1] << ", "
      << geometry.strides[2];
}

}  // namespace
}  // namespace pybuffer::unit
