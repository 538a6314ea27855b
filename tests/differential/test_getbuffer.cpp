// PyObject_CheckBuffer, PyObject_GetBuffer and PyBuffer_Release on real exporters.
//
// Each case sends one request to one exporter through CPython and through pybuffer, one
// after the other on the same object (so that buf, obj and the exporter's own shape and
// strides pointers are comparable), and compares the return value, the exception, every
// field of the view, the reference counts after the call and after the release, the
// tracer's log of slot calls, and then the view functions on the view CPython returned.
#include <cctype>

#include "suite.hpp"
#include "tracer.hpp"
#include "view_checks.hpp"

namespace diff {
namespace {

struct ExporterParam {
  ExporterCase exporter;
  bool traced;
};

struct RequestParam {
  ExporterCase exporter;
  FlagCase flags;
  bool traced;
};

std::vector<ExporterParam> exporter_params() {
  std::vector<ExporterParam> out;
  for (const ExporterCase &c : exporter_cases()) out.push_back({c, false});
  for (const ExporterCase &c : buffer_exporter_cases()) out.push_back({c, true});
  return out;
}

std::vector<RequestParam> request_params() {
  std::vector<RequestParam> out;
  for (const ExporterParam &e : exporter_params()) {
    for (const FlagCase &f : request_flags()) out.push_back({e.exporter, f, e.traced});
  }
  return out;
}

// One side's observations of GetBuffer followed (on success) by Release.
struct GetOutcome {
  int ret = 0;
  Error err;
  ViewRecord view{};
  Py_ssize_t rc_after_call = 0, rc_after_release = 0;        // deltas of the object asked
  Py_ssize_t inner_after_call = 0, inner_after_release = 0;  // deltas of the wrapped exporter
  Error release_err;
  ViewRecord released{};
  std::string log;
};

GetOutcome get_and_release(const Api &api, PyObject *obj, PyObject *inner, int flags,
                           bool check_views, Diff &d) {
  GetOutcome out;
  if (is_tracer(obj)) tracer_clear_log(obj);
  const Py_ssize_t rc0 = refcount(obj), in0 = refcount(inner);
  Py_buffer view = patterned_view();
  out.ret = api.PyObject_GetBuffer(obj, &view, flags);
  out.err = take_error();
  out.view = record_view(view, out.ret == 0);
  out.rc_after_call = refcount(obj) - rc0;
  out.inner_after_call = refcount(inner) - in0;
  if (out.ret == 0) {
    if (check_views) compare_view_functions(d, view);
    api.PyBuffer_Release(&view);
    out.release_err = take_error();
    out.released = record_view(view, false);
  }
  out.rc_after_release = refcount(obj) - rc0;
  out.inner_after_release = refcount(inner) - in0;
  if (is_tracer(obj)) out.log = tracer_log(obj);
  return out;
}

// The two views of a Release case come from two requests: their numbers differ by design.
std::string without_numbers(std::string log) {
  std::string out;
  for (size_t i = 0; i < log.size(); ++i) {
    out += log[i];
    if (log[i] == '#') {
      while (i + 1 < log.size() && std::isdigit(static_cast<unsigned char>(log[i + 1]))) ++i;
    }
  }
  return out;
}

class CheckBuffer : public PyParamTest<ExporterParam> {};

TEST_P(CheckBuffer, SameAnswer) {
  const ExporterParam &p = GetParam();
  DIFF_BUILD_OR_SKIP(built, p.exporter.expr);
  Ref obj = p.traced ? make_tracer(built.exporter.get()) : built.exporter;
  ASSERT_TRUE(obj) << take_error_text();
  const Py_ssize_t rc0 = refcount(obj.get());
  const int r = real().PyObject_CheckBuffer(obj.get());
  const Error er = take_error();
  const Py_ssize_t rc_real = refcount(obj.get()) - rc0;
  const int o = ours().PyObject_CheckBuffer(obj.get());
  const Error eo = take_error();
  const Py_ssize_t rc_ours = refcount(obj.get()) - rc0 - rc_real;
  Diff d;
  d.field("PyObject_CheckBuffer", r, o);
  d.errors("PyObject_CheckBuffer", er, eo);
  d.field("refcount delta", rc_real, rc_ours);
  count_case("PyObject_CheckBuffer");
  DIFF_EXPECT_SAME(d, repr(obj.get()));
}

INSTANTIATE_TEST_SUITE_P(Exporters, CheckBuffer, testing::ValuesIn(exporter_params()),
                         [](const testing::TestParamInfo<ExporterParam> &info) {
                           return test_name(std::string(info.param.exporter.name) +
                                            (info.param.traced ? "__traced" : ""));
                         });

class GetBuffer : public PyParamTest<RequestParam> {};

TEST_P(GetBuffer, SameViewAndCalls) {
  const RequestParam &p = GetParam();
  DIFF_BUILD_OR_SKIP(built, p.exporter.expr);
  Ref obj = p.traced ? make_tracer(built.exporter.get()) : built.exporter;
  ASSERT_TRUE(obj) << take_error_text();
  PyObject *inner = built.exporter.get();
  Diff d;
  const GetOutcome r = get_and_release(real(), obj.get(), inner, p.flags.flags, true, d);
  const GetOutcome o = get_and_release(ours(), obj.get(), inner, p.flags.flags, false, d);

  d.field("PyObject_GetBuffer returned", r.ret, o.ret);
  d.errors("PyObject_GetBuffer", r.err, o.err);
  if (r.ret == 0 && o.ret == 0) {
    diff_views(d, r.view, o.view, obj.get());
  } else if (r.ret != 0 && o.ret != 0) {
    diff_raw_views(d, r.view, o.view);
  }
  d.field("refcount delta of the object after the call", r.rc_after_call, o.rc_after_call);
  d.field("refcount delta of the wrapped exporter after the call", r.inner_after_call,
          o.inner_after_call);
  d.field("refcount delta of the object after release", r.rc_after_release, o.rc_after_release);
  d.field("refcount delta of the wrapped exporter after release", r.inner_after_release,
          o.inner_after_release);
  d.field("exporter slot calls", r.log, o.log);
  count_case("PyObject_GetBuffer");
  if (r.ret == 0 && o.ret == 0) {
    d.errors("PyBuffer_Release", r.release_err, o.release_err);
    diff_raw_views(d, r.released, o.released);
    d.field("view.obj after release", static_cast<const void *>(r.released.obj),
            static_cast<const void *>(o.released.obj));
    count_case("PyBuffer_Release");
  }
  DIFF_EXPECT_SAME(d, repr(obj.get()) + " flags " + describe_flags(p.flags.flags));
}

INSTANTIATE_TEST_SUITE_P(Requests, GetBuffer, testing::ValuesIn(request_params()),
                         [](const testing::TestParamInfo<RequestParam> &info) {
                           return test_name(std::string(info.param.exporter.name) + "__" +
                                            info.param.flags.name +
                                            (info.param.traced ? "__traced" : ""));
                         });

// Release alone: both sides get the view from CPython, then release it through their own
// PyBuffer_Release, so a difference can only come from Release.
class Release : public PyParamTest<ExporterCase> {};

TEST_P(Release, OfViewsFromCPython) {
  DIFF_BUILD_OR_SKIP(built, GetParam().expr);
  Ref tracer = make_tracer(built.exporter.get());
  ASSERT_TRUE(tracer) << take_error_text();
  Diff d;
  int compared = 0;
  for (int flags : {PyBUF_SIMPLE, PyBUF_FULL_RO, PyBUF_RECORDS, PyBUF_INDIRECT}) {
    Py_buffer rview = patterned_view(), oview = patterned_view();
    const int rget = real().PyObject_GetBuffer(tracer.get(), &rview, flags);
    take_error();
    if (rget != 0) continue;
    const int oget = real().PyObject_GetBuffer(tracer.get(), &oview, flags);
    take_error();
    ASSERT_EQ(oget, 0) << "CPython granted the request only once";
    ++compared;
    tracer_clear_log(tracer.get());
    Py_ssize_t rc0 = refcount(tracer.get()), in0 = refcount(built.exporter.get());
    real().PyBuffer_Release(&rview);
    const Error rerr = take_error();
    const Py_ssize_t rrc = refcount(tracer.get()) - rc0, rin = refcount(built.exporter.get()) - in0;
    const std::string rlog = tracer_log(tracer.get());
    tracer_clear_log(tracer.get());
    rc0 = refcount(tracer.get());
    in0 = refcount(built.exporter.get());
    ours().PyBuffer_Release(&oview);
    const Error oerr = take_error();
    const Py_ssize_t orc = refcount(tracer.get()) - rc0, oin = refcount(built.exporter.get()) - in0;
    const std::string olog = tracer_log(tracer.get());
    const std::string what = "flags " + describe_flags(flags) + ": ";
    d.errors(what + "PyBuffer_Release", rerr, oerr);
    d.field(what + "refcount delta of the tracer", rrc, orc);
    d.field(what + "refcount delta of the exporter", rin, oin);
    d.field(what + "exporter slot calls", without_numbers(rlog), without_numbers(olog));
    ViewRecord rrec = record_view(rview, false), orec = record_view(oview, false);
    // Both views came from separate requests: compare what Release did to them, field by field.
    d.field(what + "view.obj after release", static_cast<const void *>(rrec.obj),
            static_cast<const void *>(orec.obj));
    d.field(what + "view.buf after release", rrec.buf, orec.buf);
    d.field(what + "view.len after release", rrec.len, orec.len);
    count_case("PyBuffer_Release");
  }
  if (compared == 0) GTEST_SKIP() << "CPython grants none of the requests";
  DIFF_EXPECT_SAME(d, repr(tracer.get()));
}

INSTANTIATE_TEST_SUITE_P(Exporters, Release, testing::ValuesIn(buffer_exporter_cases()),
                         [](const testing::TestParamInfo<ExporterCase> &info) {
                           return test_name(info.param.name);
                         });

class ReleaseSpecial : public PyTest {
 protected:
  // Releases two copies of `view` (one per side) and compares what happened.
  void compare_release(const Py_buffer &view, PyObject *watched, const char *input) {
    Py_buffer rview = view, oview = view;
    if (view.obj != nullptr) {  // each copy owns one reference, as a real export would
      Py_INCREF(view.obj);
      Py_INCREF(view.obj);
    }
    if (is_tracer(watched)) tracer_clear_log(watched);
    Py_ssize_t rc0 = refcount(watched);
    real().PyBuffer_Release(&rview);
    const Error rerr = take_error();
    const Py_ssize_t rrc = refcount(watched) - rc0;
    const std::string rlog = is_tracer(watched) ? tracer_log(watched) : "";
    if (is_tracer(watched)) tracer_clear_log(watched);
    rc0 = refcount(watched);
    ours().PyBuffer_Release(&oview);
    const Error oerr = take_error();
    const Py_ssize_t orc = refcount(watched) - rc0;
    const std::string olog = is_tracer(watched) ? tracer_log(watched) : "";
    Diff d;
    d.errors("PyBuffer_Release", rerr, oerr);
    d.field("refcount delta", rrc, orc);
    d.field("exporter slot calls", rlog, olog);
    diff_raw_views(d, record_view(rview, false), record_view(oview, false));
    count_case("PyBuffer_Release");
    DIFF_EXPECT_SAME(d, input);
  }
};

TEST_F(ReleaseSpecial, ViewWithoutObjectIsANoOp) {
  Py_buffer view = patterned_view();
  view.obj = nullptr;
  Ref anchor = eval("None");
  compare_release(view, anchor.get(), "patterned view with obj NULL");
}

TEST_F(ReleaseSpecial, ZeroedView) {
  Py_buffer view{};
  Ref anchor = eval("None");
  compare_release(view, anchor.get(), "all-zero Py_buffer");
}

TEST_F(ReleaseSpecial, ObjectWithoutReleaseSlot) {
  Ref bytes = eval("pat(9)");
  ASSERT_TRUE(bytes);
  Py_buffer view = patterned_view();
  view.obj = bytes.get();  // bytes has bf_getbuffer but no bf_releasebuffer
  compare_release(view, bytes.get(), "view.obj = bytes (no bf_releasebuffer)");
}

TEST_F(ReleaseSpecial, ViewTheTracerNeverExported) {
  Ref inner = eval("bytearray(4)");
  Ref tracer = make_tracer(inner.get());
  ASSERT_TRUE(tracer);
  Py_buffer view = patterned_view();
  view.obj = tracer.get();
  compare_release(view, tracer.get(), "view.obj = Tracer that did not export it");
}

}  // namespace
}  // namespace diff
