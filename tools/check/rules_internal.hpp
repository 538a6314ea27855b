// Shared by the rule files: what a rule sees, what it returns, and the prerequisites rules
// test before judging.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model.hpp"
#include "requests.hpp"

namespace pybuffer::check {

/// Facts about the exporter gathered from all its answers before any rule runs.
struct Context {
  Memory memory;  // the memory the exporter exposes, from a contiguous answer
  // The first accepted answer to a request without PyBUF_WRITABLE that reported read-only,
  // and the first that reported writable (nullptr when none).
  const Answer *read_only_answer = nullptr;
  const Answer *writable_answer = nullptr;
  const Answer *first_plain_answer = nullptr;  // either: the reference for consistency
  // product(shape) * itemsize of the first answer with a sound shape: the byte count the
  // answers without a shape must report as len.
  std::optional<ssize> shaped_bytes;
  const Answer *shaped_answer = nullptr;
};

/// What one rule found in one answer.
struct Findings {
  std::vector<Violation> violations;
  std::vector<std::string> notes;

  void violate(const char *rule, std::string message) {
    violations.push_back(Violation{rule, std::move(message)});
  }
  void note(std::string message) { notes.push_back(std::move(message)); }
};

using Rule = Findings (*)(const Request &, const Answer &, const Context &);

// Lifetime and ownership (rules_lifetime.cpp).
Findings rule_result(const Request &, const Answer &, const Context &);
Findings rule_refusal(const Request &, const Answer &, const Context &);
Findings rule_obj(const Request &, const Answer &, const Context &);
Findings rule_reference(const Request &, const Answer &, const Context &);
Findings rule_release(const Request &, const Answer &, const Context &);
// Fields present or NULL as requested (rules_fields.cpp).
Findings rule_ndim(const Request &, const Answer &, const Context &);
Findings rule_shape(const Request &, const Answer &, const Context &);
Findings rule_strides(const Request &, const Answer &, const Context &);
Findings rule_suboffsets(const Request &, const Answer &, const Context &);
Findings rule_suboffsets_negative(const Request &, const Answer &, const Context &);
Findings rule_format(const Request &, const Answer &, const Context &);
Findings rule_readonly(const Request &, const Answer &, const Context &);
// Geometry (rules_geometry.cpp).
Findings rule_itemsize(const Request &, const Answer &, const Context &);
Findings rule_extents(const Request &, const Answer &, const Context &);
Findings rule_len(const Request &, const Answer &, const Context &);
Findings rule_contiguity(const Request &, const Answer &, const Context &);
Findings rule_bounds(const Request &, const Answer &, const Context &);

// Prerequisites.
inline bool ndim_valid(const Answer &a) {
  return !a.ndim_unset && a.ndim >= 0 && a.ndim <= 64;
}
inline bool itemsize_valid(const Answer &a) {
  return !a.itemsize_unset && a.itemsize > 0;
}
inline bool len_valid(const Answer &a) {
  return !a.len_unset && a.len >= 0;
}
/// Every extent is known and >= 0 (vacuously true without a shape).
inline bool extents_valid(const Answer &a) {
  if (a.shape.state == ArrayField::State::null) return true;
  if (!a.shape.readable()) return false;
  for (const ssize extent : a.shape.values) {
    if (extent < 0) return false;
  }
  return true;
}
inline bool suboffsets_all_negative(const Answer &a) {
  if (!a.suboffsets.readable()) return false;
  for (const ssize offset : a.suboffsets.values) {
    if (offset >= 0) return false;
  }
  return true;
}
/// Whether the answer's layout can be walked: ndim, itemsize and extents sound, shape given
/// when ndim > 0, strides and suboffsets NULL or readable.
bool layout_judgeable(const Answer &a);

/// product(shape) * itemsize, or nothing on overflow or without a sound shape.
std::optional<ssize> shaped_bytes(const Answer &a);

// Message helpers.
std::string join(const std::vector<ssize> &values);  // "(3,4)"
std::string describe(const ArrayField &field);       // "NULL", "unset", "(3,4)"
std::string request_name(int flags);                 // "STRIDES|FORMAT (RECORDS_RO)"

}  // namespace pybuffer::check
