// Recording and comparing outcomes; the per-function case counter.
#include "compare.hpp"

#include <cstdio>
#include <iostream>
#include <map>

namespace diff {
namespace {

constexpr unsigned char kViewPattern = 0xCB;

std::map<std::string, long> &counts() {
  static std::map<std::string, long> m;
  return m;
}

long offset_in_view(const Py_buffer &view, const void *p) {
  const char *base = reinterpret_cast<const char *>(&view);
  const char *q = static_cast<const char *>(p);
  if (q >= base && q < base + sizeof(Py_buffer)) return static_cast<long>(q - base);
  return -1;
}

ArrayField record_array(const Py_buffer &view, const Py_ssize_t *p, bool contents) {
  ArrayField f;
  f.null = p == nullptr;
  if (f.null) return f;
  f.in_view = offset_in_view(view, p);
  if (contents && view.ndim >= 0 && view.ndim <= PyBUF_MAX_NDIM) {
    f.values.assign(p, p + view.ndim);
  }
  return f;
}

std::string join(const std::vector<Py_ssize_t> &v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
  return s + "]";
}

void diff_array(Diff &d, const char *name, const ArrayField &r, const ArrayField &o) {
  d.field(std::string(name) + " is NULL", r.null, o.null);
  if (r.null || o.null) return;
  d.field(std::string(name) + " offset inside the Py_buffer", r.in_view, o.in_view);
  d.field(std::string(name) + " contents", join(r.values), join(o.values));
}

std::string type_name(PyObject *o) {
  return o == nullptr ? "NULL" : Py_TYPE(o)->tp_name;
}

}  // namespace

void Diff::errors(const std::string &what, const Error &real_err, const Error &ours_err) {
  field(what + " exception set", real_err.set, ours_err.set);
  if (!real_err.set || !ours_err.set) {
    if (real_err.set)
      note(what + " CPython raised " + real_err.type_name + ": " + real_err.message);
    if (ours_err.set)
      note(what + " pybuffer raised " + ours_err.type_name + ": " + ours_err.message);
    return;
  }
  if (real_err.type.get() != ours_err.type.get()) {
    field(what + " exception type", real_err.type_name, ours_err.type_name);
    if (real_err.type_name == ours_err.type_name) note(what + " same name, different class object");
  }
  field(what + " exception message", real_err.message, ours_err.message);
  field(what + " exception __context__", real_err.context_type, ours_err.context_type);
}

ViewRecord record_view(const Py_buffer &view, bool contents) {
  ViewRecord r;
  std::memcpy(r.raw, &view, sizeof view);
  r.buf = view.buf;
  r.obj = view.obj;
  r.len = view.len;
  r.itemsize = view.itemsize;
  r.readonly = view.readonly;
  r.ndim = view.ndim;
  r.format_null = view.format == nullptr;
  r.format_ptr = view.format;
  r.shape_ptr = view.shape;
  r.strides_ptr = view.strides;
  r.suboffsets_ptr = view.suboffsets;
  if (contents && view.format != nullptr) r.format = view.format;
  r.shape = record_array(view, view.shape, contents);
  r.strides = record_array(view, view.strides, contents);
  r.suboffsets = record_array(view, view.suboffsets, contents);
  r.internal = view.internal;
  return r;
}

void diff_views(Diff &d, const ViewRecord &r, const ViewRecord &o, PyObject *exporter) {
  d.field("view.buf", r.buf, o.buf);
  if (r.obj != o.obj) {
    const bool fresh_each = r.obj != nullptr && o.obj != nullptr && r.obj != exporter &&
                            o.obj != exporter && Py_TYPE(r.obj) == Py_TYPE(o.obj);
    if (!fresh_each) {
      d.note("view.obj: CPython " + type_name(r.obj) +
             (r.obj == exporter ? " (the exporter)" : "") + ", pybuffer " + type_name(o.obj) +
             (o.obj == exporter ? " (the exporter)" : ""));
    }
  }
  d.field("view.len", r.len, o.len);
  d.field("view.itemsize", r.itemsize, o.itemsize);
  d.field("view.readonly", r.readonly, o.readonly);
  d.field("view.ndim", r.ndim, o.ndim);
  d.field("view.format is NULL", r.format_null, o.format_null);
  d.field("view.format", r.format, o.format);
  diff_array(d, "view.shape", r.shape, o.shape);
  diff_array(d, "view.strides", r.strides, o.strides);
  diff_array(d, "view.suboffsets", r.suboffsets, o.suboffsets);
  d.field("view.internal", r.internal, o.internal);
}

void diff_raw_views(Diff &d, const ViewRecord &r, const ViewRecord &o, bool format_nullness_only) {
  unsigned char rraw[sizeof(Py_buffer)], oraw[sizeof(Py_buffer)];
  std::memcpy(rraw, r.raw, sizeof rraw);
  std::memcpy(oraw, o.raw, sizeof oraw);
  if (format_nullness_only) {
    d.field("view.format is NULL", r.format_null, o.format_null);
    std::memset(rraw + offsetof(Py_buffer, format), 0, sizeof(char *));
    std::memset(oraw + offsetof(Py_buffer, format), 0, sizeof(char *));
  }
  if (std::memcmp(rraw, oraw, sizeof rraw) == 0) return;
  d.note("the Py_buffer left behind differs:");
  d.field("view.buf", r.buf, o.buf);
  d.field("view.obj", static_cast<const void *>(r.obj), static_cast<const void *>(o.obj));
  d.field("view.len", r.len, o.len);
  d.field("view.itemsize", r.itemsize, o.itemsize);
  d.field("view.readonly", r.readonly, o.readonly);
  d.field("view.ndim", r.ndim, o.ndim);
  d.field("view.internal", r.internal, o.internal);
  if (!format_nullness_only) {
    d.field("view.format pointer", static_cast<const void *>(r.format_ptr),
            static_cast<const void *>(o.format_ptr));
  }
  d.field("view.shape pointer", static_cast<const void *>(r.shape_ptr),
          static_cast<const void *>(o.shape_ptr));
  d.field("view.strides pointer", static_cast<const void *>(r.strides_ptr),
          static_cast<const void *>(o.strides_ptr));
  d.field("view.suboffsets pointer", static_cast<const void *>(r.suboffsets_ptr),
          static_cast<const void *>(o.suboffsets_ptr));
}

Py_buffer patterned_view() {
  Py_buffer v;
  std::memset(&v, kViewPattern, sizeof v);
  return v;
}

std::string describe_view(const Py_buffer &v) {
  std::ostringstream s;
  s << "view{len=" << v.len << " itemsize=" << v.itemsize << " readonly=" << v.readonly
    << " ndim=" << v.ndim
    << " format=" << (v.format ? std::string("\"") + v.format + "\"" : "NULL");
  const bool arrays = v.ndim >= 0 && v.ndim <= PyBUF_MAX_NDIM;
  auto arr = [&](const char *name, const Py_ssize_t *p) {
    s << " " << name << "=";
    if (p == nullptr) {
      s << "NULL";
    } else if (arrays) {
      s << join(std::vector<Py_ssize_t>(p, p + v.ndim));
    } else {
      s << "?";
    }
  };
  arr("shape", v.shape);
  arr("strides", v.strides);
  arr("suboffsets", v.suboffsets);
  s << "}";
  return s.str();
}

std::string describe_flags(int flags) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%#x", static_cast<unsigned>(flags));
  return buf;
}

void count_case(const char *function) {
  ++counts()[function];
}

void print_case_counts() {
  long total = 0;
  std::cout << "[differential] compared cases per function:";
  for (const auto &entry : counts()) {
    std::cout << " " << entry.first << "=" << entry.second;
    total += entry.second;
  }
  std::cout << " (total " << total << ")" << std::endl;
}

std::vector<unsigned char> pattern_bytes(size_t n, unsigned salt) {
  std::vector<unsigned char> v(n);
  for (size_t i = 0; i < n; ++i)
    v[i] = static_cast<unsigned char>((i * 29 + salt * 113 + 7) & 0xFF);
  return v;
}

std::string first_difference(const std::string &a, const std::string &b) {
  if (a.size() != b.size()) {
    return "sizes " + std::to_string(a.size()) + " vs " + std::to_string(b.size());
  }
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) {
      char line[96];
      std::snprintf(line, sizeof line, "first difference at byte %zu: %02x vs %02x", i,
                    static_cast<unsigned char>(a[i]), static_cast<unsigned char>(b[i]));
      return line;
    }
  }
  return "identical";
}

}  // namespace diff
