// is_c_contiguous, is_f_contiguous and is_contiguous against CPython's definitions written
// out in tests/common/reference_model.cpp, on random well-formed views and on hand-picked edge
// cases.
#include <algorithm>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

#include "core/layout.hpp"
#include "reference.hpp"
#include "seed.hpp"

namespace pybuffer::unit {
namespace {

using core::View;

constexpr ssize itemsizes[] = {1, 2, 3, 4, 8, 16, 24};
constexpr char all_orders[] = {'C', 'F', 'A', 'c', 'f', 'a', 'X', '\0'};

View make_view(int ndim, const ssize *shape, const ssize *strides, ssize itemsize,
               const ssize *suboffsets = nullptr) {
  static char byte;
  const Wide items = extent_product(shape, 0, ndim);
  return View{&byte,     static_cast<ssize>(items) * itemsize, itemsize, ndim, shape, strides,
              suboffsets};
}

// Strides that are packed in C or Fortran order, in a random order, or packed and then
// disturbed in one dimension: each near miss of a contiguous layout is produced often.
std::vector<ssize> random_strides(Rng &rng, const std::vector<ssize> &shape, ssize itemsize) {
  const int ndim = static_cast<int>(shape.size());
  std::vector<int> order(shape.size());
  for (int i = 0; i < ndim; ++i) order[static_cast<std::size_t>(i)] = i;
  const long long kind = uniform(rng, 0, 5);
  if (kind == 0 || kind == 3) std::reverse(order.begin(), order.end());  // C: last innermost
  if (kind == 2) std::shuffle(order.begin(), order.end(), rng);
  std::vector<ssize> strides(shape.size(), 0);
  ssize step = itemsize;
  for (const int d : order) {
    strides[static_cast<std::size_t>(d)] = step;
    step *= shape[static_cast<std::size_t>(d)];
  }
  if (kind >= 3 && ndim > 0) {
    const auto d = static_cast<std::size_t>(uniform(rng, 0, ndim - 1));
    switch (uniform(rng, 0, 3)) {
      case 0:
        strides[d] += itemsize;
        break;
      case 1:
        strides[d] = -strides[d];
        break;
      case 2:
        strides[d] = 0;
        break;
      default:
        strides[d] -= 1;
    }
  }
  if (kind == 5) {
    for (auto &stride : strides) stride = itemsize * uniform(rng, -3, 3);
  }
  // Extent-1 dimensions impose nothing: give them arbitrary strides now and then.
  for (std::size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] <= 1 && chance(rng, 1, 2)) strides[d] = uniform(rng, -1000, 1000);
  }
  return strides;
}

std::vector<ssize> random_shape(Rng &rng) {
  if (chance(rng, 1, 20)) {
    std::vector<ssize> shape(core::max_ndim, 1);
    for (long long k = uniform(rng, 0, 3); k > 0; --k) {
      shape[static_cast<std::size_t>(uniform(rng, 0, core::max_ndim - 1))] = uniform(rng, 0, 3);
    }
    return shape;
  }
  std::vector<ssize> shape(static_cast<std::size_t>(uniform(rng, 0, 6)));
  for (auto &extent : shape) extent = chance(rng, 1, 10) ? 0 : uniform(rng, 1, 4);
  return shape;
}

TEST(Contiguity, RandomViewsMatchReference) {
  Rng rng = rng_for("Contiguity.Random");
  for (int n = 0; n < 6000; ++n) {
    const std::vector<ssize> shape = random_shape(rng);
    const int ndim = static_cast<int>(shape.size());
    const ssize itemsize = itemsizes[uniform(rng, 0, 6)];
    const std::vector<ssize> strides = random_strides(rng, shape, itemsize);
    const bool no_strides = chance(rng, 1, 6);
    std::vector<ssize> suboffsets(shape.size() + 1, -1);
    if (!suboffsets.empty()) suboffsets[0] = uniform(rng, -1, 8);
    const bool pil = chance(rng, 1, 8);
    const View view = make_view(ndim, shape.data(), no_strides ? nullptr : strides.data(), itemsize,
                                pil ? suboffsets.data() : nullptr);
    auto describe = [&] {
      std::string text = "case " + std::to_string(n) + " ndim=" + std::to_string(ndim) +
                         " itemsize=" + std::to_string(itemsize) +
                         " len=" + std::to_string(view.len) + (pil ? " suboffsets" : "") +
                         " shape/strides:";
      for (int d = 0; d < ndim; ++d) {
        text += " " + std::to_string(shape[static_cast<std::size_t>(d)]) + "/" +
                (no_strides ? "-" : std::to_string(strides[static_cast<std::size_t>(d)]));
      }
      return text;
    };
    if (!pil) {
      // CPython's C/Fortran tests ignore suboffsets; only is_contiguous rejects them.
      ASSERT_EQ(core::is_c_contiguous(view), ref_is_c_contiguous(view)) << describe();
      ASSERT_EQ(core::is_f_contiguous(view), ref_is_f_contiguous(view)) << describe();
    }
    for (const char order : all_orders) {
      ASSERT_EQ(core::is_contiguous(view, order), ref_is_contiguous(view, order))
          << describe() << " order=" << static_cast<int>(order);
    }
  }
}

// The copies' one-memcpy test: contiguous by CPython's rule and, from first principles,
// sizes that agree (len == product(shape) * itemsize exactly, every extent >= 0). Views with
// a wrong len, negative or huge extents, no strides and suboffsets are all drawn; a view
// without shape is `len` flat bytes, as check_sizes documents.
TEST(Contiguity, OneBlockIsContiguousWithAgreeingSizes) {
  Rng rng = rng_for("Contiguity.OneBlock");
  for (int n = 0; n < 6000; ++n) {
    std::vector<ssize> shape = random_shape(rng);
    const int ndim = static_cast<int>(shape.size());
    const ssize itemsize = itemsizes[uniform(rng, 0, 6)];
    const std::vector<ssize> strides = random_strides(rng, shape, itemsize);
    if (ndim > 0 && chance(rng, 1, 30)) {
      shape[static_cast<std::size_t>(uniform(rng, 0, ndim - 1))] =
          chance(rng, 1, 2) ? -1 : std::numeric_limits<ssize>::max() / 2;
    }
    std::vector<ssize> suboffsets(shape.size() + 1, -1);
    const Wide items = extent_product(shape.data(), 0, ndim);
    const Wide bytes = wide_mul(items < 0 ? 0 : items, itemsize);
    static char byte;
    View view{&byte,
              fits_ssize(bytes) ? static_cast<ssize>(bytes) : 0,
              itemsize,
              ndim,
              shape.data(),
              chance(rng, 1, 8) ? nullptr : strides.data(),
              chance(rng, 1, 8) ? suboffsets.data() : nullptr};
    if (chance(rng, 1, 10) && view.len < (ssize{1} << 40)) view.len += uniform(rng, -2, 2);
    bool sizes_agree = view.len >= 0 && fits_ssize(bytes) && view.len == static_cast<ssize>(bytes);
    // check_sizes multiplies itemsize by the extents in dimension order: a partial product
    // past ssize is an overflow even when a later extent 0 would bring it back.
    Wide running = itemsize;
    for (const ssize extent : shape) {
      sizes_agree = sizes_agree && extent >= 0 && fits_ssize(running);
      running = wide_mul(running, extent < 0 ? 0 : extent);
    }
    // A view without shape (a 0-d one here: an empty vector has no data) is len flat bytes.
    if (view.shape == nullptr) sizes_agree = view.len >= 0;
    for (const char order : all_orders) {
      const bool contiguous = ref_is_contiguous(view, order);
      ASSERT_EQ(core::is_one_block(view, order), sizes_agree && contiguous)
          << "case " << n << " ndim=" << ndim << " len=" << view.len
          << " order=" << static_cast<int>(order);
    }
  }
}

struct Expect {
  bool c;
  bool f;
};

void expect_contiguity(const View &view, Expect expect, const char *what) {
  SCOPED_TRACE(what);
  EXPECT_EQ(core::is_c_contiguous(view), expect.c);
  EXPECT_EQ(core::is_f_contiguous(view), expect.f);
  EXPECT_EQ(core::is_contiguous(view, 'C'), expect.c);
  EXPECT_EQ(core::is_contiguous(view, 'F'), expect.f);
  EXPECT_EQ(core::is_contiguous(view, 'A'), expect.c || expect.f);
  EXPECT_FALSE(core::is_contiguous(view, 'X'));
}

TEST(Contiguity, HandPickedViews) {
  const ssize shape23[] = {2, 3};
  const ssize c23[] = {12, 4};
  const ssize f23[] = {4, 8};
  const ssize padded23[] = {16, 4};
  expect_contiguity(make_view(2, shape23, c23, 4), {true, false}, "2x3 C");
  expect_contiguity(make_view(2, shape23, f23, 4), {false, true}, "2x3 Fortran");
  expect_contiguity(make_view(2, shape23, padded23, 4), {false, false}, "2x3 padded rows");

  const ssize shape3[] = {3};
  const ssize forward[] = {8};
  const ssize backward[] = {-8};
  expect_contiguity(make_view(1, shape3, forward, 8), {true, true}, "1-d packed");
  expect_contiguity(make_view(1, shape3, backward, 8), {false, false}, "1-d reversed");

  // An extent-1 dimension is never stepped along, so its stride is irrelevant.
  const ssize shape31[] = {3, 1};
  const ssize odd31[] = {4, 999};
  expect_contiguity(make_view(2, shape31, odd31, 4), {true, true}, "3x1, junk unit stride");

  const ssize scalar_strides[] = {12345};
  expect_contiguity(make_view(0, nullptr, scalar_strides, 8), {true, true}, "0-d");

  // len == 0: contiguous whatever the strides, but never with suboffsets.
  const ssize shape20[] = {2, 0};
  const ssize junk[] = {-7, 13};
  const View empty = make_view(2, shape20, junk, 4);
  ASSERT_EQ(empty.len, 0);
  expect_contiguity(empty, {true, true}, "empty");
  const ssize suboffsets[] = {-1, -1};
  const View empty_pil = make_view(2, shape20, junk, 4, suboffsets);
  for (const char order : all_orders) EXPECT_FALSE(core::is_contiguous(empty_pil, order));
  const View packed_pil = make_view(2, shape23, c23, 4, suboffsets);
  for (const char order : all_orders) EXPECT_FALSE(core::is_contiguous(packed_pil, order));
}

// CPython's rules read shape and strides only: a len that disagrees with the shape (a
// broken exporter) changes nothing here; the copy paths check sizes on their own.
TEST(Contiguity, LenIsNotConsulted) {
  const ssize shape23[] = {2, 3};
  const ssize c23[] = {12, 4};
  View too_long = make_view(2, shape23, c23, 4);
  too_long.len = 28;
  expect_contiguity(too_long, {true, false}, "2x3 C, len 28");
  EXPECT_FALSE(core::check_sizes(too_long).ok());
}

TEST(Contiguity, WithoutStridesTheViewIsCOrdered) {
  const ssize shape23[] = {2, 3};
  const ssize shape13[] = {1, 3};
  expect_contiguity(make_view(2, shape23, nullptr, 4), {true, false}, "2x3");
  expect_contiguity(make_view(2, shape13, nullptr, 4), {true, true}, "1x3");
  expect_contiguity(make_view(1, shape23, nullptr, 4), {true, true}, "1-d");
  expect_contiguity(make_view(0, nullptr, nullptr, 4), {true, true}, "0-d");
  View simple = make_view(1, shape23, nullptr, 4);
  simple.shape = nullptr;  // PyBUF_SIMPLE: one dimension, no shape
  expect_contiguity(simple, {true, true}, "1-d without shape");

  std::vector<ssize> wide(core::max_ndim, 1);
  wide[40] = 3;
  expect_contiguity(make_view(core::max_ndim, wide.data(), nullptr, 2), {true, true},
                    "64-d, one long dimension");
  wide[7] = 2;
  expect_contiguity(make_view(core::max_ndim, wide.data(), nullptr, 2), {true, false},
                    "64-d, two long dimensions");
}

TEST(Contiguity, SixtyFourDimensions) {
  std::vector<ssize> shape(core::max_ndim, 1);
  std::vector<ssize> strides(core::max_ndim, -5);  // every extent is 1: strides are moot
  expect_contiguity(make_view(core::max_ndim, shape.data(), strides.data(), 8), {true, true},
                    "all extents 1");
  shape[3] = 2;
  shape[60] = 3;
  strides[60] = 8;
  strides[3] = 24;
  expect_contiguity(make_view(core::max_ndim, shape.data(), strides.data(), 8), {true, false},
                    "C packed");
  strides[3] = 8;
  strides[60] = 16;
  expect_contiguity(make_view(core::max_ndim, shape.data(), strides.data(), 8), {false, true},
                    "Fortran packed");
}

// itemsize * product(later extents) may not be representable; a stride equal to its wrapped
// value must not be mistaken for it.
TEST(Contiguity, UnrepresentablePackedStrideNeverMatches) {
  const ssize min = std::numeric_limits<ssize>::min();
  const ssize c_shape[] = {3, ssize{1} << 62, 2};
  const ssize c_strides[] = {min, 2, 1};  // 2 * 2^62 wraps to min
  const View c_view{nullptr, 1, 1, 3, c_shape, c_strides, nullptr};
  EXPECT_FALSE(core::is_c_contiguous(c_view));
  EXPECT_FALSE(core::is_contiguous(c_view, 'A'));

  const ssize f_shape[] = {2, ssize{1} << 62, 3};
  const ssize f_strides[] = {1, 2, min};
  const View f_view{nullptr, 1, 1, 3, f_shape, f_strides, nullptr};
  EXPECT_FALSE(core::is_f_contiguous(f_view));
  EXPECT_FALSE(core::is_contiguous(f_view, 'A'));
}

// Views no exporter may produce: the answer is "not contiguous" (which sends callers to the
// checked path), never a crash. len is non-zero so the empty-view rule does not apply.
TEST(Contiguity, MalformedViewsWithStridesAreNotContiguous) {
  std::vector<ssize> shape(core::max_ndim + 2, 2);
  std::vector<ssize> strides(core::max_ndim + 2, 8);
  for (const int ndim : {-1, core::max_ndim + 1, std::numeric_limits<int>::min()}) {
    const View view{nullptr, 8, 8, ndim, shape.data(), strides.data(), nullptr};
    SCOPED_TRACE(ndim);
    expect_contiguity(view, {false, false}, "ndim out of range");
  }
  const View no_shape{nullptr, 8, 8, 2, nullptr, strides.data(), nullptr};
  expect_contiguity(no_shape, {false, false}, "ndim 2 without shape");
}

// layout.hpp: "A view too malformed to judge (ndim out of range, ...) is reported as not
// contiguous"; a missing strides array does not make ndim valid.
TEST(Contiguity, MalformedNdimWithoutStridesIsNotContiguous) {
  const ssize shape[] = {2, 2};
  for (const int ndim : {-1, core::max_ndim + 1}) {
    const View view{nullptr, 8, 8, ndim, shape, nullptr, nullptr};
    SCOPED_TRACE(ndim);
    expect_contiguity(view, {false, false}, "ndim out of range, no strides");
  }
}

TEST(Contiguity, MissingShapeWithoutStridesDoesNotCrash) {
  // Fortran order needs the extents to judge; C order is implied by the absent strides.
  const View view{nullptr, 8, 8, 2, nullptr, nullptr, nullptr};
  EXPECT_FALSE(core::is_f_contiguous(view));
  EXPECT_FALSE(core::is_contiguous(view, 'F'));
  (void)core::is_c_contiguous(view);
  (void)core::is_contiguous(view, 'A');
}

}  // namespace
}  // namespace pybuffer::unit
