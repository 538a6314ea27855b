// The old-buffer-protocol functions: PyObject_AsCharBuffer, PyObject_AsReadBuffer,
// PyObject_AsWriteBuffer and PyObject_CheckReadBuffer, on every exporter (directly and
// through the tracer, which shows the request each one makes and that it releases it), and
// with NULL arguments, which CPython answers with SystemError rather than a crash.
#include "suite.hpp"
#include "tracer.hpp"

namespace diff {
namespace {

enum class Legacy { as_char, as_read, as_write, check_read };

const char *legacy_name(Legacy f) {
  switch (f) {
    case Legacy::as_char:
      return "PyObject_AsCharBuffer";
    case Legacy::as_read:
      return "PyObject_AsReadBuffer";
    case Legacy::as_write:
      return "PyObject_AsWriteBuffer";
    case Legacy::check_read:
      return "PyObject_CheckReadBuffer";
  }
  return "?";
}

struct LegacyParam {
  ExporterCase exporter;
  bool traced;
  Legacy function;
};

std::vector<LegacyParam> legacy_params() {
  std::vector<LegacyParam> out;
  for (Legacy f : {Legacy::as_char, Legacy::as_read, Legacy::as_write, Legacy::check_read}) {
    for (const ExporterCase &c : exporter_cases()) out.push_back({c, false, f});
    for (const ExporterCase &c : buffer_exporter_cases()) out.push_back({c, true, f});
  }
  return out;
}

struct LegacyOutcome {
  int ret = 0;
  Error err;
  const void *buffer = nullptr;
  Py_ssize_t len = 0;
  Py_ssize_t rc = 0;
  std::string log;
};

// Sentinels the functions must overwrite on success and leave alone on failure.
const void *const kBufferSentinel = reinterpret_cast<const void *>(0x5eed);
constexpr Py_ssize_t kLenSentinel = -777;

LegacyOutcome call_legacy(const Api &api, Legacy f, PyObject *obj, bool buffer_arg, bool len_arg) {
  LegacyOutcome out;
  if (is_tracer(obj)) tracer_clear_log(obj);
  const Py_ssize_t rc0 = refcount(obj);
  const void *buffer = kBufferSentinel;
  Py_ssize_t len = kLenSentinel;
  Py_ssize_t *len_ptr = len_arg ? &len : nullptr;
  switch (f) {
    case Legacy::as_char: {
      const char *chars = static_cast<const char *>(buffer);
      out.ret = api.PyObject_AsCharBuffer(obj, buffer_arg ? &chars : nullptr, len_ptr);
      buffer = chars;
      break;
    }
    case Legacy::as_read:
      out.ret = api.PyObject_AsReadBuffer(obj, buffer_arg ? &buffer : nullptr, len_ptr);
      break;
    case Legacy::as_write: {
      void *writable = const_cast<void *>(buffer);
      out.ret = api.PyObject_AsWriteBuffer(obj, buffer_arg ? &writable : nullptr, len_ptr);
      buffer = writable;
      break;
    }
    case Legacy::check_read:
      out.ret = api.PyObject_CheckReadBuffer(obj);
      break;
  }
  out.err = take_error();
  out.buffer = buffer;
  out.len = len;
  out.rc = refcount(obj) - rc0;
  if (is_tracer(obj)) out.log = tracer_log(obj);
  return out;
}

void compare_legacy(Diff &d, Legacy f, PyObject *obj, bool buffer_arg, bool len_arg) {
  const LegacyOutcome r = call_legacy(real(), f, obj, buffer_arg, len_arg);
  const LegacyOutcome o = call_legacy(ours(), f, obj, buffer_arg, len_arg);
  const std::string name = legacy_name(f);
  d.field(name + " returned", r.ret, o.ret);
  d.errors(name, r.err, o.err);
  d.field("*buffer", r.buffer, o.buffer);
  d.field("*buffer_len", r.len, o.len);
  d.field("refcount delta", r.rc, o.rc);
  d.field("exporter slot calls", r.log, o.log);
  count_case(legacy_name(f));
}

class LegacyBuffer : public PyParamTest<LegacyParam> {};

TEST_P(LegacyBuffer, SameAnswer) {
  const LegacyParam &p = GetParam();
  DIFF_BUILD_OR_SKIP(built, p.exporter.expr);
  Ref obj = p.traced ? make_tracer(built.exporter.get()) : built.exporter;
  ASSERT_TRUE(obj) << take_error_text();
  Diff d;
  compare_legacy(d, p.function, obj.get(), true, true);
  DIFF_EXPECT_SAME(d, repr(obj.get()));
}

INSTANTIATE_TEST_SUITE_P(Exporters, LegacyBuffer, testing::ValuesIn(legacy_params()),
                         [](const testing::TestParamInfo<LegacyParam> &info) {
                           return test_name(std::string(legacy_name(info.param.function)) + "__" +
                                            info.param.exporter.name +
                                            (info.param.traced ? "__traced" : ""));
                         });

struct NullParam {
  const char *name;
  Legacy function;
  bool obj_arg, buffer_arg, len_arg;
};

class LegacyNullArguments : public PyParamTest<NullParam> {};

TEST_P(LegacyNullArguments, SameError) {
  const NullParam &p = GetParam();
  Ref bytes = eval("bytearray(pat(6))");
  Ref tracer = make_tracer(bytes.get());
  ASSERT_TRUE(tracer);
  Diff d;
  compare_legacy(d, p.function, p.obj_arg ? tracer.get() : nullptr, p.buffer_arg, p.len_arg);
  DIFF_EXPECT_SAME(d, p.name);
}

std::vector<NullParam> null_params() {
  std::vector<NullParam> out;
  static const char *names[3][3] = {
      {"AsCharBuffer_obj_NULL", "AsCharBuffer_buffer_NULL", "AsCharBuffer_len_NULL"},
      {"AsReadBuffer_obj_NULL", "AsReadBuffer_buffer_NULL", "AsReadBuffer_len_NULL"},
      {"AsWriteBuffer_obj_NULL", "AsWriteBuffer_buffer_NULL", "AsWriteBuffer_len_NULL"}};
  const Legacy fs[3] = {Legacy::as_char, Legacy::as_read, Legacy::as_write};
  for (int i = 0; i < 3; ++i) {
    out.push_back({names[i][0], fs[i], false, true, true});
    out.push_back({names[i][1], fs[i], true, false, true});
    out.push_back({names[i][2], fs[i], true, true, false});
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Arguments, LegacyNullArguments, testing::ValuesIn(null_params()),
                         [](const testing::TestParamInfo<NullParam> &info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace diff
