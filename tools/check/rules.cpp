// The rule table and the order of judgement: facts that need every answer (what is read-only,
// how many bytes the shape describes) are gathered first; the memory's extent is taken from a
// contiguous answer only once that answer has passed its own rules; bounds come last.
#include "rules.hpp"

#include <sstream>

#include "rules_internal.hpp"

namespace pybuffer::check {
namespace {

struct RuleEntry {
  RuleInfo info;
  Rule judge;
};

// The documentation's rules (the bf_getbuffer contract and the request tables of
// "Buffer Protocol"), one entry per rule.
const std::vector<RuleEntry> &entries() {
  static const std::vector<RuleEntry> table = {
      {{"result", "bf_getbuffer returns 0 without an exception or -1 with one, nothing else"},
       rule_result},
      {{"refusal", "a refused request raises BufferError and leaves view->obj NULL"}, rule_refusal},
      {{"obj", "an accepted view's obj is set: the exporter, or the object it redirects to"},
       rule_obj},
      {{"reference",
        "view->obj is a new reference: +1 while the view is held, restored by the release"},
       rule_reference},
      {{"release", "bf_releasebuffer runs once per successful request, from the release only"},
       rule_release},
      {{"ndim", "0 <= ndim <= 64 (PyBUF_MAX_NDIM)"}, rule_ndim},
      {{"shape", "shape is NULL unless PyBUF_ND is requested, and set when it is (ndim > 0)"},
       rule_shape},
      {{"strides",
        "strides is NULL unless PyBUF_STRIDES is requested, and set when it is (ndim > 0)"},
       rule_strides},
      {{"suboffsets", "suboffsets is NULL unless PyBUF_INDIRECT is requested"}, rule_suboffsets},
      {{"suboffsets_negative",
        "suboffsets are never all negative (no dereference needed: NULL instead)"},
       rule_suboffsets_negative},
      {{"format",
        "format is NULL unless PyBUF_FORMAT is requested (\"B\" implied), and set when it is"},
       rule_format},
      {{"readonly",
        "readonly is the same in every answer; a WRITABLE request on read-only memory is "
        "refused, and a granted one is writable"},
       rule_readonly},
      {{"itemsize", "itemsize > 0, and equal to the size of the format when format is set"},
       rule_itemsize},
      {{"extents", "every shape[i] >= 0"}, rule_extents},
      {{"len",
        "len == product(shape) * itemsize, and the same byte count in answers without shape"},
       rule_len},
      {{"contiguity", "C/F/ANY_CONTIGUOUS requests get views contiguous in that order"},
       rule_contiguity},
      {{"bounds",
        "every item lies within the memory a contiguous request exposes (the "
        "documentation's verify_structure)"},
       rule_bounds},
  };
  return table;
}

bool is_bounds_rule(const RuleEntry &entry) {
  return entry.judge == rule_bounds;
}

void gather_facts(const ExporterReport &report, Context &context) {
  for (const Answer &answer : report.answers) {
    if (!answer.accepted) continue;
    if (!wants_writable(answer.flags) && !answer.readonly_unset) {
      const Answer *&first = answer.readonly ? context.read_only_answer : context.writable_answer;
      if (first == nullptr) first = &answer;
      if (context.first_plain_answer == nullptr) context.first_plain_answer = &answer;
    }
    if (context.shaped_answer == nullptr && answer.shape.readable() && layout_judgeable(answer)) {
      context.shaped_bytes = shaped_bytes(answer);
      if (context.shaped_bytes) context.shaped_answer = &answer;
    }
  }
}

// The extent of the exporter's memory: the buf and len of the first answer that promises a
// contiguous block (no strides requested, or a contiguity request) and broke no rule.
void find_memory(const ExporterReport &report, Context &context) {
  for (const Answer &answer : report.answers) {
    const int flags = answer.flags;
    const bool promises_block = !wants_strides(flags) || contiguity_of(flags) != '\0';
    if (!answer.accepted || !promises_block || !answer.violations.empty()) continue;
    if (answer.buf_unset || !len_valid(answer) || answer.suboffsets.present()) continue;
    context.memory = Memory{true, answer.buf, answer.len, request_name(flags)};
    return;
  }
}

void apply(const RuleEntry &entry, const Request &request, const Context &context, Answer &answer) {
  Findings found = entry.judge(request, answer, context);
  for (Violation &violation : found.violations) answer.violations.push_back(std::move(violation));
  for (std::string &note : found.notes) answer.notes.push_back(std::move(note));
}

}  // namespace

const std::vector<RuleInfo> &rule_table() {
  static const std::vector<RuleInfo> table = [] {
    std::vector<RuleInfo> infos;
    for (const RuleEntry &entry : entries()) infos.push_back(entry.info);
    return infos;
  }();
  return table;
}

void judge(ExporterReport &report) {
  Context context;
  gather_facts(report, context);
  for (Answer &answer : report.answers) {
    for (const RuleEntry &entry : entries()) {
      if (!is_bounds_rule(entry)) apply(entry, request_with_flags(answer.flags), context, answer);
    }
  }
  find_memory(report, context);
  for (Answer &answer : report.answers) {
    for (const RuleEntry &entry : entries()) {
      if (is_bounds_rule(entry)) apply(entry, request_with_flags(answer.flags), context, answer);
    }
  }
  report.memory = context.memory;
  if (context.read_only_answer != nullptr) {
    report.readonly_memory = true;
  } else if (context.writable_answer != nullptr) {
    report.readonly_memory = false;
  }
  if (!context.memory.known) {
    for (const Answer &answer : report.answers) {
      if (answer.accepted && answer.strides.present()) {
        report.notes.push_back(
            "bounds not checked: no contiguous answer shows the extent of the memory");
        break;
      }
    }
  }
}

bool layout_judgeable(const Answer &a) {
  if (!ndim_valid(a) || !itemsize_valid(a) || !extents_valid(a)) return false;
  if (a.ndim > 0 && !a.shape.readable()) return false;
  const auto usable = [](const ArrayField &field) {
    return field.state == ArrayField::State::null || field.readable();
  };
  return usable(a.strides) && usable(a.suboffsets);
}

std::optional<ssize> shaped_bytes(const Answer &a) {
  if (!a.shape.readable() || !itemsize_valid(a) || !extents_valid(a)) return std::nullopt;
  ssize bytes = a.itemsize;
  for (const ssize extent : a.shape.values) {
    if (__builtin_mul_overflow(bytes, extent, &bytes)) return std::nullopt;
  }
  return bytes;
}

std::string join(const std::vector<ssize> &values) {
  std::ostringstream out;
  out << '(';
  for (std::size_t i = 0; i < values.size(); ++i) out << (i ? "," : "") << values[i];
  if (values.size() == 1) out << ',';
  out << ')';
  return out.str();
}

std::string describe(const ArrayField &field) {
  switch (field.state) {
    case ArrayField::State::null:
      return "NULL";
    case ArrayField::State::unset:
      return "unset";
    case ArrayField::State::unreadable:
      return "set (not read: ndim out of range)";
    case ArrayField::State::values:
      return join(field.values);
  }
  return "?";
}

std::string request_name(int flags) {
  for (const Request &request : requests()) {
    if (request.flags == flags) {
      return request.alias.empty() ? request.name : request.name + " (" + request.alias + ")";
    }
  }
  return "flags " + std::to_string(flags);
}

}  // namespace pybuffer::check
