// Recording what a call did and describing how the real and our outcomes differ.
#pragma once

#include <Python.h>

#include <cstring>
#include <sstream>
#include <string>
#include <vector>

#include "guarded_buffer.hpp"
#include "python_env.hpp"

namespace diff {

/// Collects the differences of one compared case; empty means "identical".
class Diff {
 public:
  template <class T>
  void field(const std::string &what, const T &real_value, const T &ours_value) {
    if (real_value == ours_value) return;
    std::ostringstream line;
    line << "  " << what << ": CPython " << show(real_value) << ", pybuffer " << show(ours_value)
         << "\n";
    text_ += line.str();
  }
  void note(const std::string &line) { text_ += "  " + line + "\n"; }
  void errors(const std::string &what, const Error &real_err, const Error &ours_err);

  bool empty() const { return text_.empty(); }
  const std::string &str() const { return text_; }

 private:
  template <class T>
  static T show(const T &v) {
    return v;
  }
  static std::string show(const std::string &v) { return "\"" + v + "\""; }
  static const void *show(void *v) { return v; }
  static const void *show(PyObject *v) { return v; }
  std::string text_;
};

/// A pointer field of Py_buffer (shape, strides, suboffsets): NULL-ness, whether it points
/// into the Py_buffer itself (PyBuffer_FillInfo's shape = &view->len) and the contents.
struct ArrayField {
  bool null = true;
  long in_view = -1;  // byte offset inside the Py_buffer, -1 when elsewhere
  std::vector<Py_ssize_t> values;
};

/// Everything observable in a Py_buffer after a call.
struct ViewRecord {
  unsigned char raw[sizeof(Py_buffer)];
  void *buf;
  PyObject *obj;
  Py_ssize_t len, itemsize;
  int readonly, ndim;
  bool format_null;
  std::string format;
  ArrayField shape, strides, suboffsets;
  void *internal;
  const void *format_ptr, *shape_ptr, *strides_ptr, *suboffsets_ptr;  // raw, for failed calls
};

/// `contents`: also read format, shape, strides and suboffsets (only for views that a
/// successful call filled in, whose pointers are valid).
ViewRecord record_view(const Py_buffer &view, bool contents);

/// Field by field, for views both sides filled in successfully. `exporter` is the object
/// the request went to: a view->obj that is neither it nor the other side's obj is accepted
/// when both are fresh objects of one type (PEP 688 wrappers are made per request).
void diff_views(Diff &d, const ViewRecord &r, const ViewRecord &o, PyObject *exporter);

/// Byte for byte, for views left behind by a failed call (both started from one pattern).
/// `format_nullness_only`: the format pointers need only agree on NULL-ness (each library
/// has its own "B" literal, which PyBuffer_FillInfo and Release leave in the view).
void diff_raw_views(Diff &d, const ViewRecord &r, const ViewRecord &o,
                    bool format_nullness_only = false);

/// A Py_buffer filled with a recognisable pattern, so untouched fields can be told apart.
Py_buffer patterned_view();

std::string describe_view(const Py_buffer &view);
std::string describe_flags(int flags);

/// Counts one compared case of `function` (printed at the end of the run).
void count_case(const char *function);
void print_case_counts();

/// Memory with guard bytes on both sides, which must stay untouched.
using Guarded = pybuffer_test::GuardedBuffer;

/// A deterministic byte pattern of length n.
std::vector<unsigned char> pattern_bytes(size_t n, unsigned salt);

/// Hex dump of at most the first 64 bytes where a and b differ, for messages.
std::string first_difference(const std::string &a, const std::string &b);

}  // namespace diff
