// The rules an exporter's answers are judged by: one id per rule, each implemented as a
// function returning the violations it finds (rules_*.cpp). A rule is judged only where its
// prerequisites hold, so that one defect is reported under one rule: a view whose ndim is
// out of range is reported by `ndim`, not also by every rule that would need its shape.
#pragma once

#include <vector>

#include "model.hpp"

namespace pybuffer::check {

struct RuleInfo {
  const char *id;
  const char *summary;
};

/// Every rule, in the order reports list them.
const std::vector<RuleInfo> &rule_table();

/// Judges every answer of `report` (one per request sent, any subset of requests()), filling each
/// answer's violations and notes and the report's memory and read-only facts.
void judge(ExporterReport &report);

}  // namespace pybuffer::check
