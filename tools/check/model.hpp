// The checker's record of what happened: one Answer per request sent to an exporter, one
// Violation per broken rule, one ExporterReport per target. Everything here is plain data,
// copied out of the Py_buffer while it was held, so that the rules and the reports run after
// every view has been released and never touch exporter memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pybuffer::check {

using ssize = std::ptrdiff_t;

/// A pointer field of the answer (shape, strides, suboffsets): NULL, left as the poison the
/// checker wrote before the call, not readable (ndim outside 0..64), or its ndim values.
struct ArrayField {
  enum class State { null, unset, unreadable, values };
  State state = State::null;
  std::vector<ssize> values;

  bool present() const { return state != State::null; }
  bool readable() const { return state == State::values; }
};

/// The format field: NULL, left unset (poison), or the string it pointed to.
struct FormatField {
  enum class State { null, unset, text };
  State state = State::null;
  std::string text;
};

/// Where view->obj pointed after the call.
enum class ObjState { null, exporter, other };

/// One violated rule, named by its id (see rules.hpp), with the values that broke it.
struct Violation {
  std::string rule;
  std::string message;
};

struct Answer {
  int flags = 0;
  int result = 0;
  bool accepted = false;  // result >= 0: CPython's own callers test "< 0" for failure

  // The exception pending after the call, fetched and cleared.
  bool exception_set = false;
  bool exception_is_buffer_error = false;
  std::string exception_type;
  std::string exception_message;

  // Request-independent fields (meaningful when accepted). `*_unset` marks a field that still
  // held the checker's poison: the exporter never wrote it.
  std::uintptr_t buf = 0;
  ssize len = 0;
  ssize itemsize = 0;
  int readonly = 0;
  int ndim = 0;
  bool buf_unset = false, len_unset = false, itemsize_unset = false, readonly_unset = false,
       ndim_unset = false;
  FormatField format;
  ArrayField shape, strides, suboffsets;

  ObjState obj = ObjState::null;
  std::string obj_type;  // the type of view->obj when it is some other object

  // Reference counts of the exporter (or, for a redirected view, of view->obj): before the
  // request, while the view was held, and after its release. Absent when not measurable.
  bool refcount_measured = false;
  ssize refcount_before = 0, refcount_held = 0, refcount_after = 0;
  ssize refcount_restored = 0;  // references the checker put back to keep the object alive

  // bf_releasebuffer calls on this request's view: during bf_getbuffer and during the
  // release. Absent when the object's type has no bf_releasebuffer.
  bool release_counted = false;
  int release_calls_in_get = 0;
  int release_calls_in_release = 0;

  std::vector<std::string> notes;  // things the checker could not judge, and why
  std::vector<Violation> violations;
};

/// Facts about one exporter, gathered from all its answers.
struct Memory {
  bool known = false;
  std::uintptr_t buf = 0;
  ssize len = 0;
  std::string from;  // the request whose answer gave the extent
};

struct ExporterReport {
  std::string label;
  std::string source;    // builtin, expr, attribute, script
  std::string origin;    // the expression, module:attribute or path it came from
  std::string type;      // the exporter's type name
  std::string repr;      // a short repr of the object
  std::string error;     // set when the target could not be resolved or is no exporter
  bool skipped = false;  // a built-in this interpreter lacks (e.g. no _testbuffer)

  bool immortal = false;
  bool has_releasebuffer = false;
  Memory memory;
  std::optional<bool> readonly_memory;
  std::vector<Answer> answers;  // one per request, in the order sent
  std::vector<std::string> notes;

  std::size_t violation_count() const {
    std::size_t n = 0;
    for (const Answer &answer : answers) n += answer.violations.size();
    return n;
  }
};

}  // namespace pybuffer::check
