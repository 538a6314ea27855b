// The layout functions on hand-built views over plain memory (no exporter): IsContiguous,
// GetPointer, FillContiguousStrides, ToContiguous and FromContiguous, for every ndim 0-4 and
// 64, positive, negative and zero strides, zero extents and PIL-style suboffsets. The
// layouts are random from a fixed seed (printed at start; PYBUFFER_DIFF_SEED overrides it)
// and always well formed: the inputs on which CPython's behaviour is defined.
#include <algorithm>

#include "suite.hpp"
#include "view_checks.hpp"

namespace diff {
namespace {

struct HandCase {
  size_t spec;
  char order;
  const char *len_kind;  // how len relates to view.len (To/FromContiguous only)
};

const HandSpec &spec_of(const HandCase &c) {
  return hand_specs()[c.spec];
}

std::string hand_name(const testing::TestParamInfo<HandCase> &info) {
  const HandCase &c = info.param;
  std::string name = spec_of(c).name;
  if (c.order != 0) name += std::string("_") + (c.order == 'X' ? "bad" : std::string(1, c.order));
  if (c.len_kind != nullptr) name += std::string("_") + c.len_kind;
  return test_name(name);
}

Py_ssize_t len_for(const Layout &l, const std::string &kind) {
  if (kind == "exact" || kind == "full") return l.len;
  if (kind == "plus1") return l.len + 1;
  if (kind == "minus1") return l.len - 1;
  if (kind == "partial") return l.len / 2 + 1;
  if (kind == "larger") return l.len + l.itemsize + 3;
  return 0;  // "zero"
}

// CPython's FromContiguous walks a view that is not contiguous in `order` through its
// strides; without strides that would read NULL[i], so those inputs are not compared.
bool from_defined(const Layout &l, char order) {
  if (!l.strides_null || order != 'F' || l.len == 0) return true;
  return std::count_if(l.shape.begin(), l.shape.end(), [](Py_ssize_t e) { return e > 1; }) <= 1;
}

std::vector<HandCase> cases(const std::vector<char> &orders, const std::vector<const char *> &lens,
                            bool for_from = false, bool walkable_only = false) {
  std::vector<HandCase> out;
  for (size_t i = 0; i < hand_specs().size(); ++i) {
    const Layout &l = hand_specs()[i].layout;
    // GetPointer needs strides (for ndim > 0) and an index in range (no zero extents).
    if (walkable_only && ((l.strides_null && l.ndim > 0) || l.items() == 0)) continue;
    for (char order : orders) {
      if (for_from && !from_defined(l, order)) continue;
      for (const char *len : lens) out.push_back({i, order, len});
    }
  }
  return out;
}

class HandIsContiguous : public PyParamTest<HandCase> {};

TEST_P(HandIsContiguous, Same) {
  const HandSpec &spec = spec_of(GetParam());
  HandView view(spec.layout, spec.fill_seed);
  Diff d;
  compare_is_contiguous(d, view.view(), GetParam().order);
  DIFF_EXPECT_SAME(d, spec.layout.describe());
}

INSTANTIATE_TEST_SUITE_P(Hand, HandIsContiguous,
                         testing::ValuesIn(cases({'C', 'F', 'A', 'X'}, {nullptr})), hand_name);

class HandGetPointer : public PyParamTest<HandCase> {};

TEST_P(HandGetPointer, EveryIndex) {
  const HandSpec &spec = spec_of(GetParam());
  HandView view(spec.layout, spec.fill_seed);
  Diff d;
  const auto indices = all_indices(spec.layout.shape, 4096);
  for (const auto &idx : indices) {
    compare_get_pointer(d, view.view(), idx);
    // The test's own walk is a third opinion: it tells which side is wrong.
    void *expected = view.item_address(idx.empty() ? nullptr : idx.data());
    void *got =
        real().PyBuffer_GetPointer(&view.view(), idx.empty() ? &spec.layout.len : idx.data());
    EXPECT_EQ(expected, got) << "the suite's own walk disagrees with CPython";
  }
  DIFF_EXPECT_SAME(d, spec.layout.describe());
}

INSTANTIATE_TEST_SUITE_P(Hand, HandGetPointer,
                         testing::ValuesIn(cases({0}, {nullptr}, false, true)), hand_name);

class HandFillContiguousStrides : public PyParamTest<HandCase> {};

TEST_P(HandFillContiguousStrides, Same) {
  const HandSpec &spec = spec_of(GetParam());
  const Layout &l = spec.layout;
  constexpr Py_ssize_t kSentinel = -0x5A5A5A5A;
  constexpr size_t kPad = 4;  // sentinel slots on each side of the arrays
  std::vector<Py_ssize_t> rshape(l.ndim + 2 * kPad, kSentinel), oshape(rshape);
  std::copy(l.shape.begin(), l.shape.end(), rshape.begin() + kPad);
  std::copy(l.shape.begin(), l.shape.end(), oshape.begin() + kPad);
  std::vector<Py_ssize_t> rstrides(l.ndim + 2 * kPad, kSentinel), ostrides(rstrides);
  const int itemsize = static_cast<int>(l.itemsize);
  real().PyBuffer_FillContiguousStrides(l.ndim, rshape.data() + kPad, rstrides.data() + kPad,
                                        itemsize, GetParam().order);
  const Error er = take_error();
  ours().PyBuffer_FillContiguousStrides(l.ndim, oshape.data() + kPad, ostrides.data() + kPad,
                                        itemsize, GetParam().order);
  const Error eo = take_error();
  Diff d;
  if (rstrides != ostrides) {
    std::string text;
    for (size_t i = 0; i < rstrides.size(); ++i) {
      if (rstrides[i] != ostrides[i]) {
        text += " [" + std::to_string(static_cast<long>(i) - static_cast<long>(kPad)) + "] " +
                std::to_string(rstrides[i]) + " vs " + std::to_string(ostrides[i]);
      }
    }
    d.note("differing strides (CPython vs pybuffer):" + text);
  }
  d.field("shape untouched", rshape == oshape, true);
  d.errors("PyBuffer_FillContiguousStrides", er, eo);
  count_case("PyBuffer_FillContiguousStrides");
  DIFF_EXPECT_SAME(d, "ndim=" + std::to_string(l.ndim) + " itemsize=" + std::to_string(itemsize) +
                          " " + l.describe() + " order " + GetParam().order);
}

INSTANTIATE_TEST_SUITE_P(Hand, HandFillContiguousStrides,
                         testing::ValuesIn(cases({'C', 'F', 'A'}, {nullptr})), hand_name);

// Values outside what a layout would use, which CPython's FillContiguousStrides still
// handles as plain arithmetic: negative extents, itemsize 0 or negative, and ndim 0 with
// no arrays at all.
struct OddStrides {
  const char *name;
  std::vector<Py_ssize_t> shape;
  int itemsize;
  char order;
  bool null_arrays;
};

class FillContiguousStridesOdd : public PyParamTest<OddStrides> {};

TEST_P(FillContiguousStridesOdd, Same) {
  const OddStrides &p = GetParam();
  const int ndim = static_cast<int>(p.shape.size());
  std::vector<Py_ssize_t> rshape = p.shape, oshape = p.shape;
  std::vector<Py_ssize_t> rstrides(ndim + 1, -77), ostrides(ndim + 1, -77);
  real().PyBuffer_FillContiguousStrides(ndim, p.null_arrays ? nullptr : rshape.data(),
                                        p.null_arrays ? nullptr : rstrides.data(), p.itemsize,
                                        p.order);
  const Error er = take_error();
  ours().PyBuffer_FillContiguousStrides(ndim, p.null_arrays ? nullptr : oshape.data(),
                                        p.null_arrays ? nullptr : ostrides.data(), p.itemsize,
                                        p.order);
  const Error eo = take_error();
  Diff d;
  for (int i = 0; i <= ndim; ++i)
    d.field("strides[" + std::to_string(i) + "]", rstrides[i], ostrides[i]);
  d.errors("PyBuffer_FillContiguousStrides", er, eo);
  count_case("PyBuffer_FillContiguousStrides");
  DIFF_EXPECT_SAME(d, p.name);
}

INSTANTIATE_TEST_SUITE_P(
    Arguments, FillContiguousStridesOdd,
    testing::Values(OddStrides{"negative_extent_c", {3, -1, 2}, 4, 'C', false},
                    OddStrides{"negative_extent_f", {3, -1, 2}, 4, 'F', false},
                    OddStrides{"itemsize_zero", {3, 4}, 0, 'C', false},
                    OddStrides{"itemsize_negative_c", {3, 4}, -8, 'C', false},
                    OddStrides{"itemsize_negative_f", {3, 4}, -8, 'F', false},
                    OddStrides{"ndim0_no_arrays", {}, 4, 'C', true},
                    OddStrides{"order_lowercase_f_is_c", {2, 3}, 2, 'f', false}),
    [](const testing::TestParamInfo<OddStrides> &info) { return std::string(info.param.name); });

class HandToContiguous : public PyParamTest<HandCase> {};

TEST_P(HandToContiguous, Same) {
  const HandSpec &spec = spec_of(GetParam());
  HandView view(spec.layout, spec.fill_seed);
  const std::string before = view.all_bytes();
  Diff d;
  compare_to_contiguous(d, view.view(), len_for(spec.layout, GetParam().len_kind),
                        GetParam().order);
  d.field("source view memory untouched", view.all_bytes() == before, true);
  DIFF_EXPECT_SAME(d, spec.layout.describe());
}

INSTANTIATE_TEST_SUITE_P(Hand, HandToContiguous,
                         testing::ValuesIn(cases({'C', 'F', 'A'}, {"exact", "plus1", "minus1"})),
                         hand_name);

class HandFromContiguous : public PyParamTest<HandCase> {};

TEST_P(HandFromContiguous, Same) {
  const HandSpec &spec = spec_of(GetParam());
  Diff d;
  compare_from_contiguous(d, spec.layout, spec.fill_seed, nullptr,
                          len_for(spec.layout, GetParam().len_kind), GetParam().order);
  DIFF_EXPECT_SAME(d, spec.layout.describe());
}

INSTANTIATE_TEST_SUITE_P(Hand, HandFromContiguous,
                         testing::ValuesIn(cases({'C', 'F', 'A'},
                                                 {"full", "partial", "larger", "zero"}, true)),
                         hand_name);

}  // namespace
}  // namespace diff
