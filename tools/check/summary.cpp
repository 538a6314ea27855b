// Verdicts and the summary, shared by both renderings so that text and JSON always agree.
#include <algorithm>

#include "report.hpp"

namespace pybuffer::check {

Verdict verdict_of(const ExporterReport &report) {
  if (report.skipped) return Verdict::skipped;
  if (!report.error.empty()) return Verdict::error;
  return report.violation_count() == 0 ? Verdict::pass : Verdict::fail;
}

const char *verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::pass:
      return "pass";
    case Verdict::fail:
      return "fail";
    case Verdict::error:
      return "error";
    case Verdict::skipped:
      return "skipped";
  }
  return "?";
}

Summary summarize(const std::vector<ExporterReport> &reports) {
  Summary summary;
  for (const ExporterReport &report : reports) {
    ++summary.exporters;
    switch (verdict_of(report)) {
      case Verdict::pass:
        ++summary.passed;
        break;
      case Verdict::fail:
        ++summary.failed;
        break;
      case Verdict::error:
        ++summary.errors;
        break;
      case Verdict::skipped:
        ++summary.skipped;
        break;
    }
    for (const Answer &answer : report.answers) {
      ++summary.requests;
      ++(answer.accepted ? summary.accepted : summary.refused);
      for (const Violation &violation : answer.violations) {
        ++summary.violations;
        ++summary.violations_by_rule[violation.rule];
        std::vector<std::string> &labels = summary.exporters_by_rule[violation.rule];
        if (std::find(labels.begin(), labels.end(), report.label) == labels.end()) {
          labels.push_back(report.label);
        }
      }
    }
  }
  // A violation outranks an unchecked target: CI learns first that something is broken.
  summary.exit_status = summary.failed > 0 ? 1 : summary.errors > 0 ? 2 : 0;
  return summary;
}

}  // namespace pybuffer::check
