// Rules about the call itself and the lifetime of an export: the return value and exception,
// what a refusal leaves behind, view->obj, its reference count, and bf_releasebuffer.
#include "rules_internal.hpp"

namespace pybuffer::check {
namespace {

std::string exception_text(const Answer &a) {
  return a.exception_type + (a.exception_message.empty() ? "" : ": " + a.exception_message);
}

}  // namespace

Findings rule_result(const Request &, const Answer &a, const Context &) {
  Findings found;
  if (a.result != 0 && a.result != -1) {
    found.violate("result",
                  "bf_getbuffer returned " + std::to_string(a.result) + " (0 or -1 expected)");
  } else if (a.result == -1 && !a.exception_set) {
    found.violate("result", "bf_getbuffer returned -1 without setting an exception");
  } else if (a.result == 0 && a.exception_set) {
    found.violate("result", "bf_getbuffer returned 0 with an exception set: " + exception_text(a));
  }
  return found;
}

Findings rule_refusal(const Request &, const Answer &a, const Context &) {
  Findings found;
  if (a.accepted) return found;
  // Without an exception the `result` rule has spoken; the type is judged only when there is
  // one.
  if (a.exception_set && !a.exception_is_buffer_error) {
    found.violate("refusal", "refused with " + exception_text(a) + " (BufferError expected)");
  }
  if (a.obj != ObjState::null) {
    found.violate("refusal", std::string("the refusal left view->obj set (to ") +
                                 (a.obj == ObjState::exporter ? "the exporter" : "another object") +
                                 "; NULL expected)");
  }
  return found;
}

Findings rule_obj(const Request &, const Answer &a, const Context &) {
  Findings found;
  if (!a.accepted) return found;
  if (a.obj == ObjState::null) {
    found.violate("obj", "view->obj is NULL in an accepted view (the exporter expected)");
  } else if (a.obj == ObjState::other) {
    found.note("view->obj is a " + a.obj_type +
               ", not the exporter: the request was redirected (allowed)");
  }
  return found;
}

Findings rule_reference(const Request &, const Answer &a, const Context &) {
  Findings found;
  if (!a.accepted || a.obj == ObjState::null || !a.refcount_measured) return found;
  std::string problem;
  if (a.obj == ObjState::exporter) {
    if (a.refcount_held != a.refcount_before + 1) {
      problem = "refcount " + std::to_string(a.refcount_before) + " before the request, " +
                std::to_string(a.refcount_held) + " while held (" +
                std::to_string(a.refcount_before + 1) + " expected)";
    }
    if (a.refcount_after != a.refcount_before) {
      problem += (problem.empty() ? "" : "; ") + std::string("refcount ") +
                 std::to_string(a.refcount_after) + " after the release (" +
                 std::to_string(a.refcount_before) + " expected)";
    }
  } else if (a.refcount_after != a.refcount_held - 1) {
    problem = "the release took " + std::to_string(a.refcount_held - a.refcount_after) +
              " references of view->obj (1 expected)";
  }
  if (!problem.empty()) {
    if (a.refcount_restored > 0) {
      problem += "; the checker put back " + std::to_string(a.refcount_restored) +
                 " reference(s) to keep the object alive";
    }
    found.violate("reference", problem);
  }
  return found;
}

Findings rule_release(const Request &, const Answer &a, const Context &) {
  Findings found;
  if (!a.release_counted) return found;
  const std::string in_get = std::to_string(a.release_calls_in_get);
  if (!a.accepted) {
    if (a.release_calls_in_get != 0) {
      found.violate("release", "bf_releasebuffer ran " + in_get +
                                   " time(s) for a refused request (never expected)");
    }
    return found;
  }
  // With view->obj NULL the release cannot reach the exporter: the `obj` rule reports that.
  if (a.obj == ObjState::null) return found;
  if (a.release_calls_in_get != 0 || a.release_calls_in_release != 1) {
    found.violate("release", "bf_releasebuffer ran " + in_get +
                                 " time(s) inside bf_getbuffer and " +
                                 std::to_string(a.release_calls_in_release) +
                                 " time(s) in the release (0 and 1 expected)");
  }
  return found;
}

}  // namespace pybuffer::check
