// PyObject_CopyData on pairs of real exporters: equal shapes contiguous and strided (C from
// Fortran, reversed, PIL), contiguous pairs of different shapes, a destination too small or
// read-only, exporters that refuse, and arguments without the buffer protocol. Each side
// gets fresh, equal objects; afterwards both objects' whole memory is compared, with the
// reference counts and (in the traced variant) the slot calls each exporter saw.
//
// Overlapping non-contiguous copies are left out: CPython copies element by element in an
// order of its own, so their result is an accident of that order.
#include "suite.hpp"
#include "tracer.hpp"

namespace diff {
namespace {

struct CopyCase {
  const char *name;
  const char *expr;  // (dest, src, dest_root, src_root)
};

struct CopyParam {
  CopyCase copy;
  bool traced;
};

const std::vector<CopyCase> &copy_cases() {
  static const std::vector<CopyCase> cases = {
      {"bytes_into_bytearray", "pair(same(bytearray(16)), same(pat(16)))"},
      {"into_larger_bytearray", "pair(same(bytearray(20)), same(pat(16)))"},
      {"dest_too_small", "pair(same(bytearray(8)), same(pat(16)))"},
      {"dest_readonly_bytes", "pair(same(pat(16, 1)), same(pat(16)))"},
      {"dest_readonly_ndarray", "pair(same(nd([3, 4], 'i')), same(nd([3, 4], 'i', W)))"},
      {"array_into_bytearray", "pair(same(bytearray(28)), arr('i'))"},
      {"bytearray_into_array", "pair(arr('h', 8), same(bytearray(pat(16, 2))))"},
      {"empty_into_empty", "pair(same(bytearray()), same(b''))"},
      {"empty_into_nonempty", "pair(same(bytearray(4)), same(b''))"},
      {"c_from_fortran", "pair(same(nd([3, 4], 'i', W)), same(nd([3, 4], 'i', W | FORTRAN)))"},
      {"fortran_from_c", "pair(same(nd([3, 4], 'i', W | FORTRAN)), same(nd([3, 4], 'i', W)))"},
      {"fortran_from_fortran",
       "pair(same(nd([2, 5], 'h', W | FORTRAN)), same(nd([2, 5], 'h', W | FORTRAN)))"},
      {"c_from_fortran_3d",
       "pair(same(nd([2, 3, 4], 'h', W)), same(nd([2, 3, 4], 'h', W | FORTRAN)))"},
      {"strided_dest",
       "pair(sliced(nd([6, 4], 'i', W), slice(None, None, 2)), same(nd([3, 4], 'i', W)))"},
      {"reversed_src",
       "pair(same(nd([3, 4], 'i', W)), sliced(nd([3, 4], 'i', W), (slice(None, None, -1), "
       "slice(None, None, -1))))"},
      {"strided_both",
       "pair(sliced(nd([6, 5], 'h', W), (slice(None, None, 2), slice(None, None, -2))), "
       "sliced(nd([3, 6], 'h', W), (slice(None), slice(None, None, 2))))"},
      {"column_into_column",
       "pair(sliced(nd([4, 3], 'q', W), (slice(None), slice(1, 2))), sliced(nd([4, 2], 'q', W), "
       "(slice(None), slice(0, 1))))"},
      {"pil_src", "pair(same(nd([3, 4], 'B', W)), same(nd([3, 4], 'B', W | PIL)))"},
      {"pil_dest", "pair(same(nd([3, 4], 'B', W | PIL)), same(nd([3, 4], 'B', W)))"},
      {"pil_both_sliced",
       "pair(sliced(nd([3, 4], 'B', W | PIL), (slice(None, None, -1), slice(None))), sliced(nd([3, "
       "8], 'B', W), (slice(None), slice(None, None, 2))))"},
      {"pil_3d", "pair(same(nd([2, 3, 2], 'i', W | PIL)), same(nd([2, 3, 2], 'i', W | FORTRAN)))"},
      {"zero_size",
       "pair(sliced(nd([3, 4], 'i', W), slice(0, 0)), sliced(nd([3, 4], 'i', W), slice(0, 0)))"},
      {"zero_size_strided",
       "pair(sliced(nd([3, 4], 'i', W), (slice(None, None, -1), slice(2, 2))), sliced(nd([3, 4], "
       "'i', W), (slice(None), slice(1, 1))))"},
      {"scalar", "pair(same(nd([], 'i', W)), same(nd([], 'i', W)))"},
      {"contiguous_different_shapes", "pair(same(nd([4, 3], 'i', W)), same(nd([3, 4], 'i', W)))"},
      {"contiguous_into_larger_shape", "pair(same(nd([4, 4], 'h', W)), same(nd([3, 4], 'h', W)))"},
      {"mv_strided_from_bytes", "pair(mv(bytearray(16), slice(None, None, 2)), same(pat(8, 3)))"},
      {"mv_reversed_from_mv_strided",
       "pair(mv(bytearray(8), slice(None, None, -1)), mv(bytearray(pat(16, 4)), slice(None, None, "
       "2)))"},
      {"mv_0d", "pair(mv(bytearray(4), None, 'i', []), mv(pat(4, 5), None, 'i', []))"},
      {"mv_2d_from_fortran",
       "pair(mv(bytearray(12), None, 'B', [3, 4]), same(nd([3, 4], 'B', W | FORTRAN)))"},
      {"self_copy", "self_pair(bytearray(pat(8, 6)))"},
      {"src_getbuf_fails", "pair(same(bytearray(3)), same(nd([3], 'B', W | GETBUF_FAIL)))"},
      {"dest_getbuf_fails", "pair(same(nd([3], 'B', W | GETBUF_FAIL)), same(pat(3)))"},
      {"src_refuses", "pair(same(bytearray(3)), same(Tracer(None, 1)))"},
      {"dest_refuses", "pair(same(Tracer(None, 1)), same(pat(3)))"},
      {"src_no_buffer", "pair(same(bytearray(3)), same(5))"},
      {"dest_no_buffer", "pair(same('abc'), same(pat(3)))"},
      {"neither_buffer", "pair(same(None), same([1]))"},
      {"pep688_dest", "pair(pep688('ok', bytearray(8)), same(pat(8, 7)))"},
      {"pep688_src_raises", "pair(same(bytearray(8)), pep688('raises'))"},
      {"ctypes_dest", "pair(ct('ints'), same(pat(16, 8)))"},
      {"ctypes_struct_from_bytes", "pair(ct('struct'), same(pat(32, 9)))"},
  };
  return cases;
}

std::vector<CopyParam> copy_params() {
  std::vector<CopyParam> out;
  for (bool traced : {false, true}) {
    for (const CopyCase &c : copy_cases()) out.push_back({c, traced});
  }
  return out;
}

struct CopyOutcome {
  bool skipped = false;
  std::string skip_reason;
  int ret = 0;
  Error err;
  std::string dest_bytes, src_bytes;
  Py_ssize_t dest_rc = 0, src_rc = 0;
  std::string dest_log, src_log, input;
};

// Wraps obj in a tracer when it has a buffer (CheckBuffer would change otherwise).
Ref maybe_traced(PyObject *obj, bool traced) {
  if (!traced || Py_TYPE(obj)->tp_as_buffer == nullptr ||
      Py_TYPE(obj)->tp_as_buffer->bf_getbuffer == nullptr) {
    return Ref::borrow(obj);
  }
  return make_tracer(obj);
}

CopyOutcome run_copy(const Api &api, const CopyParam &p) {
  CopyOutcome out;
  Ref tuple = eval(p.copy.expr);
  if (!tuple) {
    if (PyErr_ExceptionMatches(unavailable_error())) {
      out.skipped = true;
      out.skip_reason = take_error().message;
    } else {
      out.skipped = true;
      out.skip_reason = "ERROR " + take_error_text();
    }
    return out;
  }
  PyObject *dest_raw = PyTuple_GET_ITEM(tuple.get(), 0),
           *src_raw = PyTuple_GET_ITEM(tuple.get(), 1);
  Ref dest = maybe_traced(dest_raw, p.traced);
  Ref src = dest_raw == src_raw ? dest : maybe_traced(src_raw, p.traced);
  out.input = "dest " + repr(dest.get()) + ", src " + repr(src.get());
  const Py_ssize_t d0 = refcount(dest.get()), s0 = refcount(src.get());
  out.ret = api.PyObject_CopyData(dest.get(), src.get());
  out.err = take_error();
  out.dest_rc = refcount(dest.get()) - d0;
  out.src_rc = refcount(src.get()) - s0;
  out.dest_bytes = snapshot(PyTuple_GET_ITEM(tuple.get(), 2));
  out.src_bytes = snapshot(PyTuple_GET_ITEM(tuple.get(), 3));
  if (is_tracer(dest.get())) out.dest_log = tracer_log(dest.get());
  if (is_tracer(src.get())) out.src_log = tracer_log(src.get());
  return out;
}

class CopyData : public PyParamTest<CopyParam> {};

TEST_P(CopyData, SameResult) {
  const CopyOutcome r = run_copy(real(), GetParam());
  ASSERT_EQ(r.skip_reason.rfind("ERROR", 0), std::string::npos) << r.skip_reason;
  if (r.skipped) GTEST_SKIP() << r.skip_reason;
  const CopyOutcome o = run_copy(ours(), GetParam());
  Diff d;
  d.field("PyObject_CopyData returned", r.ret, o.ret);
  d.errors("PyObject_CopyData", r.err, o.err);
  if (r.dest_bytes != o.dest_bytes)
    d.note("destination memory: " + first_difference(r.dest_bytes, o.dest_bytes));
  if (r.src_bytes != o.src_bytes)
    d.note("source memory: " + first_difference(r.src_bytes, o.src_bytes));
  d.field("refcount delta of dest", r.dest_rc, o.dest_rc);
  d.field("refcount delta of src", r.src_rc, o.src_rc);
  d.field("dest exporter slot calls", r.dest_log, o.dest_log);
  d.field("src exporter slot calls", r.src_log, o.src_log);
  count_case("PyObject_CopyData");
  DIFF_EXPECT_SAME(d, r.input);
}

INSTANTIATE_TEST_SUITE_P(Pairs, CopyData, testing::ValuesIn(copy_params()),
                         [](const testing::TestParamInfo<CopyParam> &info) {
                           return test_name(std::string(info.param.copy.name) +
                                            (info.param.traced ? "__traced" : ""));
                         });

}  // namespace
}  // namespace diff
