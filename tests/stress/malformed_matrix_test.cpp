// The malformed-input matrix: one TEST per row of the table in README ("Deliberate differences"
// and the robustness matrix), named <Function>_<Input>. Each feeds pybuffer (through the
// pybuffer_ twins) an input on which CPython crashes, reads or writes outside the view, or
// overflows, and checks the return value, the exception's type and message, and that no byte
// of any buffer the function could write (each surrounded by guard bytes) has changed. Rows
// where pybuffer and CPython agree on a clean error are included, marked "same as CPython".
#include <Python.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <pybuffer/pybuffer.h>

#include "embedded_python.hpp"
#include "guarded_buffer.hpp"

namespace pybuffer::stress {
namespace {

constexpr Py_ssize_t ssize_min = std::numeric_limits<Py_ssize_t>::min();

// `bytes` usable bytes between two guards, all patterned, so that any write (inside or around
// the usable part) is visible; untouched() is the gtest form of first_change().
class Guarded : public pybuffer_test::GuardedBuffer {
 public:
  using GuardedBuffer::GuardedBuffer;
  char *data() { return as<char>(); }
  ::testing::AssertionResult untouched() const {
    long offset = 0;
    if (!first_change(&offset)) return ::testing::AssertionSuccess();
    const bool in_guard = offset < 0 || offset >= static_cast<long>(size());
    return ::testing::AssertionFailure()
           << "byte " << offset << (in_guard ? " (a guard)" : "") << " changed";
  }
};

Py_buffer make_view(void *buf, Py_ssize_t len, Py_ssize_t itemsize, int ndim, Py_ssize_t *shape,
                    Py_ssize_t *strides, Py_ssize_t *suboffsets = nullptr) {
  Py_buffer view;
  std::memset(&view, 0, sizeof view);
  view.buf = buf;
  view.len = len;
  view.itemsize = itemsize;
  view.ndim = ndim;
  view.format = const_cast<char *>("B");
  view.shape = shape;
  view.strides = strides;
  view.suboffsets = suboffsets;
  return view;
}

// The bytearray's export count is back to 0, where the runtime keeps one (bytearray_exports is
// -1 on PyPy, whose bytearray is never pinned by an export; reference counts are still checked).
::testing::AssertionResult no_export_left(PyObject *bytearray) {
  const long exports = bytearray_exports(bytearray);
  if (exports <= 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << exports << " exports left open";
}

PyObject *struct_error() {
  static Ref error = eval("struct.error");
  return error.get();
}

// ---------------------------------------------------------------------------------------------
// NULL pointers

TEST(Malformed, CheckBuffer_NullObject) {
  EXPECT_EQ(pybuffer_PyObject_CheckBuffer(nullptr), 0);
  EXPECT_FALSE(PyErr_Occurred());
}

TEST(Malformed, GetBuffer_NullObject) {
  Guarded view(sizeof(Py_buffer));
  EXPECT_EQ(pybuffer_PyObject_GetBuffer(nullptr, view.as<Py_buffer>(), PyBUF_SIMPLE), -1);
  EXPECT_TRUE(raised_like(take_exception(), PyExc_SystemError, "PyObject_GetBuffer: obj is NULL"));
  EXPECT_TRUE(view.untouched());
}

TEST(Malformed, GetBuffer_NullView) {
  Ref obj = eval("bytearray(8)");
  const Py_ssize_t refs = Py_REFCNT(obj.get());
  EXPECT_EQ(pybuffer_PyObject_GetBuffer(obj.get(), nullptr, PyBUF_SIMPLE), -1);
  // CPython hands the NULL view to the exporter; its own (bytearray here) refuse it this way.
  EXPECT_TRUE(raised_like(take_exception(), PyExc_BufferError,
                          "PyObject_GetBuffer: view==NULL argument is obsolete"));
  EXPECT_EQ(Py_REFCNT(obj.get()), refs);
  EXPECT_TRUE(no_export_left(obj.get()));
}

TEST(Malformed, Release_NullView) {
  // A no-op that keeps the exception the caller is cleaning up after.
  PyErr_SetString(PyExc_KeyError, "pending");
  pybuffer_PyBuffer_Release(nullptr);
  EXPECT_TRUE(raised_like(take_exception(), PyExc_KeyError, "pending"));
}

TEST(Malformed, IsContiguous_NullView) {
  for (const char order : {'C', 'F', 'A'}) {
    EXPECT_EQ(pybuffer_PyBuffer_IsContiguous(nullptr, order), 0);
  }
  EXPECT_FALSE(PyErr_Occurred());
}

TEST(Malformed, GetPointer_NullView) {
  const Py_ssize_t indices[1] = {0};
  EXPECT_EQ(pybuffer_PyBuffer_GetPointer(nullptr, indices), nullptr);
  EXPECT_TRUE(
      raised_like(take_exception(), PyExc_SystemError, "PyBuffer_GetPointer: view is NULL"));
}

TEST(Malformed, GetPointer_NullIndices) {
  Guarded memory(24);
  Py_ssize_t shape[2] = {2, 3};
  Py_ssize_t strides[2] = {12, 4};
  const Py_buffer view = make_view(memory.data(), 24, 4, 2, shape, strides);
  EXPECT_EQ(pybuffer_PyBuffer_GetPointer(&view, nullptr), nullptr);
  EXPECT_TRUE(raised_like(take_exception(), PyExc_SystemError, "indices is NULL"));
}

TEST(Malformed, FillContiguousStrides_NullShape) {
  Guarded strides(3 * sizeof(Py_ssize_t));
  pybuffer_PyBuffer_FillContiguousStrides(3, nullptr, strides.as<Py_ssize_t>(), 4, 'C');
  EXPECT_TRUE(raised_like(take_exception(), PyExc_SystemError,
                          "PyBuffer_FillContiguousStrides: shape is NULL"));
  EXPECT_TRUE(strides.untouched());
}

TEST(Malformed, FillContiguousStrides_NullStrides) {
  Py_ssize_t shape[3] = {2, 3, 4};
  pybuffer_PyBuffer_FillContiguousStrides(3, shape, nullptr, 4, 'F');
  EXPECT_TRUE(raised_like(take_exception(), PyExc_SystemError,
                          "PyBuffer_FillContiguousStrides: strides is NULL"));
}

TEST(Malformed, FillInfo_NullView) {  // same as CPython
  Ref obj = eval("bytes(4)");
  const Py_ssize_t refs = Py_REFCNT(obj.get());
  char memory[4];
  EXPECT_EQ(pybuffer_PyBuffer_FillInfo(nullptr, obj.get(), memory, 4, 1, PyBUF_SIMPLE), -1);
  EXPECT_TRUE(raised_like(take_exception(), PyExc_BufferError, "view==NULL argument is obsolete"));
  EXPECT_EQ(Py_REFCNT(obj.get()), refs);
}

TEST(Malformed, SizeFromFormat_NullFormat) {
  EXPECT_EQ(pybuffer_PyBuffer_SizeFromFormat(nullptr), -1);
  EXPECT_TRUE(
      raised_like(take_exception(), PyExc_SystemError, "PyBuffer_SizeFromFormat: format is NULL"));
}

TEST(Malformed, ToContiguous_NullView) {
  Guarded dest(16);
  EXPECT_EQ(pybuffer_PyBuffer_ToContiguous(dest.data(), nullptr, 16, 'C'), -1);
  EXPECT_TRUE(
      raised_like(take_exception(), PyExc_SystemError, "PyBuffer_ToContiguous: view is NULL"));
  EXPECT_TRUE(dest.untouched());
}

TEST(Malformed, ToContiguous_NullBuf) {
  Guarded memory(16);
  Py_ssize_t shape[1] = {4};
  Py_ssize_t strides[1] = {4};
  const Py_buffer view = make_view(memory.data(), 16, 4, 1, shape, strides);
  EXPECT_EQ(pybuffer_PyBuffer_ToContiguous(nullptr, &view, 16, 'C'), -1);
  EXPECT_TRUE(
      raised_like(take_exception(), PyExc_SystemError, "PyBuffer_ToContiguous: buf is NULL"));
  EXPECT_TRUE(memory.untouched());
}

TEST(Malformed, ToContiguous_NullBufZeroLen) {
  // Nothing to copy, so NULL is acceptable; nothing may be passed on to memcpy either.
  Guarded memory(8);
  Py_ssize_t shape[1] = {0};
  Py_ssize_t strides[1] = {4};
  const Py_buffer view = make_view(memory.data(), 0, 4, 1, shape, strides);
  EXPECT_EQ(pybuffer_PyBuffer_ToContiguous(nullptr, &view, 0, 'C'), 0);
  EXPECT_FALSE(PyErr_Occurred());
  EXPECT_TRUE(memory.untouched());
}

TEST(Malformed, FromContiguous_NullView) {
  Guarded src(16);
  EXPECT_EQ(pybuffer_PyBuffer_FromContiguous(nullptr, src.data(), 16, 'C'), -1);
  EXPECT_TRUE(
      raised_like(take_exception(), PyExc_SystemError, "PyBuffer_FromContiguous: view is NULL"));
  EXPECT_TRUE(src.untouched());
}

TEST(Malformed, FromContiguous_NullBuf) {
  Guarded memory(16);
  Py_ssize_t shape[1] = {4};
  Py_ssize_t strides[1] = {4};
  const Py_buffer view = make_view(memory.data(), 16, 4, 1, shape, strides);
  EXPECT_EQ(pybuffer_PyBuffer_FromContiguous(&view, nullptr, 16, 'C'), -1);
  EXPECT_TRUE(
      raised_like(take_exception(), PyExc_SystemError, "PyBuffer_FromContiguous: buf is NULL"));
  EXPECT_TRUE(memory.untouched());
}

TEST(Malformed, FromContiguous_NullBufZeroLen) {
  Guarded memory(16);
  Py_ssize_t shape[1] = {4};
  Py_ssize_t strides[1] = {4};
  const Py_buffer view = make_view(memory.data(), 16, 4, 1, shape, strides);
  EXPECT_EQ(pybuffer_PyBuffer_FromContiguous(&view, nullptr, 0, 'C'), 0);
  EXPECT_FALSE(PyErr_Occurred());
  EXPECT_TRUE(memory.untouched());
}

TEST(Malformed, CopyData_NullDest) {
  Ref src = eval("bytes(8)");
  const Py_ssize_t refs = Py_REFCNT(src.get());
  EXPECT_EQ(pybuffer_PyObject_CopyData(nullptr, src.get()), -1);
  EXPECT_TRUE(raised_like(take_exception(), PyExc_SystemError, "PyObject_CopyData: dest is NULL"));
  EXPECT_EQ(Py_REFCNT(src.get()), refs);
}

TEST(Malformed, CopyData_NullSrc) {
  Ref dest = eval("bytearray(8)");
  EXPECT_EQ(pybuffer_PyObject_CopyData(dest.get(), nullptr), -1);
  EXPECT_TRUE(raised_like(take_exception(), PyExc_SystemError, "PyObject_CopyData: src is NULL"));
  EXPECT_TRUE(no_export_left(dest.get()));
}

TEST(Malformed, LegacyBuffers_NullArguments) {  // same as CPython
  Ref obj = eval("bytearray(8)");
  const char *chars = nullptr;
  const void *read = nullptr;
  void *write = nullptr;
  Py_ssize_t len = -7;
  EXPECT_EQ(pybuffer_PyObject_AsCharBuffer(nullptr, &chars, &len), -1);
  EXPECT_TRUE(raised_like(take_exception(), PyExc_SystemError, "null argument"));
  EXPECT_EQ(pybuffer_PyObject_AsReadBuffer(obj.get(), nullptr, &len), -1);
  EXPECT_TRUE(raised_like(take_exception(), PyExc_SystemError, "null argument"));
  EXPECT_EQ(pybuffer_PyObject_AsWriteBuffer(obj.get(), &write, nullptr), -1);
  EXPECT_TRUE(raised_like(take_exception(), PyExc_SystemError, "null argument"));
  EXPECT_EQ(pybuffer_PyObject_AsReadBuffer(nullptr, &read, &len), -1);
  EXPECT_TRUE(raised_like(take_exception(), PyExc_SystemError, "null argument"));
  EXPECT_EQ(len, -7);
  EXPECT_TRUE(no_export_left(obj.get()));
}

TEST(Malformed, CheckReadBuffer_NullObject) {
  EXPECT_EQ(pybuffer_PyObject_CheckReadBuffer(nullptr), 0);
  EXPECT_FALSE(PyErr_Occurred());
}

// ---------------------------------------------------------------------------------------------
// ndim outside 0..64

TEST(Malformed, IsContiguous_NdimOutOfRange) {
  Guarded memory(64);
  Guarded shape(sizeof(Py_ssize_t));
  Guarded strides(sizeof(Py_ssize_t));
  *shape.as<Py_ssize_t>() = 4;
  *strides.as<Py_ssize_t>() = 1;
  for (const int ndim : {-1, 65, std::numeric_limits<int>::max()}) {
    const Py_buffer view =
        make_view(memory.data(), 4, 1, ndim, shape.as<Py_ssize_t>(), strides.as<Py_ssize_t>());
    for (const char order : {'C', 'F', 'A'}) {
      EXPECT_EQ(pybuffer_PyBuffer_IsContiguous(&view, order), 0) << ndim << " " << order;
    }
  }
  EXPECT_FALSE(PyErr_Occurred());
}

TEST(Malformed, GetPointer_NdimOutOfRange) {
  Guarded memory(64);
  std::vector<Py_ssize_t> shape(70, 1);
  std::vector<Py_ssize_t> strides(70, 1);
  std::vector<Py_ssize_t> indices(70, 0);
  for (const int ndim : {65, -1}) {
    const Py_buffer view = make_view(memory.data(), 1, 1, ndim, shape.data(), strides.data());
    EXPECT_EQ(pybuffer_PyBuffer_GetPointer(&view, indices.data()), nullptr);
    EXPECT_TRUE(raised_like(
        take_exception(), PyExc_ValueError,
        ndim == 65 ? "PyBuffer_GetPointer: ndim is 65, must be in 0..64" : "ndim is -1"));
  }
}

TEST(Malformed, FillContiguousStrides_NdimOutOfRange) {
  std::vector<Py_ssize_t> shape(65, 1);
  Guarded strides(64 * sizeof(Py_ssize_t));  // CPython would write a 65th stride past the end
  for (const int ndim : {65, -1}) {
    pybuffer_PyBuffer_FillContiguousStrides(ndim, shape.data(), strides.as<Py_ssize_t>(), 1, 'C');
    EXPECT_TRUE(raised_like(take_exception(), PyExc_ValueError,
                            ndim == 65 ? "ndim is 65, must be in 0..64" : "ndim is -1"));
    EXPECT_TRUE(strides.untouched());
  }
}

TEST(Malformed, ToContiguous_NdimOutOfRange) {
  Guarded memory(64);
  Guarded dest(8);
  std::vector<Py_ssize_t> shape(70, 1);
  std::vector<Py_ssize_t> strides(70, 2);  // extent 1 everywhere: any stride is fine
  shape[0] = 8;                            // ... except here: 2 is not packed, so not contiguous
  const Py_buffer view = make_view(memory.data(), 8, 1, 65, shape.data(), strides.data());
  EXPECT_EQ(pybuffer_PyBuffer_ToContiguous(dest.data(), &view, 8, 'C'), -1);
  EXPECT_TRUE(raised_like(take_exception(), PyExc_ValueError, "ndim is 65"));
  EXPECT_TRUE(dest.untouched());
}

TEST(Malformed, FromContiguous_NdimOutOfRange) {
  Guarded memory(64);
  Guarded src(8);
  std::vector<Py_ssize_t> shape(70, 1);
  std::vector<Py_ssize_t> strides(70, 2);
  shape[0] = 8;
  const Py_buffer view = make_view(memory.data(), 8, 1, 65, shape.data(), strides.data());
  EXPECT_EQ(pybuffer_PyBuffer_FromContiguous(&view, src.data(), 8, 'F'), -1);
  EXPECT_TRUE(raised_like(take_exception(), PyExc_ValueError, "ndim is 65"));
  EXPECT_TRUE(memory.untouched());
}

// ---------------------------------------------------------------------------------------------
// Negative extents

TEST(Malformed, ToContiguous_NegativeShape) {
  Guarded memory(64);
  Guarded dest(16);
  Py_ssize_t shape[2] = {2, -2};
  Py_ssize_t strides[2] = {16, 4};
  const Py_buffer view = make_view(memory.data(), 16, 4, 2, shape, strides);
  EXPECT_EQ(pybuffer_PyBuffer_ToContiguous(dest.data(), &view, 16, 'C'), -1);
  EXPECT_TRUE(raised_like(take_exception(), PyExc_ValueError,
                          "PyBuffer_ToContiguous: shape[1] is -2, must be >= 0"));
  EXPECT_TRUE(dest.untouched());
}

TEST(Malformed, FromContiguous_NegativeShape) {
  Guarded memory(64);
  Guarded src(16);
  Py_ssize_t shape[2] = {-1, 4};
  Py_ssize_t strides[2] = {16, 8};
  const Py_buffer view = make_view(memory.data(), 16, 4, 2, shape, strides);
  EXPECT_EQ(pybuffer_PyBuffer_FromContiguous(&view, src.data(), 16, 'C'), -1);
  EXPECT_TRUE(raised_like(take_exception(), PyExc_ValueError, "shape[0] is -1, must be >= 0"));
  EXPECT_TRUE(memory.untouched());
}

TEST(Malformed, GetPointer_NegativeShape) {
  Guarded memory(64);
  Py_ssize_t shape[2] = {2, -3};
  Py_ssize_t strides[2] = {8, 1};
  Py_ssize_t indices[2] = {1, 0};
  const Py_buffer view = make_view(memory.data(), 16, 1, 2, shape, strides);
  EXPECT_EQ(pybuffer_PyBuffer_GetPointer(&view, indices), nullptr);
  EXPECT_TRUE(raised_like(take_exception(), PyExc_ValueError,
                          "PyBuffer_GetPointer: shape[1] is -3, must be >= 0"));
}

TEST(Malformed, GetPointer_ExtentMinimum) {
  // The most negative extent must be reported like any other (no arithmetic on it).
  Guarded memory(64);
  Py_ssize_t shape[1] = {ssize_min};
  Py_ssize_t strides[1] = {1};
  Py_ssize_t indices[1] = {0};
  const Py_buffer view = make_view(memory.data(), 16, 1, 1, shape, strides);
  EXPECT_EQ(pybuffer_PyBuffer_GetPointer(&view, indices), nullptr);
  EXPECT_TRUE(raised_like(take_exception(), PyExc_ValueError,
                          "shape[0] is -9223372036854775808, must be >= 0"));
}

// ---------------------------------------------------------------------------------------------
// Products that overflow Py_ssize_t

TEST(Malformed, ToContiguous_ShapeProductOverflow) {
  Guarded memory(64);
  Guarded dest(8);
  Py_ssize_t shape[2] = {Py_ssize_t{1} << 62, 4};
  Py_ssize_t strides[2] = {0, 0};
  const Py_buffer view = make_view(memory.data(), 8, 1, 2, shape, strides);
  EXPECT_EQ(pybuffer_PyBuffer_ToContiguous(dest.data(), &view, 8, 'C'), -1);
  EXPECT_TRUE(
      raised_like(take_exception(), PyExc_ValueError, "the product of shape overflows Py_ssize_t"));
  EXPECT_TRUE(dest.untouched());
}

TEST(Malformed, ToContiguous_ShapeTimesItemsizeOverflow) {
  Guarded memory(64);
  Guarded dest(8);
  Py_ssize_t shape[1] = {Py_ssize_t{1} << 61};
  Py_ssize_t strides[1] = {0};
  const Py_buffer view = make_view(memory.data(), 8, 8, 1, shape, strides);
  EXPECT_EQ(pybuffer_PyBuffer_ToContiguous(dest.data(), &view, 8, 'C'), -1);
  EXPECT_TRUE(raised_like(take_exception(), PyExc_ValueError,
                          "the product of shape and itemsize overflows Py_ssize_t"));
  EXPECT_TRUE(dest.untouched());
}

TEST(Malformed, ToContiguous_StrideReachOverflow) {
  Guarded memory(64);
  Guarded dest(3);
  Py_ssize_t shape[1] = {3};
  Py_ssize_t strides[1] = {Py_ssize_t{1} << 62};  // 2 steps of 2^62 do not fit
  const Py_buffer view = make_view(memory.data(), 3, 1, 1, shape, strides);
  EXPECT_EQ(pybuffer_PyBuffer_ToContiguous(dest.data(), &view, 3, 'C'), -1);
  EXPECT_TRUE(raised_like(take_exception(), PyExc_ValueError, "strides times shape overflows"));
  EXPECT_TRUE(dest.untouched());
}

TEST(Malformed, FillContiguousStrides_Overflow) {
  Py_ssize_t shape[3] = {2, Py_ssize_t{1} << 40, Py_ssize_t{1} << 40};
  Guarded strides(3 * sizeof(Py_ssize_t));
  pybuffer_PyBuffer_FillContiguousStrides(3, shape, strides.as<Py_ssize_t>(), 8, 'C');
  EXPECT_TRUE(raised_like(take_exception(), PyExc_ValueError,
                          "PyBuffer_FillContiguousStrides: the contiguous strides overflows"));
  EXPECT_TRUE(strides.untouched()) << "a partial result was written";
}

TEST(Malformed, ToContiguous_EmptyIndirectViewWithHugeExtent) {
  // Well-formed (no items), but the extents before the zero one do not multiply: a copy must
  // not compute packed strides for it.
  Guarded memory(8);
  Guarded dest(1);
  Py_ssize_t shape[2] = {0, Py_ssize_t{1} << 62};
  Py_ssize_t strides[2] = {8, 0};
  Py_ssize_t suboffsets[2] = {-1, -1};  // never contiguous: the general path is taken
  const Py_buffer view = make_view(memory.data(), 0, 8, 2, shape, strides, suboffsets);
  EXPECT_EQ(pybuffer_PyBuffer_ToContiguous(dest.data(), &view, 0, 'C'), 0);
  EXPECT_EQ(pybuffer_PyBuffer_FromContiguous(&view, dest.data(), 0, 'F'), 0);
  EXPECT_FALSE(PyErr_Occurred());
  EXPECT_TRUE(dest.untouched());
  EXPECT_TRUE(memory.untouched());
}

// ---------------------------------------------------------------------------------------------
// Lengths

TEST(Malformed, ToContiguous_LenArgumentMismatch) {  // same as CPython
  Guarded memory(16);
  Guarded dest(16);
  Py_ssize_t shape[1] = {16};
  Py_ssize_t strides[1] = {1};
  const Py_buffer view = make_view(memory.data(), 16, 1, 1, shape, strides);
  EXPECT_EQ(pybuffer_PyBuffer_ToContiguous(dest.data(), &view, 12, 'C'), -1);
  EXPECT_TRUE(
      raised_like(take_exception(), PyExc_ValueError, "PyBuffer_ToContiguous: len != view->len"));
  EXPECT_TRUE(dest.untouched());
}

TEST(Malformed, ToContiguous_ViewLenMismatch) {
  Guarded memory(128);
  Guarded dest(100);
  Py_ssize_t shape[2] = {2, 3};
  Py_ssize_t strides[2] = {4, 8};  // Fortran-like with a gap: not contiguous
  const Py_buffer view = make_view(memory.data(), 100, 4, 2, shape, strides);
  EXPECT_EQ(pybuffer_PyBuffer_ToContiguous(dest.data(), &view, 100, 'C'), -1);
  EXPECT_TRUE(raised_like(take_exception(), PyExc_BufferError,
                          "view len is 100 but shape and itemsize give 24"));
  EXPECT_TRUE(dest.untouched());
}

TEST(Malformed, IsContiguous_LenMismatchIgnored) {  // same as CPython
  // CPython's rules read only shape and strides (len only as "== 0"): a packed 2x3 view of
  // 4-byte items is C-contiguous whatever len says; copies check len separately.
  Guarded memory(128);
  Py_ssize_t shape[2] = {2, 3};
  Py_ssize_t c_strides[2] = {12, 4};
  for (const Py_ssize_t len : {Py_ssize_t{24}, Py_ssize_t{100}, Py_ssize_t{1}, Py_ssize_t{-5}}) {
    const Py_buffer view = make_view(memory.data(), len, 4, 2, shape, c_strides);
    EXPECT_EQ(pybuffer_PyBuffer_IsContiguous(&view, 'C'), 1) << len;
    EXPECT_EQ(pybuffer_PyBuffer_IsContiguous(&view, 'A'), 1) << len;
    EXPECT_EQ(pybuffer_PyBuffer_IsContiguous(&view, 'F'), 0) << len;
  }
  EXPECT_FALSE(PyErr_Occurred());
}

TEST(Malformed, ToContiguous_ContiguousViewLenMismatch) {
  // Contiguous by its strides but len larger than its items: CPython memcpys len bytes,
  // reading past the 24 bytes the view describes. Refused before any byte is copied.
  Guarded memory(24);
  Guarded dest(100);
  Py_ssize_t shape[2] = {2, 3};
  Py_ssize_t strides[2] = {12, 4};
  const Py_buffer view = make_view(memory.data(), 100, 4, 2, shape, strides);
  EXPECT_EQ(pybuffer_PyBuffer_ToContiguous(dest.data(), &view, 100, 'C'), -1);
  EXPECT_TRUE(raised_like(take_exception(), PyExc_BufferError,
                          "view len is 100 but shape and itemsize give 24"));
  EXPECT_TRUE(dest.untouched());
  EXPECT_TRUE(memory.untouched());
}

TEST(Malformed, FromContiguous_ViewLenMismatch) {
  Guarded memory(128);
  Guarded src(100);
  Py_ssize_t shape[2] = {2, 3};
  Py_ssize_t strides[2] = {4, 8};
  const Py_buffer view = make_view(memory.data(), 100, 4, 2, shape, strides);
  EXPECT_EQ(pybuffer_PyBuffer_FromContiguous(&view, src.data(), 100, 'C'), -1);
  EXPECT_TRUE(raised_like(take_exception(), PyExc_BufferError,
                          "view len is 100 but shape and itemsize give 24"));
  EXPECT_TRUE(memory.untouched());
}

TEST(Malformed, ToContiguous_NegativeLen) {
  Guarded memory(16);
  Guarded dest(16);
  Py_ssize_t shape[1] = {4};
  Py_ssize_t strides[1] = {4};
  const Py_buffer view = make_view(memory.data(), -1, 4, 1, shape, strides);
  EXPECT_EQ(pybuffer_PyBuffer_ToContiguous(dest.data(), &view, -1, 'C'), -1);
  EXPECT_TRUE(raised_like(take_exception(), PyExc_ValueError, "len is -1, must be >= 0"));
  EXPECT_TRUE(dest.untouched());
}

TEST(Malformed, FromContiguous_NegativeLen) {
  Guarded memory(16);
  Guarded src(16);
  Py_ssize_t shape[1] = {4};
  Py_ssize_t strides[1] = {4};
  const Py_buffer view = make_view(memory.data(), 16, 4, 1, shape, strides);
  EXPECT_EQ(pybuffer_PyBuffer_FromContiguous(&view, src.data(), -5, 'C'), -1);
  EXPECT_TRUE(raised_like(take_exception(), PyExc_ValueError, "len is -5, must be >= 0"));
  EXPECT_TRUE(memory.untouched());
}

TEST(Malformed, FillInfo_NegativeLen) {
  Ref obj = eval("bytes(4)");
  const Py_ssize_t refs = Py_REFCNT(obj.get());
  Guarded view(sizeof(Py_buffer));
  char memory[4];
  EXPECT_EQ(
      pybuffer_PyBuffer_FillInfo(view.as<Py_buffer>(), obj.get(), memory, -1, 1, PyBUF_FULL_RO),
      -1);
  EXPECT_TRUE(raised_like(take_exception(), PyExc_ValueError, "PyBuffer_FillInfo: len is -1"));
  EXPECT_TRUE(view.untouched());
  EXPECT_EQ(Py_REFCNT(obj.get()), refs);
}

TEST(Malformed, CopyData_DestinationTooSmall) {  // same as CPython
  Ref dest = eval("bytearray(4)");
  Ref src = eval("bytes(range(8))");
  EXPECT_EQ(pybuffer_PyObject_CopyData(dest.get(), src.get()), -1);
  EXPECT_TRUE(raised_like(take_exception(), PyExc_BufferError, "destination is too small"));
  EXPECT_EQ(std::memcmp(PyByteArray_AS_STRING(dest.get()), "\0\0\0\0", 4), 0);
  EXPECT_TRUE(no_export_left(dest.get()));
}

// ---------------------------------------------------------------------------------------------
// itemsize <= 0

TEST(Malformed, ToContiguous_ItemsizeZero) {
  Guarded memory(64);
  Guarded dest(24);
  Py_ssize_t shape[1] = {3};
  Py_ssize_t strides[1] = {8};
  const Py_buffer view = make_view(memory.data(), 24, 0, 1, shape, strides);
  EXPECT_EQ(pybuffer_PyBuffer_ToContiguous(dest.data(), &view, 24, 'C'), -1);
  EXPECT_TRUE(raised_like(take_exception(), PyExc_ValueError, "itemsize is 0, must be > 0"));
  EXPECT_TRUE(dest.untouched());
}

TEST(Malformed, FromContiguous_ItemsizeNegative) {
  Guarded memory(64);
  Guarded src(24);
  Py_ssize_t shape[1] = {3};
  Py_ssize_t strides[1] = {8};
  const Py_buffer view = make_view(memory.data(), 24, -8, 1, shape, strides);
  EXPECT_EQ(pybuffer_PyBuffer_FromContiguous(&view, src.data(), 24, 'C'), -1);
  EXPECT_TRUE(raised_like(take_exception(), PyExc_ValueError, "itemsize is -8, must be > 0"));
  EXPECT_TRUE(memory.untouched());
}

// ---------------------------------------------------------------------------------------------
// Order characters

TEST(Malformed, ToContiguous_BadOrder) {
  Guarded memory(16);
  Guarded dest(16);
  Py_ssize_t shape[1] = {16};
  Py_ssize_t strides[1] = {1};
  const Py_buffer view = make_view(memory.data(), 16, 1, 1, shape, strides);
  EXPECT_EQ(pybuffer_PyBuffer_ToContiguous(dest.data(), &view, 16, 'X'), -1);
  EXPECT_TRUE(raised_like(take_exception(), PyExc_ValueError,
                          "PyBuffer_ToContiguous: order must be 'C', 'F' or 'A', not 'X'"));
  EXPECT_EQ(pybuffer_PyBuffer_ToContiguous(dest.data(), &view, 16, '\x01'), -1);
  EXPECT_TRUE(raised_like(take_exception(), PyExc_ValueError, "not '\\x01'"));
  EXPECT_TRUE(dest.untouched());
}

TEST(Malformed, FromContiguous_BadOrder) {
  Guarded memory(16);
  Guarded src(16);
  Py_ssize_t shape[1] = {16};
  Py_ssize_t strides[1] = {1};
  const Py_buffer view = make_view(memory.data(), 16, 1, 1, shape, strides);
  EXPECT_EQ(pybuffer_PyBuffer_FromContiguous(&view, src.data(), 16, 'c'), -1);
  EXPECT_TRUE(raised_like(take_exception(), PyExc_ValueError,
                          "PyBuffer_FromContiguous: order must be 'C', 'F' or 'A', not 'c'"));
  EXPECT_TRUE(memory.untouched());
}

TEST(Malformed, IsContiguous_BadOrder) {  // same as CPython
  Guarded memory(16);
  Py_ssize_t shape[1] = {16};
  Py_ssize_t strides[1] = {1};
  const Py_buffer view = make_view(memory.data(), 16, 1, 1, shape, strides);
  EXPECT_EQ(pybuffer_PyBuffer_IsContiguous(&view, 'X'), 0);
  EXPECT_FALSE(PyErr_Occurred());
}

TEST(Malformed, FillContiguousStrides_BadOrder) {  // same as CPython: anything but 'F' is C
  Py_ssize_t shape[3] = {2, 3, 4};
  Guarded strides(3 * sizeof(Py_ssize_t));
  pybuffer_PyBuffer_FillContiguousStrides(3, shape, strides.as<Py_ssize_t>(), 2, 'X');
  EXPECT_FALSE(PyErr_Occurred());
  const Py_ssize_t *s = strides.as<Py_ssize_t>();
  EXPECT_EQ(s[0], 24);
  EXPECT_EQ(s[1], 8);
  EXPECT_EQ(s[2], 2);
}

// ---------------------------------------------------------------------------------------------
// Missing shape, strides; indices outside the shape

TEST(Malformed, IsContiguous_MissingShape) {
  Guarded memory(64);
  Py_ssize_t strides[2] = {8, 1};
  const Py_buffer view = make_view(memory.data(), 16, 1, 2, nullptr, strides);
  for (const char order : {'C', 'F', 'A'}) {
    EXPECT_EQ(pybuffer_PyBuffer_IsContiguous(&view, order), 0) << order;
  }
  EXPECT_FALSE(PyErr_Occurred());
}

TEST(Malformed, ToContiguous_MissingShape) {
  Guarded memory(64);
  Guarded dest(16);
  Py_ssize_t strides[2] = {8, 1};
  const Py_buffer view = make_view(memory.data(), 16, 1, 2, nullptr, strides);
  EXPECT_EQ(pybuffer_PyBuffer_ToContiguous(dest.data(), &view, 16, 'C'), -1);
  EXPECT_TRUE(raised_like(take_exception(), PyExc_BufferError, "view has ndim 2 but no shape"));
  EXPECT_TRUE(dest.untouched());
}

TEST(Malformed, ToContiguous_SuboffsetsWithoutStrides) {
  Guarded memory(64);
  Guarded dest(3);
  Py_ssize_t shape[1] = {3};
  Py_ssize_t suboffsets[1] = {0};
  const Py_buffer view = make_view(memory.data(), 3, 1, 1, shape, nullptr, suboffsets);
  EXPECT_EQ(pybuffer_PyBuffer_ToContiguous(dest.data(), &view, 3, 'C'), -1);
  EXPECT_TRUE(raised_like(take_exception(), PyExc_BufferError, "view needs strides"));
  EXPECT_TRUE(dest.untouched());
}

TEST(Malformed, GetPointer_NoStrides) {
  Guarded memory(16);
  Py_ssize_t shape[1] = {4};
  Py_ssize_t indices[1] = {1};
  const Py_buffer view = make_view(memory.data(), 16, 4, 1, shape, nullptr);
  EXPECT_EQ(pybuffer_PyBuffer_GetPointer(&view, indices), nullptr);
  EXPECT_TRUE(
      raised_like(take_exception(), PyExc_BufferError, "PyBuffer_GetPointer: view needs strides"));
}

TEST(Malformed, GetPointer_IndexOutOfRange) {
  Guarded memory(24);
  Py_ssize_t shape[2] = {2, 3};
  Py_ssize_t strides[2] = {12, 4};
  const Py_buffer view = make_view(memory.data(), 24, 4, 2, shape, strides);
  Py_ssize_t past[2] = {1, 3};
  EXPECT_EQ(pybuffer_PyBuffer_GetPointer(&view, past), nullptr);
  EXPECT_TRUE(raised_like(take_exception(), PyExc_IndexError, "indices[1] is 3, outside 0..2"));
  Py_ssize_t negative[2] = {-1, 0};
  EXPECT_EQ(pybuffer_PyBuffer_GetPointer(&view, negative), nullptr);
  EXPECT_TRUE(raised_like(take_exception(), PyExc_IndexError, "indices[0] is -1, outside 0..1"));
}

TEST(Malformed, GetPointer_IndexOutOfRangeEmptyViewNullBuf) {
  // An exporter of nothing may have no memory: refused before any pointer is formed.
  Py_ssize_t shape[2] = {3, 0};
  Py_ssize_t strides[2] = {8, 1};
  const Py_buffer view = make_view(nullptr, 0, 1, 2, shape, strides);
  Py_ssize_t indices[2] = {2, 0};
  EXPECT_EQ(pybuffer_PyBuffer_GetPointer(&view, indices), nullptr);
  EXPECT_TRUE(raised_like(take_exception(), PyExc_IndexError, "indices[1] is 0"));
}

TEST(Malformed, GetPointer_EmptyIndirectView) {
  // PIL-style, empty through its last extent, and without pointer tables: CPython reads
  // buf[2 * 8] as a pointer before it meets the extent 0. Every index is checked first here.
  Guarded table(8);
  Py_ssize_t shape[2] = {3, 0};
  Py_ssize_t strides[2] = {8, 1};
  Py_ssize_t suboffsets[2] = {0, -1};
  const Py_buffer view = make_view(table.data(), 0, 1, 2, shape, strides, suboffsets);
  Py_ssize_t indices[2] = {2, 0};
  EXPECT_EQ(pybuffer_PyBuffer_GetPointer(&view, indices), nullptr);
  EXPECT_TRUE(raised_like(take_exception(), PyExc_IndexError, "indices[1] is 0"));
  EXPECT_TRUE(table.untouched());
}

// ---------------------------------------------------------------------------------------------
// PyObject_CopyData between views that do not match

TEST(Malformed, CopyData_ShapeMismatch) {
  if (!has_testbuffer()) GTEST_SKIP() << "no _testbuffer on this runtime";
  Ref dest_view = eval(
      "memoryview(_testbuffer.ndarray(list(range(40)), shape=[40], "
      "flags=_testbuffer.ND_WRITABLE))[::2]");
  Ref src = eval("memoryview(bytes(range(30)))[::2]");
  ASSERT_TRUE(dest_view && src);
  PyObject *snapshot = PyObject_CallMethod(dest_view.get(), "tobytes", nullptr);
  ASSERT_NE(snapshot, nullptr);
  EXPECT_EQ(pybuffer_PyObject_CopyData(dest_view.get(), src.get()), -1);
  EXPECT_TRUE(
      raised_like(take_exception(), PyExc_BufferError,
                  "PyObject_CopyData: destination shape[0] is 20 but source shape[0] is 15"));
  PyObject *after = PyObject_CallMethod(dest_view.get(), "tobytes", nullptr);
  ASSERT_NE(after, nullptr);
  EXPECT_EQ(PyObject_RichCompareBool(snapshot, after, Py_EQ), 1) << "the destination was written";
  Py_DECREF(snapshot);
  Py_DECREF(after);
}

TEST(Malformed, CopyData_NdimMismatch) {
  if (!has_testbuffer()) GTEST_SKIP() << "no _testbuffer on this runtime";
  Ref dest = eval("memoryview(bytearray(24))[::2]");
  Ref src = eval("_testbuffer.ndarray(list(range(12)), shape=[3, 4])[::-1]");
  ASSERT_TRUE(dest && src);
  EXPECT_EQ(pybuffer_PyObject_CopyData(dest.get(), src.get()), -1);
  EXPECT_TRUE(raised_like(take_exception(), PyExc_BufferError,
                          "destination has ndim 1 but source has ndim 2"));
  PyObject *bytes = PyObject_CallMethod(dest.get(), "tobytes", nullptr);
  ASSERT_NE(bytes, nullptr);
  EXPECT_EQ(std::memcmp(PyBytes_AS_STRING(bytes), std::string(12, '\0').data(), 12), 0);
  Py_DECREF(bytes);
}

TEST(Malformed, CopyData_NotBytesLike) {  // same as CPython
  Ref dest = eval("42");
  Ref src = eval("b'abc'");
  EXPECT_EQ(pybuffer_PyObject_CopyData(dest.get(), src.get()), -1);
  EXPECT_TRUE(raised_like(take_exception(), PyExc_TypeError, "bytes-like"));
}

TEST(Malformed, CopyData_OverlappingViews) {
  // Two strided views of one bytearray, the destination two bytes ahead of the source: the
  // result is that of copying through a temporary (CPython's loop smears the first items).
  Ref base = eval("bytearray(range(10))");
  ASSERT_TRUE(base);
  PyObject *whole = PyMemoryView_FromObject(base.get());
  ASSERT_NE(whole, nullptr);
  Ref dest(PyObject_GetItem(whole, eval("slice(2, 10, 2)").get()));
  Ref src(PyObject_GetItem(whole, eval("slice(0, 8, 2)").get()));
  Py_DECREF(whole);
  ASSERT_TRUE(dest && src);
  EXPECT_EQ(pybuffer_PyObject_CopyData(dest.get(), src.get()), 0);
  EXPECT_FALSE(PyErr_Occurred());
  const unsigned char expected[10] = {0, 1, 0, 3, 2, 5, 4, 7, 6, 9};
  EXPECT_EQ(std::memcmp(PyByteArray_AS_STRING(base.get()), expected, 10), 0);
}

// ---------------------------------------------------------------------------------------------
// Formats and exporters

TEST(Malformed, SizeFromFormat_BadFormat) {  // same as CPython: struct.calcsize's error
  EXPECT_EQ(pybuffer_PyBuffer_SizeFromFormat("invalid"), -1);
  const Raised raised = take_exception();
  EXPECT_TRUE(raised.set);
  EXPECT_EQ(raised.type, struct_error()) << raised.message;
}

TEST(Malformed, SizeFromFormat_NotUtf8) {  // same as CPython
  EXPECT_EQ(pybuffer_PyBuffer_SizeFromFormat("\xff"), -1);
  EXPECT_TRUE(raised_like(take_exception(), PyExc_UnicodeDecodeError, "utf-8"));
}

TEST(Malformed, GetBuffer_NoBufferInterface) {  // same as CPython
  Ref obj = eval("42");
  Guarded view(sizeof(Py_buffer));
  EXPECT_EQ(pybuffer_PyObject_GetBuffer(obj.get(), view.as<Py_buffer>(), PyBUF_SIMPLE), -1);
  EXPECT_TRUE(
      raised_like(take_exception(), PyExc_TypeError, "a bytes-like object is required, not 'int'"));
  EXPECT_TRUE(view.untouched());
}

TEST(Malformed, FillInfo_WritableRequestOnReadonly) {  // same as CPython
  Guarded view(sizeof(Py_buffer));
  char memory[4];
  EXPECT_EQ(pybuffer_PyBuffer_FillInfo(view.as<Py_buffer>(), nullptr, memory, 4, 1, PyBUF_WRITABLE),
            -1);
  EXPECT_TRUE(raised_like(take_exception(), PyExc_BufferError, "Object is not writable."));
  EXPECT_TRUE(view.untouched());
}

// ---------------------------------------------------------------------------------------------
// The memoryview constructors: arguments CPython only asserts (or dereferences).

TEST(Malformed, MemoryViewFromObject_NullObject) {
  EXPECT_EQ(pybuffer_PyMemoryView_FromObject(nullptr), nullptr);
  EXPECT_TRUE(
      raised_like(take_exception(), PyExc_SystemError, "PyMemoryView_FromObject: obj is NULL"));
}

TEST(Malformed, MemoryViewFromMemory_NullMemory) {
  EXPECT_EQ(pybuffer_PyMemoryView_FromMemory(nullptr, 8, PyBUF_READ), nullptr);
  EXPECT_TRUE(
      raised_like(take_exception(), PyExc_SystemError, "PyMemoryView_FromMemory: mem is NULL"));
}

TEST(Malformed, MemoryViewFromMemory_NegativeSize) {
  Guarded memory(8);
  for (const Py_ssize_t size : {Py_ssize_t{-1}, ssize_min}) {
    EXPECT_EQ(pybuffer_PyMemoryView_FromMemory(memory.data(), size, PyBUF_WRITE), nullptr);
    EXPECT_TRUE(raised_like(take_exception(), PyExc_ValueError, "must be >= 0")) << size;
  }
  EXPECT_TRUE(memory.untouched());
}

TEST(Malformed, MemoryViewFromMemory_BadFlags) {
  Guarded memory(8);
  for (const int flags : {0, PyBUF_WRITABLE, PyBUF_READ | PyBUF_WRITE, -1}) {
    EXPECT_EQ(pybuffer_PyMemoryView_FromMemory(memory.data(), 8, flags), nullptr);
    EXPECT_TRUE(
        raised_like(take_exception(), PyExc_SystemError, "flags must be PyBUF_READ or PyBUF_WRITE"))
        << flags;
  }
  EXPECT_TRUE(memory.untouched());
}

TEST(Malformed, MemoryViewFromBuffer_NullInfo) {
  EXPECT_EQ(pybuffer_PyMemoryView_FromBuffer(nullptr), nullptr);
  EXPECT_TRUE(
      raised_like(take_exception(), PyExc_SystemError, "PyMemoryView_FromBuffer: info is NULL"));
}

TEST(Malformed, MemoryViewFromBuffer_NullBuf) {  // same as CPython
  Py_ssize_t shape = 4, stride = 1;
  const Py_buffer view = make_view(nullptr, 4, 1, 1, &shape, &stride);
  EXPECT_EQ(pybuffer_PyMemoryView_FromBuffer(&view), nullptr);
  EXPECT_TRUE(raised_like(take_exception(), PyExc_ValueError, "info->buf must not be NULL"));
}

TEST(Malformed, MemoryViewFromBuffer_NdimOutOfRange) {
  Guarded memory(8);
  Py_ssize_t shape[1] = {8}, strides[1] = {1};
  for (const int ndim : {-1, 65, std::numeric_limits<int>::max()}) {
    const Py_buffer view = make_view(memory.data(), 8, 1, ndim, shape, strides);
    EXPECT_EQ(pybuffer_PyMemoryView_FromBuffer(&view), nullptr);
    EXPECT_TRUE(raised_like(take_exception(), PyExc_ValueError,
                            ndim < 0 ? "ndim is -1" : "must not exceed 64"))
        << ndim;
  }
  EXPECT_TRUE(memory.untouched());
}

TEST(Malformed, MemoryViewFromBuffer_MissingShape) {
  Guarded memory(8);
  const Py_buffer view = make_view(memory.data(), 8, 1, 2, nullptr, nullptr);
  EXPECT_EQ(pybuffer_PyMemoryView_FromBuffer(&view), nullptr);
  EXPECT_TRUE(raised_like(take_exception(), PyExc_BufferError, "has ndim 2 but no shape"));
  const Py_buffer flat = make_view(memory.data(), 8, 0, 1, nullptr, nullptr);
  EXPECT_EQ(pybuffer_PyMemoryView_FromBuffer(&flat), nullptr);
  EXPECT_TRUE(raised_like(take_exception(), PyExc_ValueError, "itemsize is 0"));
  EXPECT_TRUE(memory.untouched());
}

TEST(Malformed, MemoryViewGetContiguous_NullObject) {
  EXPECT_EQ(pybuffer_PyMemoryView_GetContiguous(nullptr, PyBUF_READ, 'C'), nullptr);
  EXPECT_TRUE(
      raised_like(take_exception(), PyExc_SystemError, "PyMemoryView_GetContiguous: base is NULL"));
}

TEST(Malformed, MemoryViewGetContiguous_BadBuffertype) {
  Ref obj = eval("bytearray(b'abcd')");
  for (const int buffertype : {0, PyBUF_WRITABLE, PyBUF_FULL_RO, -1}) {
    EXPECT_EQ(pybuffer_PyMemoryView_GetContiguous(obj.get(), buffertype, 'C'), nullptr);
    EXPECT_TRUE(raised_like(take_exception(), PyExc_SystemError,
                            "buffertype must be PyBUF_READ or PyBUF_WRITE"))
        << buffertype;
  }
  EXPECT_TRUE(no_export_left(obj.get()));
}

TEST(Malformed, MemoryViewGetContiguous_BadOrder) {
  Ref obj = eval("bytearray(b'abcd')");
  for (const char order : {'\0', 'c', 'X'}) {
    EXPECT_EQ(pybuffer_PyMemoryView_GetContiguous(obj.get(), PyBUF_READ, order), nullptr);
    EXPECT_TRUE(raised_like(take_exception(), PyExc_ValueError, "order must be 'C', 'F' or 'A'"))
        << static_cast<int>(order);
  }
  EXPECT_TRUE(no_export_left(obj.get()));
}

}  // namespace
}  // namespace pybuffer::stress
