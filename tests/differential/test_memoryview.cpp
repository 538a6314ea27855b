// The memoryview constructors: PyMemoryView_FromObject and PyMemoryView_GetContiguous on
// every exporter of the catalog (GetContiguous under PyBUF_READ and PyBUF_WRITE in 'C', 'F'
// and 'A'), PyMemoryView_FromMemory on raw memory and PyMemoryView_FromBuffer on views real
// exporters produced and on hand-edited copies of them. Each side gets fresh, equal objects;
// the result is compared as a memoryview: its type, every field of the buffer it exports
// under PyBUF_FULL_RO (through CPython's own PyObject_GetBuffer), its items, whether it is
// a copy, the exception, and the reference counts of the objects passed in.
//
// Deliberate difference (README): a copy's obj is a bytes object in CPython and a
// pybuffer.memory object here; a copy's obj is compared only as "another object".
#include "suite.hpp"

namespace diff {
namespace {

/// What a call returned, seen from outside.
struct MemoryviewOutcome {
  bool skipped = false;
  std::string skip_reason;
  bool returned = false;
  Error err;
  bool is_memoryview = false;
  ViewRecord fields{};
  std::string items;         // tolist(), or the exception it raised
  std::string bytes;         // tobytes(): the items in C order
  std::string obj;           // "exporter", "exporter's obj", or the type of another obj
  Py_ssize_t rc_during = 0;  // refcount delta of the object passed, while the result lives
  Py_ssize_t rc_after = 0;   // and after it is gone
  std::string input;
};

std::string call_text(PyObject *obj, const char *method) {
  Ref result = Ref(PyObject_CallMethod(obj, method, nullptr));
  if (!result) return "raised " + take_error().type_name;
  return repr(result.get());
}

// `exporter`: what the memoryview should be based on when it is not a copy.
void record_result(MemoryviewOutcome &out, PyObject *result, PyObject *exporter) {
  out.returned = result != nullptr;
  out.err = take_error();
  if (result == nullptr) return;
  out.is_memoryview = PyMemoryView_Check(result);
  if (!out.is_memoryview) return;
  Py_buffer view;
  if (real().PyObject_GetBuffer(result, &view, PyBUF_FULL_RO) != 0) {
    out.items = "GetBuffer raised " + take_error_text();
    return;
  }
  out.fields = record_view(view, true);
  real().PyBuffer_Release(&view);
  out.items = call_text(result, "tolist");
  out.bytes = call_text(result, "tobytes");
  Ref obj = Ref(PyObject_GetAttrString(result, "obj"));
  if (!obj) {
    out.obj = "raised " + take_error().type_name;
  } else if (obj.get() == Py_None) {
    out.obj = "None";
  } else if (exporter != nullptr && obj.get() == exporter) {
    out.obj = "exporter";
  } else {
    Ref base_obj;
    if (exporter != nullptr && PyMemoryView_Check(exporter)) {
      base_obj = Ref(PyObject_GetAttrString(exporter, "obj"));
      if (!base_obj) take_error();
    }
    out.obj = base_obj && base_obj.get() == obj.get() ? "exporter's obj" : "another object";
  }
}

std::string join(const std::vector<Py_ssize_t> &values) {
  std::string text;
  for (Py_ssize_t v : values) text += std::to_string(v) + " ";
  return text;
}

// Fields of two results, without buf and obj (each side has its own objects) and without
// the format pointer (a copy's format lives with the copy).
void diff_results(Diff &d, const MemoryviewOutcome &r, const MemoryviewOutcome &o) {
  d.field("returned", r.returned, o.returned);
  d.errors("call", r.err, o.err);
  d.field("is a memoryview", r.is_memoryview, o.is_memoryview);
  if (!r.returned || !o.returned) return;
  d.field("len", r.fields.len, o.fields.len);
  d.field("itemsize", r.fields.itemsize, o.fields.itemsize);
  d.field("readonly", r.fields.readonly, o.fields.readonly);
  d.field("ndim", r.fields.ndim, o.fields.ndim);
  d.field("format NULL", r.fields.format_null, o.fields.format_null);
  d.field("format", r.fields.format, o.fields.format);
  d.field("shape NULL", r.fields.shape.null, o.fields.shape.null);
  d.field("shape", join(r.fields.shape.values), join(o.fields.shape.values));
  d.field("strides NULL", r.fields.strides.null, o.fields.strides.null);
  d.field("strides", join(r.fields.strides.values), join(o.fields.strides.values));
  d.field("suboffsets NULL", r.fields.suboffsets.null, o.fields.suboffsets.null);
  d.field("suboffsets", join(r.fields.suboffsets.values), join(o.fields.suboffsets.values));
  d.field("tolist()", r.items, o.items);
  d.field("tobytes()", r.bytes, o.bytes);
  d.field("refcount delta while the result lives", r.rc_during, o.rc_during);
  d.field("refcount delta after", r.rc_after, o.rc_after);
}

/// Builds a fresh exporter of the case, or marks the outcome skipped ("ERROR ..." when the
/// suite itself failed to build it).
bool build_or_skip(const ExporterCase &c, Built &built, MemoryviewOutcome &out) {
  built = build_exporter(c.expr);
  if (built.unavailable.empty() && built.error.empty()) return true;
  out.skipped = true;
  out.skip_reason = built.unavailable.empty() ? "ERROR " + built.error : built.unavailable;
  return false;
}

// ------------------------------------------------------------------------------------------
// FromObject and GetContiguous on the catalog.

enum class Constructor { from_object, get_contiguous };

struct ObjectParam {
  ExporterCase exporter;
  Constructor constructor;
  int buffertype;
  char order;
};

std::vector<ObjectParam> object_params() {
  std::vector<ObjectParam> out;
  for (const ExporterCase &c : exporter_cases()) {
    out.push_back({c, Constructor::from_object, 0, 0});
    for (int buffertype : {PyBUF_READ, PyBUF_WRITE}) {
      for (char order : {'C', 'F', 'A'}) {
        out.push_back({c, Constructor::get_contiguous, buffertype, order});
      }
    }
  }
  return out;
}

MemoryviewOutcome run_object(const Api &api, const ObjectParam &p) {
  MemoryviewOutcome out;
  Built built;
  if (!build_or_skip(p.exporter, built, out)) return out;
  PyObject *exporter = built.exporter.get();
  out.input = repr(exporter);
  const Py_ssize_t rc0 = refcount(exporter);
  PyObject *result = p.constructor == Constructor::from_object
                         ? api.PyMemoryView_FromObject(exporter)
                         : api.PyMemoryView_GetContiguous(exporter, p.buffertype, p.order);
  out.rc_during = refcount(exporter) - rc0;
  record_result(out, result, exporter);
  Py_XDECREF(result);
  out.rc_after = refcount(exporter) - rc0;
  return out;
}

class MemoryviewOfObject : public PyParamTest<ObjectParam> {};

TEST_P(MemoryviewOfObject, SameResult) {
  const ObjectParam &p = GetParam();
  const MemoryviewOutcome r = run_object(real(), p);
  ASSERT_EQ(r.skip_reason.rfind("ERROR", 0), std::string::npos) << r.skip_reason;
  if (r.skipped) GTEST_SKIP() << r.skip_reason;
  const MemoryviewOutcome o = run_object(ours(), p);
  Diff d;
  diff_results(d, r, o);
  // A view of the object itself is based on it (or on a memoryview's own obj); a copy is
  // based on memory of its own, whose holder differs by design.
  const bool real_copied = r.obj == "another object", ours_copied = o.obj == "another object";
  d.field("based on a copy", real_copied, ours_copied);
  if (!real_copied) d.field("obj", r.obj, o.obj);
  count_case(p.constructor == Constructor::from_object ? "PyMemoryView_FromObject"
                                                       : "PyMemoryView_GetContiguous");
  DIFF_EXPECT_SAME(d, r.input);
}

std::string object_param_name(const testing::TestParamInfo<ObjectParam> &info) {
  const ObjectParam &p = info.param;
  if (p.constructor == Constructor::from_object) {
    return test_name(std::string("FromObject_") + p.exporter.name);
  }
  return test_name(std::string("GetContiguous_") + p.exporter.name +
                   (p.buffertype == PyBUF_READ ? "_READ_" : "_WRITE_") + p.order);
}

INSTANTIATE_TEST_SUITE_P(Catalog, MemoryviewOfObject, testing::ValuesIn(object_params()),
                         object_param_name);

// ------------------------------------------------------------------------------------------
// FromMemory on raw memory.

struct MemoryParam {
  const char *name;
  Py_ssize_t size;
  int flags;
  bool null_memory;
};

std::vector<MemoryParam> memory_params() {
  return {{"empty_read", 0, PyBUF_READ, false},    {"empty_write", 0, PyBUF_WRITE, false},
          {"one_read", 1, PyBUF_READ, false},      {"one_write", 1, PyBUF_WRITE, false},
          {"bytes_read", 37, PyBUF_READ, false},   {"bytes_write", 37, PyBUF_WRITE, false},
          {"null_empty_read", 0, PyBUF_READ, true}};
}

struct MemoryOutcome {
  MemoryviewOutcome view;
  std::string memory_after_write;  // the raw memory after writing through the view
  std::string write_error;
};

MemoryOutcome run_memory(const Api &api, const MemoryParam &p) {
  MemoryOutcome out;
  std::vector<unsigned char> memory = pattern_bytes(static_cast<size_t>(p.size), 3);
  char *mem = p.null_memory ? nullptr : reinterpret_cast<char *>(memory.data());
  PyObject *result = api.PyMemoryView_FromMemory(mem, p.size, p.flags);
  record_result(out.view, result, nullptr);
  if (result != nullptr && p.size > 0) {
    // Writable views change the caller's memory; read-only ones refuse with TypeError.
    Ref one = Ref(PyLong_FromLong(0x5A));
    if (PySequence_SetItem(result, 0, one.get()) != 0) out.write_error = take_error_text();
    out.memory_after_write.assign(memory.begin(), memory.end());
  }
  Py_XDECREF(result);
  return out;
}

class MemoryviewFromMemory : public PyParamTest<MemoryParam> {};

TEST_P(MemoryviewFromMemory, SameResult) {
  const MemoryParam &p = GetParam();
  const MemoryOutcome r = run_memory(real(), p);
  const MemoryOutcome o = run_memory(ours(), p);
  Diff d;
  diff_results(d, r.view, o.view);
  d.field("obj", r.view.obj, o.view.obj);
  d.field("memory after writing item 0", r.memory_after_write, o.memory_after_write);
  d.field("writing item 0", r.write_error, o.write_error);
  count_case("PyMemoryView_FromMemory");
  DIFF_EXPECT_SAME(d, std::string(p.name));
}

INSTANTIATE_TEST_SUITE_P(Raw, MemoryviewFromMemory, testing::ValuesIn(memory_params()),
                         [](const testing::TestParamInfo<MemoryParam> &info) {
                           return test_name(info.param.name);
                         });

// ------------------------------------------------------------------------------------------
// FromBuffer on views of real exporters, as exported and with fields CPython reconstructs.

enum class Edit { none, no_strides, no_format, no_shape_1d, null_buf, ndim_65, readonly };

struct BufferParam {
  ExporterCase exporter;
  Edit edit;
};

const char *edit_name(Edit e) {
  switch (e) {
    case Edit::none:
      return "as_exported";
    case Edit::no_strides:
      return "no_strides";
    case Edit::no_format:
      return "no_format";
    case Edit::no_shape_1d:
      return "no_shape_1d";
    case Edit::null_buf:
      return "null_buf";
    case Edit::ndim_65:
      return "ndim_65";
    case Edit::readonly:
      return "readonly";
  }
  return "?";
}

std::vector<BufferParam> buffer_params() {
  std::vector<BufferParam> out;
  for (const ExporterCase &c : buffer_exporter_cases()) {
    for (Edit e : {Edit::none, Edit::no_strides, Edit::no_format, Edit::no_shape_1d, Edit::null_buf,
                   Edit::ndim_65, Edit::readonly}) {
      out.push_back({c, e});
    }
  }
  return out;
}

// Whether CPython itself survives the edited view: what it reconstructs it can, what it
// would read through NULL it cannot (those inputs are the malformed matrix's).
bool cpython_survives(const Py_buffer &v, Edit e) {
  switch (e) {
    case Edit::no_strides:
      return v.suboffsets == nullptr && PyBuffer_IsContiguous(&v, 'C');
    case Edit::no_shape_1d:
      return v.ndim == 1 && v.itemsize > 0 && PyBuffer_IsContiguous(&v, 'C');
    default:
      return true;
  }
}

MemoryviewOutcome run_buffer(const Api &api, const BufferParam &p, bool *inapplicable) {
  MemoryviewOutcome out;
  Built built;
  if (!build_or_skip(p.exporter, built, out)) return out;
  PyObject *exporter = built.exporter.get();
  out.input = repr(exporter) + ", " + edit_name(p.edit);
  Py_buffer view;
  if (real().PyObject_GetBuffer(exporter, &view, PyBUF_FULL_RO) != 0) {
    out.skipped = true;
    out.skip_reason = "the exporter refuses PyBUF_FULL_RO";
    take_error();
    return out;
  }
  if (!cpython_survives(view, p.edit)) {
    *inapplicable = true;
    real().PyBuffer_Release(&view);
    return out;
  }
  Py_buffer edited = view;
  switch (p.edit) {
    case Edit::no_strides:
      edited.strides = nullptr;
      break;
    case Edit::no_format:
      edited.format = nullptr;
      break;
    case Edit::no_shape_1d:
      edited.shape = nullptr;
      break;
    case Edit::null_buf:
      edited.buf = nullptr;
      break;
    case Edit::ndim_65:
      edited.ndim = PyBUF_MAX_NDIM + 1;
      break;
    case Edit::readonly:
      edited.readonly = 1;
      break;
    case Edit::none:
      break;
  }
  const Py_ssize_t rc0 = refcount(exporter);
  PyObject *result = api.PyMemoryView_FromBuffer(&edited);
  out.rc_during = refcount(exporter) - rc0;
  record_result(out, result, nullptr);
  Py_XDECREF(result);
  out.rc_after = refcount(exporter) - rc0;
  real().PyBuffer_Release(&view);
  return out;
}

class MemoryviewFromBuffer : public PyParamTest<BufferParam> {};

TEST_P(MemoryviewFromBuffer, SameResult) {
  const BufferParam &p = GetParam();
  bool inapplicable = false;
  const MemoryviewOutcome r = run_buffer(real(), p, &inapplicable);
  ASSERT_EQ(r.skip_reason.rfind("ERROR", 0), std::string::npos) << r.skip_reason;
  if (r.skipped) GTEST_SKIP() << r.skip_reason;
  if (inapplicable) GTEST_SKIP() << "CPython would read through the missing field";
  const MemoryviewOutcome o = run_buffer(ours(), p, &inapplicable);
  Diff d;
  diff_results(d, r, o);
  d.field("obj", r.obj, o.obj);
  count_case("PyMemoryView_FromBuffer");
  DIFF_EXPECT_SAME(d, r.input);
}

INSTANTIATE_TEST_SUITE_P(Exported, MemoryviewFromBuffer, testing::ValuesIn(buffer_params()),
                         [](const testing::TestParamInfo<BufferParam> &info) {
                           return test_name(std::string(info.param.exporter.name) + "_" +
                                            edit_name(info.param.edit));
                         });

}  // namespace
}  // namespace diff
