// Inputs on which CPython crashes or reads out of bounds (NULL pointers, ndim outside 0..64,
// negative extents, len inconsistent with shape * itemsize, itemsize <= 0, overflowing
// sizes, orders other than C/F/A, out-of-range indices, CopyData between different shapes).
// pybuffer deliberately answers these with an exception instead, so they are not compared:
// only pybuffer runs, and it must fail cleanly: -1 or NULL, the documented exception type
// with a message naming the problem, and not one byte written anywhere.
#include <algorithm>
#include <cctype>
#include <climits>
#include <tuple>

#include "hand_views.hpp"
#include "suite.hpp"

namespace diff {
namespace {

using Words = std::vector<const char *>;

bool mentions(const std::string &message, const Words &words) {
  std::string lower = message;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const char *w : words) {
    std::string lw = w;
    std::transform(lw.begin(), lw.end(), lw.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (lower.find(lw) != std::string::npos) return true;
  }
  return false;
}

// Takes the pending exception and checks its type and that its message names the problem.
void expect_error(PyObject *type, const Words &words) {
  const Error e = take_error();
  ASSERT_TRUE(e.set) << "no exception set";
  EXPECT_EQ(e.type.get(), type) << "raised " << e.type_name << ": " << e.message;
  std::string list;
  for (const char *w : words) list += std::string(" '") + w + "'";
  EXPECT_TRUE(mentions(e.message, words))
      << "message \"" << e.message << "\" mentions none of" << list;
}

void expect_no_error() {
  const Error e = take_error();
  EXPECT_FALSE(e.set) << "unexpected " << e.type_name << ": " << e.message;
}

// A well-formed 2-d view over hand-built memory, to be spoiled one field at a time; either
// C-contiguous (where a copy could take the memcpy shortcut) or with gaps between rows.
Layout base_layout(bool strided = false) {
  Layout l;
  l.ndim = 2;
  l.itemsize = 4;
  l.shape = {3, 4};
  l.strides = {strided ? 32 : 16, 4};
  l.len = 48;
  l.format = "i";
  return l;
}

const Words kNull = {"NULL", "null"};
const Words kNdim = {"ndim", "dimension"};
const Words kShape = {"shape", "extent"};
const Words kItemsize = {"itemsize"};
const Words kOverflow = {"overflow", "too large", "too big"};
const Words kOrder = {"order"};
const Words kLen = {"len", "length"};
const Words kStrides = {"strides"};
const Words kIndex = {"index", "indices"};
const Words kShapeOrNdim = {"shape", "extent", "ndim"};

// One way of spoiling a view, the exception it must produce and the words naming it.
struct Spoiler {
  const char *name;
  void (*apply)(Py_buffer &view, std::vector<Py_ssize_t> &scratch);
  PyObject **type;
  const Words *words;
};

const Spoiler kSpoilers[] = {
    {"ndim_negative", [](Py_buffer &v, std::vector<Py_ssize_t> &) { v.ndim = -1; },
     &PyExc_ValueError, &kNdim},
    {"ndim_65", [](Py_buffer &v, std::vector<Py_ssize_t> &) { v.ndim = 65; }, &PyExc_ValueError,
     &kNdim},
    {"negative_extent",
     [](Py_buffer &v, std::vector<Py_ssize_t> &s) {
       s = {-3, 4};
       v.shape = s.data();
     },
     &PyExc_ValueError, &kShape},
    {"itemsize_zero", [](Py_buffer &v, std::vector<Py_ssize_t> &) { v.itemsize = 0; },
     &PyExc_ValueError, &kItemsize},
    {"itemsize_negative", [](Py_buffer &v, std::vector<Py_ssize_t> &) { v.itemsize = -4; },
     &PyExc_ValueError, &kItemsize},
    {"shape_product_overflow",
     [](Py_buffer &v, std::vector<Py_ssize_t> &s) {
       s = {PY_SSIZE_T_MAX / 2, 4};
       v.shape = s.data();
     },
     &PyExc_ValueError, &kOverflow},
    {"byte_size_overflow",
     [](Py_buffer &v, std::vector<Py_ssize_t> &s) {
       s = {PY_SSIZE_T_MAX / 8, 1};
       v.shape = s.data();
       v.itemsize = 16;
     },
     &PyExc_ValueError, &kOverflow},
    {"len_not_shape_times_itemsize", [](Py_buffer &v, std::vector<Py_ssize_t> &) { v.len = 40; },
     &PyExc_BufferError, &kLen},
    {"shape_missing", [](Py_buffer &v, std::vector<Py_ssize_t> &) { v.shape = nullptr; },
     &PyExc_BufferError, &kShape},
    {"negative_len", [](Py_buffer &v, std::vector<Py_ssize_t> &) { v.len = -48; },
     &PyExc_ValueError, &kLen},
};

class Malformed : public PyTest {};

// ---- NULL arguments ---------------------------------------------------------------------

TEST_F(Malformed, GetBufferNullObject) {
  Py_buffer view = patterned_view();
  const Py_buffer before = view;
  EXPECT_EQ(ours().PyObject_GetBuffer(nullptr, &view, PyBUF_SIMPLE), -1);
  expect_error(PyExc_SystemError, kNull);
  EXPECT_EQ(std::memcmp(&view, &before, sizeof view), 0) << "the view was written";
}

// CPython passes a NULL view on to the exporter: bytes, bytearray and array refuse it with
// BufferError (what CPython's own test_obsolete_write_lock checks), others write through it.
// pybuffer raises that BufferError for every exporter, and the TypeError for non-exporters.
TEST_F(Malformed, GetBufferNullView) {
  for (const char *expr :
       {"bytearray(4)", "b'abcd'", "array.array('B', b'')", "memoryview(b'abcd')"}) {
    SCOPED_TRACE(expr);
    Ref obj = eval(expr);
    const Py_ssize_t rc = refcount(obj.get());
    EXPECT_EQ(ours().PyObject_GetBuffer(obj.get(), nullptr, PyBUF_SIMPLE), -1);
    expect_error(PyExc_BufferError, {"view==NULL"});
    EXPECT_EQ(refcount(obj.get()), rc);
  }
  Ref number = eval("42");
  EXPECT_EQ(ours().PyObject_GetBuffer(number.get(), nullptr, PyBUF_SIMPLE), -1);
  expect_error(PyExc_TypeError, {"bytes-like object is required"});
}

TEST_F(Malformed, CheckBufferNull) {
  EXPECT_EQ(ours().PyObject_CheckBuffer(nullptr), 0);
  expect_no_error();
}

TEST_F(Malformed, ReleaseNullIsANoOp) {
  ours().PyBuffer_Release(nullptr);
  expect_no_error();
}

TEST_F(Malformed, IsContiguousNullView) {
  EXPECT_EQ(ours().PyBuffer_IsContiguous(nullptr, 'C'), 0);
  expect_no_error();
}

TEST_F(Malformed, GetPointerNullView) {
  const Py_ssize_t idx[2] = {0, 0};
  EXPECT_EQ(ours().PyBuffer_GetPointer(nullptr, idx), nullptr);
  expect_error(PyExc_SystemError, kNull);
}

TEST_F(Malformed, GetPointerNullIndices) {
  HandView view(base_layout(), 1);
  EXPECT_EQ(ours().PyBuffer_GetPointer(&view.view(), nullptr), nullptr);
  expect_error(PyExc_SystemError, kNull);
}

TEST_F(Malformed, FillContiguousStridesNullArrays) {
  Py_ssize_t shape[2] = {3, 4};
  Guarded strides(2 * sizeof(Py_ssize_t));
  const std::string before = strides.all_bytes();
  ours().PyBuffer_FillContiguousStrides(2, nullptr, reinterpret_cast<Py_ssize_t *>(strides.data()),
                                        4, 'C');
  expect_error(PyExc_SystemError, kNull);
  EXPECT_EQ(strides.all_bytes(), before);
  ours().PyBuffer_FillContiguousStrides(2, shape, nullptr, 4, 'C');
  expect_error(PyExc_SystemError, kNull);
}

TEST_F(Malformed, SizeFromFormatNull) {
  EXPECT_EQ(ours().PyBuffer_SizeFromFormat(nullptr), -1);
  expect_error(PyExc_SystemError, kNull);
}

TEST_F(Malformed, ToContiguousNullArguments) {
  HandView view(base_layout(), 2);
  Guarded dest(48);
  const std::string before = dest.all_bytes();
  EXPECT_EQ(ours().PyBuffer_ToContiguous(dest.data(), nullptr, 48, 'C'), -1);
  expect_error(PyExc_SystemError, kNull);
  EXPECT_EQ(ours().PyBuffer_ToContiguous(nullptr, &view.view(), 48, 'C'), -1);
  expect_error(PyExc_SystemError, kNull);
  EXPECT_EQ(dest.all_bytes(), before);
}

TEST_F(Malformed, FromContiguousNullArguments) {
  HandView view(base_layout(), 3);
  const std::string before = view.all_bytes();
  Guarded src(48);
  EXPECT_EQ(ours().PyBuffer_FromContiguous(nullptr, src.data(), 48, 'C'), -1);
  expect_error(PyExc_SystemError, kNull);
  EXPECT_EQ(ours().PyBuffer_FromContiguous(&view.view(), nullptr, 48, 'C'), -1);
  expect_error(PyExc_SystemError, kNull);
  EXPECT_EQ(view.all_bytes(), before);
}

TEST_F(Malformed, CopyDataNullArguments) {
  Ref obj = eval("bytearray(pat(4))");
  const std::string before = snapshot(obj.get());
  EXPECT_EQ(ours().PyObject_CopyData(nullptr, obj.get()), -1);
  expect_error(PyExc_SystemError, kNull);
  EXPECT_EQ(ours().PyObject_CopyData(obj.get(), nullptr), -1);
  expect_error(PyExc_SystemError, kNull);
  EXPECT_EQ(snapshot(obj.get()), before);
}

TEST_F(Malformed, CheckReadBufferNull) {
  EXPECT_EQ(ours().PyObject_CheckReadBuffer(nullptr), 0);
  expect_no_error();
}

// ---- spoiled views ------------------------------------------------------------------------

using SpoiledParam = std::tuple<Spoiler, bool>;  // (spoiler, strided base)

class SpoiledView : public PyParamTest<SpoiledParam> {
 protected:
  const Spoiler &spoiler() const { return std::get<0>(GetParam()); }
  void SetUp() override {
    hand_ = std::make_unique<HandView>(base_layout(std::get<1>(GetParam())), 4);
    view_ = hand_->view();
    spoiler().apply(view_, scratch_);
    before_ = hand_->all_bytes();
  }
  void expect_memory_untouched() {
    EXPECT_EQ(hand_->all_bytes(), before_) << "view memory was written";
  }

  std::unique_ptr<HandView> hand_;
  Py_buffer view_{};
  std::vector<Py_ssize_t> scratch_;
  std::string before_;
};

// CPython's contiguity test reads only ndim, shape and strides, so it is well-defined on a
// view spoiled anywhere else, and pybuffer must give its answer. It is not when ndim is out of
// range or the shape is missing (it reads past or through the arrays): pybuffer says 0.
bool cpython_judges_contiguity(const Spoiler &s) {
  const std::string name = s.name;
  return name != "ndim_negative" && name != "ndim_65" && name != "shape_missing";
}

TEST_P(SpoiledView, IsContiguousAnswersAsCPythonOrSaysNo) {
  const bool cpython_judges = cpython_judges_contiguity(spoiler());
  for (char order : {'C', 'F', 'A'}) {
    const int expected = cpython_judges ? real().PyBuffer_IsContiguous(&view_, order) : 0;
    expect_no_error();
    EXPECT_EQ(ours().PyBuffer_IsContiguous(&view_, order), expected) << "order " << order;
    expect_no_error();
  }
}

TEST_P(SpoiledView, ToContiguousFails) {
  for (char order : {'C', 'F', 'A'}) {
    Guarded dest(64);
    const std::string before = dest.all_bytes();
    EXPECT_EQ(ours().PyBuffer_ToContiguous(dest.data(), &view_, view_.len, order), -1)
        << "order " << order;
    const Spoiler &s = spoiler();
    expect_error(*s.type, *s.words);
    EXPECT_EQ(dest.all_bytes(), before) << "destination written, order " << order;
  }
  expect_memory_untouched();
}

TEST_P(SpoiledView, FromContiguousFails) {
  for (char order : {'C', 'F', 'A'}) {
    Guarded src(64, 0x77);
    const Py_ssize_t len = std::max<Py_ssize_t>(view_.len, 0);
    EXPECT_EQ(ours().PyBuffer_FromContiguous(&view_, src.data(), len, order), -1)
        << "order " << order;
    const Spoiler &s = spoiler();
    expect_error(*s.type, *s.words);
  }
  expect_memory_untouched();
}

// GetPointer reads neither len nor itemsize nor the product of the shape, and CPython's
// reads no shape at all: with only those spoiled, [0, 0] is still an item, and both
// implementations must point at it. A spoiled ndim or extent makes pybuffer refuse.
bool get_pointer_ignores(const Spoiler &s) {
  const std::string name = s.name;
  return name == "len_not_shape_times_itemsize" || name == "negative_len" ||
         name == "itemsize_zero" || name == "itemsize_negative" ||
         name == "shape_product_overflow" || name == "byte_size_overflow" ||
         name == "shape_missing";
}

TEST_P(SpoiledView, GetPointerPointsAsCPythonOrFails) {
  const Spoiler &s = spoiler();
  const Py_ssize_t idx[2] = {0, 0};
  if (get_pointer_ignores(s)) {
    void *expected = real().PyBuffer_GetPointer(&view_, idx);
    expect_no_error();
    ASSERT_EQ(expected, view_.buf);
    EXPECT_EQ(ours().PyBuffer_GetPointer(&view_, idx), expected);
    expect_no_error();
    return;
  }
  EXPECT_EQ(ours().PyBuffer_GetPointer(&view_, idx), nullptr);
  expect_error(*s.type, *s.words);
}

INSTANTIATE_TEST_SUITE_P(Malformed, SpoiledView,
                         testing::Combine(testing::ValuesIn(kSpoilers), testing::Bool()),
                         [](const testing::TestParamInfo<SpoiledParam> &info) {
                           return std::string(std::get<0>(info.param).name) +
                                  (std::get<1>(info.param) ? "_strided_base" : "_contiguous_base");
                         });

TEST_F(Malformed, MissingStridesForGetPointer) {
  HandView hand(base_layout(), 5);
  Py_buffer view = hand.view();
  view.strides = nullptr;
  const Py_ssize_t idx[2] = {1, 2};
  EXPECT_EQ(ours().PyBuffer_GetPointer(&view, idx), nullptr);
  expect_error(PyExc_BufferError, kStrides);
}

TEST_F(Malformed, BadOrder) {
  HandView hand(base_layout(), 6);
  const std::string before = hand.all_bytes();
  for (char order : {'X', 'c', '\0'}) {
    Guarded dest(48);
    const std::string dest_before = dest.all_bytes();
    EXPECT_EQ(ours().PyBuffer_ToContiguous(dest.data(), &hand.view(), 48, order), -1);
    expect_error(PyExc_ValueError, kOrder);
    EXPECT_EQ(dest.all_bytes(), dest_before);
    Guarded src(48, 0x11);
    EXPECT_EQ(ours().PyBuffer_FromContiguous(&hand.view(), src.data(), 48, order), -1);
    expect_error(PyExc_ValueError, kOrder);
  }
  EXPECT_EQ(hand.all_bytes(), before);
}

TEST_F(Malformed, FromContiguousNegativeLen) {
  HandView hand(base_layout(), 7);
  const std::string before = hand.all_bytes();
  Guarded src(48);
  EXPECT_EQ(ours().PyBuffer_FromContiguous(&hand.view(), src.data(), -1, 'C'), -1);
  expect_error(PyExc_ValueError, kLen);
  EXPECT_EQ(hand.all_bytes(), before);
}

TEST_F(Malformed, GetPointerIndexOutOfRange) {
  HandView hand(base_layout(), 8);
  const Py_ssize_t cases[][2] = {
      {3, 0}, {0, 4}, {-1, 0}, {0, -1}, {PY_SSIZE_T_MAX, 0}, {0, PY_SSIZE_T_MIN}};
  for (const auto &idx : cases) {
    EXPECT_EQ(ours().PyBuffer_GetPointer(&hand.view(), idx), nullptr) << idx[0] << "," << idx[1];
    expect_error(PyExc_IndexError, kIndex);
  }
}

// CPython stores a negative len as given, and every later function trusts it; pybuffer
// refuses it up front and leaves the view alone.
TEST_F(Malformed, FillInfoNegativeLen) {
  Ref obj = eval("bytearray(2)");
  Guarded memory(8);
  for (Py_ssize_t len : {Py_ssize_t{-1}, Py_ssize_t{-5}, PY_SSIZE_T_MIN}) {
    Py_buffer view = patterned_view();
    const Py_buffer before = view;
    const Py_ssize_t rc = refcount(obj.get());
    EXPECT_EQ(ours().PyBuffer_FillInfo(&view, obj.get(), memory.data(), len, 0, PyBUF_FULL_RO), -1);
    expect_error(PyExc_ValueError, kLen);
    EXPECT_EQ(std::memcmp(&view, &before, sizeof view), 0) << "the view was written";
    EXPECT_EQ(refcount(obj.get()), rc);
  }
}

// ---- FillContiguousStrides ------------------------------------------------------------------

struct StridesCase {
  const char *name;
  int ndim;
  std::vector<Py_ssize_t> shape;
  int itemsize;
  PyObject **type;
  const Words *words;
};

char strides_order(const StridesCase &c) {
  return std::string(c.name).find("_f") != std::string::npos ? 'F' : 'C';
}

class MalformedFillStrides : public PyParamTest<StridesCase> {};

TEST_P(MalformedFillStrides, NothingWritten) {
  const StridesCase &c = GetParam();
  std::vector<Py_ssize_t> shape = c.shape;
  shape.resize(80, 1);  // room for whatever ndim claims, so only the check can stop the call
  Guarded strides(80 * sizeof(Py_ssize_t));
  const std::string before = strides.all_bytes();
  ours().PyBuffer_FillContiguousStrides(c.ndim, shape.data(),
                                        reinterpret_cast<Py_ssize_t *>(strides.data()), c.itemsize,
                                        strides_order(c));
  expect_error(*c.type, *c.words);
  EXPECT_EQ(strides.all_bytes(), before) << "strides written";
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, MalformedFillStrides,
    // Negative extents and itemsizes are plain arithmetic in CPython (no crash), so they are
    // compared in test_layout.cpp; only what CPython cannot survive is here.
    testing::Values(
        StridesCase{"ndim_negative", -1, {3}, 4, &PyExc_ValueError, &kNdim},
        StridesCase{"ndim_65", 65, {}, 4, &PyExc_ValueError, &kNdim},
        StridesCase{
            "stride_overflow_c", 3, {2, PY_SSIZE_T_MAX / 4, 2}, 8, &PyExc_ValueError, &kOverflow},
        StridesCase{
            "stride_overflow_f", 3, {2, PY_SSIZE_T_MAX / 4, 2}, 8, &PyExc_ValueError, &kOverflow}),
    [](const testing::TestParamInfo<StridesCase> &info) { return std::string(info.param.name); });

// ---- CopyData between different shapes ------------------------------------------------------

struct ShapeMismatch {
  const char *name;
  const char *expr;  // (dest, src, dest_root, src_root)
};

class MalformedCopyData : public PyParamTest<ShapeMismatch> {};

TEST_P(MalformedCopyData, ShapeMismatchFails) {
  Ref tuple = eval(GetParam().expr);
  if (!tuple && PyErr_ExceptionMatches(unavailable_error())) GTEST_SKIP() << take_error_text();
  ASSERT_TRUE(tuple) << take_error_text();
  PyObject *dest_root = PyTuple_GET_ITEM(tuple.get(), 2),
           *src_root = PyTuple_GET_ITEM(tuple.get(), 3);
  const std::string dest_before = snapshot(dest_root), src_before = snapshot(src_root);
  EXPECT_EQ(
      ours().PyObject_CopyData(PyTuple_GET_ITEM(tuple.get(), 0), PyTuple_GET_ITEM(tuple.get(), 1)),
      -1);
  expect_error(PyExc_BufferError, kShapeOrNdim);
  EXPECT_EQ(snapshot(dest_root), dest_before) << "destination written";
  EXPECT_EQ(snapshot(src_root), src_before);
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, MalformedCopyData,
    testing::Values(
        ShapeMismatch{"strided_1d_from_2d",
                      "pair(mv(bytearray(16), slice(None, None, 2)), same(nd([2, 4], 'B', W)))"},
        ShapeMismatch{
            "transposed_noncontiguous",
            "pair(sliced(nd([3, 4], 'i', W), slice(None, None, -1)), same(nd([4, 3], 'i', W)))"},
        ShapeMismatch{"fortran_from_c_other_shape",
                      "pair(same(nd([4, 3], 'h', W | FORTRAN)), same(nd([3, 4], 'h', W)))"},
        ShapeMismatch{
            "larger_strided_dest",
            "pair(sliced(nd([8, 4], 'i', W), slice(None, None, 2)), same(nd([3, 4], 'i', W)))"},
        ShapeMismatch{"ndim_differs_pil",
                      "pair(same(nd([12], 'B', W)), same(nd([3, 4], 'B', W | PIL)))"}),
    [](const testing::TestParamInfo<ShapeMismatch> &info) { return std::string(info.param.name); });

}  // namespace
}  // namespace diff
