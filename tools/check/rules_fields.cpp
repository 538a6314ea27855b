// Rules about which fields an answer fills in: the documentation's request tables (shape,
// strides, suboffsets, format present or NULL as requested), ndim's range, and readonly.
//
// A field the request asks for may still be NULL when ndim is 0: a scalar has no extents.
// CPython's own exporters hand out non-NULL zero-length arrays there too, so for ndim 0 only
// the "NULL unless requested" half is judged.
#include "rules_internal.hpp"

namespace pybuffer::check {
namespace {

// The two halves of the request tables for one pointer field.
void judge_pointer(const char *rule, const char *field_name, const char *flag_name, bool requested,
                   bool required, const ArrayField &field, const Answer &a, Findings &found) {
  const std::string name = field_name;
  if (field.state == ArrayField::State::unset) {
    found.violate(rule, name + " left unset (still the checker's poison)");
  } else if (!requested && field.present()) {
    found.violate(rule,
                  name + " is " + describe(field) + " without " + flag_name + " (NULL expected)");
  } else if (requested && required && !field.present() && ndim_valid(a) && a.ndim > 0) {
    found.violate(rule, name + " is NULL though " + flag_name + " was requested (ndim " +
                            std::to_string(a.ndim) + ")");
  }
}

}  // namespace

Findings rule_ndim(const Request &request, const Answer &a, const Context &) {
  Findings found;
  if (!a.accepted) return found;
  if (a.ndim_unset) {
    found.violate("ndim", "ndim left unset (still the checker's poison)");
  } else if (!ndim_valid(a)) {
    found.violate("ndim", "ndim " + std::to_string(a.ndim) + " outside 0..64");
  } else if (!wants_shape(request.flags) && !a.shape.present() && a.ndim != 1) {
    // The documentation leaves ndim of a shapeless answer open; CPython's exporters all say 1
    // (the flat view of len bytes), and ndim 0 would tell a consumer "one item".
    found.note("ndim " + std::to_string(a.ndim) +
               " without a shape, where CPython's exporters report 1 (a flat view of len bytes)");
  }
  return found;
}

Findings rule_shape(const Request &request, const Answer &a, const Context &) {
  Findings found;
  if (a.accepted) {
    judge_pointer("shape", "shape", "PyBUF_ND", wants_shape(request.flags), true, a.shape, a,
                  found);
  }
  return found;
}

Findings rule_strides(const Request &request, const Answer &a, const Context &) {
  Findings found;
  if (a.accepted) {
    judge_pointer("strides", "strides", "PyBUF_STRIDES", wants_strides(request.flags), true,
                  a.strides, a, found);
  }
  return found;
}

Findings rule_suboffsets(const Request &request, const Answer &a, const Context &) {
  Findings found;
  // Suboffsets are given "if needed" under PyBUF_INDIRECT: never required.
  if (a.accepted) {
    judge_pointer("suboffsets", "suboffsets", "PyBUF_INDIRECT", wants_suboffsets(request.flags),
                  false, a.suboffsets, a, found);
  }
  return found;
}

Findings rule_suboffsets_negative(const Request &, const Answer &a, const Context &) {
  Findings found;
  if (a.accepted && ndim_valid(a) && a.ndim > 0 && suboffsets_all_negative(a)) {
    found.violate("suboffsets_negative",
                  "suboffsets " + join(a.suboffsets.values) +
                      " are all negative: no dereference is needed, so NULL is expected");
  }
  return found;
}

Findings rule_format(const Request &request, const Answer &a, const Context &) {
  Findings found;
  if (!a.accepted) return found;
  const bool requested = wants_format(request.flags);
  if (a.format.state == FormatField::State::unset) {
    found.violate("format", "format left unset (still the checker's poison)");
  } else if (!requested && a.format.state == FormatField::State::text) {
    found.violate("format",
                  "format is \"" + a.format.text + "\" without PyBUF_FORMAT (NULL expected)");
  } else if (requested && a.format.state == FormatField::State::null) {
    found.violate("format", "format is NULL though PyBUF_FORMAT was requested");
  }
  return found;
}

Findings rule_readonly(const Request &request, const Answer &a, const Context &context) {
  Findings found;
  if (!a.accepted) return found;
  if (a.readonly_unset) {
    found.violate("readonly", "readonly left unset (still the checker's poison)");
    return found;
  }
  if (wants_writable(request.flags)) {
    if (a.readonly != 0) {
      found.violate("readonly", "a WRITABLE request was granted with readonly=" +
                                    std::to_string(a.readonly) + " (0 expected, or a refusal)");
    } else if (context.read_only_answer != nullptr) {
      found.violate("readonly",
                    "a WRITABLE request was granted, but " +
                        request_name(context.read_only_answer->flags) +
                        " answered readonly=1: read-only memory must refuse it with BufferError");
    }
    return found;
  }
  // The exporter may choose read-only or writable for a request without PyBUF_WRITABLE, but
  // the choice must be the same for every consumer.
  const Answer *other = context.first_plain_answer;
  if (other != nullptr && (other->readonly != 0) != (a.readonly != 0)) {
    found.violate("readonly", "readonly=" + std::to_string(a.readonly) + " here but readonly=" +
                                  std::to_string(other->readonly) + " under " +
                                  request_name(other->flags) + " (the choice must be consistent)");
  }
  return found;
}

}  // namespace pybuffer::check
