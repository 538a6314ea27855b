// PyBuffer_FillInfo: every request flag (PyBUF_READ/PyBUF_WRITE included) with obj NULL
// or an object, readonly 0/1 (and 2, which CPython's "readonly == 1" test lets through),
// empty and non-empty memory; then the view functions on the view CPython filled in.
#include "suite.hpp"
#include "view_checks.hpp"

namespace diff {
namespace {

struct FillParam {
  bool with_obj;
  int readonly;
  FlagCase flags;
  Py_ssize_t len;
};

std::vector<FlagCase> fill_flags() {
  std::vector<FlagCase> flags = request_flags();
  // Values outside the request table: CPython only tests individual bits, so these are
  // well defined there too.
  flags.push_back({"UNUSED_BIT_0x2", 0x2});
  flags.push_back({"READ_WRITABLE", PyBUF_READ | PyBUF_WRITABLE});
  flags.push_back({"WRITE_FORMAT", PyBUF_WRITE | PyBUF_FORMAT});
  flags.push_back({"ALL_BITS", -1});
  return flags;
}

std::vector<FillParam> fill_params() {
  std::vector<FillParam> out;
  for (bool with_obj : {false, true}) {
    for (int readonly : {0, 1, 2}) {
      for (const FlagCase &f : fill_flags()) {
        for (Py_ssize_t len : {16, 0}) out.push_back({with_obj, readonly, f, len});
      }
    }
  }
  return out;
}

struct FillOutcome {
  int ret = 0;
  Error err;
  ViewRecord view{};
  Py_ssize_t rc_after_call = 0, rc_after_release = 0;
  Error release_err;
  ViewRecord released{};
};

FillOutcome fill_and_release(const Api &api, Py_buffer *view_arg, PyObject *obj, void *buf,
                             Py_ssize_t len, int readonly, int flags, bool check_views, Diff &d) {
  FillOutcome out;
  Py_buffer view = patterned_view();
  Py_buffer *target = view_arg != nullptr ? &view : nullptr;
  const Py_ssize_t rc0 = refcount(obj);
  out.ret = api.PyBuffer_FillInfo(target, obj, buf, len, readonly, flags);
  out.err = take_error();
  out.view = record_view(view, out.ret == 0 && target != nullptr);
  out.rc_after_call = refcount(obj) - rc0;
  if (out.ret == 0 && target != nullptr) {
    if (check_views && buf != nullptr && len >= 0) compare_view_functions(d, view);
    api.PyBuffer_Release(&view);
    out.release_err = take_error();
    out.released = record_view(view, false);
  }
  out.rc_after_release = refcount(obj) - rc0;
  return out;
}

void compare_fill(Diff &d, bool view_given, PyObject *obj, void *buf, Py_ssize_t len, int readonly,
                  int flags) {
  Py_buffer dummy;
  Py_buffer *view_arg = view_given ? &dummy : nullptr;
  const FillOutcome r = fill_and_release(real(), view_arg, obj, buf, len, readonly, flags, true, d);
  const FillOutcome o =
      fill_and_release(ours(), view_arg, obj, buf, len, readonly, flags, false, d);
  d.field("PyBuffer_FillInfo returned", r.ret, o.ret);
  d.errors("PyBuffer_FillInfo", r.err, o.err);
  if (r.ret == 0 && o.ret == 0) {
    diff_views(d, r.view, o.view, obj);
  } else {
    diff_raw_views(d, r.view, o.view, true);
  }
  d.field("refcount delta after the call", r.rc_after_call, o.rc_after_call);
  d.field("refcount delta after release", r.rc_after_release, o.rc_after_release);
  d.errors("PyBuffer_Release", r.release_err, o.release_err);
  diff_raw_views(d, r.released, o.released, true);
  count_case("PyBuffer_FillInfo");
}

class FillInfo : public PyParamTest<FillParam> {};

TEST_P(FillInfo, SameView) {
  const FillParam &p = GetParam();
  Ref obj = p.with_obj ? eval("pat(16, 21)") : Ref();
  Guarded memory(16, 0x3C);
  Diff d;
  compare_fill(d, true, obj.get(), memory.data(), p.len, p.readonly, p.flags.flags);
  EXPECT_TRUE(memory.guards_intact());
  DIFF_EXPECT_SAME(
      d, std::string("obj=") + (p.with_obj ? "bytes" : "NULL") + " len=" + std::to_string(p.len) +
             " readonly=" + std::to_string(p.readonly) + " flags=" + describe_flags(p.flags.flags));
}

INSTANTIATE_TEST_SUITE_P(Requests, FillInfo, testing::ValuesIn(fill_params()),
                         [](const testing::TestParamInfo<FillParam> &info) {
                           const FillParam &p = info.param;
                           return test_name(std::string(p.with_obj ? "obj" : "noobj") + "_ro" +
                                            std::to_string(p.readonly) + "_len" +
                                            std::to_string(p.len) + "_" + p.flags.name);
                         });

// Arguments CPython itself handles without crashing: a NULL view (an error there) and NULL
// memory. (A negative len, which CPython stores as given, is one of pybuffer's deliberate
// refusals: see test_malformed.cpp.)
struct OddFill {
  const char *name;
  bool view_given;
  bool with_obj;
  bool with_buf;
  Py_ssize_t len;
  int readonly;
  int flags;
};

class FillInfoOdd : public PyParamTest<OddFill> {};

TEST_P(FillInfoOdd, SameOutcome) {
  const OddFill &p = GetParam();
  Ref obj = p.with_obj ? eval("bytearray(3)") : Ref();
  Guarded memory(8);
  Diff d;
  compare_fill(d, p.view_given, obj.get(), p.with_buf ? memory.data() : nullptr, p.len, p.readonly,
               p.flags);
  DIFF_EXPECT_SAME(d, p.name);
}

INSTANTIATE_TEST_SUITE_P(
    Arguments, FillInfoOdd,
    testing::Values(OddFill{"view_NULL_simple", false, false, true, 8, 0, PyBUF_SIMPLE},
                    OddFill{"view_NULL_with_obj", false, true, true, 8, 0, PyBUF_FULL_RO},
                    OddFill{"view_NULL_writable_readonly", false, false, true, 8, 1,
                            PyBUF_WRITABLE},
                    OddFill{"view_NULL_READ", false, false, true, 8, 0, PyBUF_READ},
                    OddFill{"buf_NULL_len0", true, false, false, 0, 0, PyBUF_FULL_RO},
                    OddFill{"buf_NULL_len8", true, true, false, 8, 1, PyBUF_CONTIG_RO},
                    OddFill{"readonly_negative", true, false, true, 8, -1, PyBUF_WRITABLE}),
    [](const testing::TestParamInfo<OddFill> &info) { return std::string(info.param.name); });

}  // namespace
}  // namespace diff
