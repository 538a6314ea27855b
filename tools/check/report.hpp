// The two renderings of a run, text for people and JSON for CI (validated against
// pybuffer-check.schema.json), and the summary and exit status both derive from.
#pragma once

#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "model.hpp"

namespace pybuffer::check {

/// Which interpreter and library served the run.
struct RunInfo {
  std::string pybuffer_version;
  std::string python_version;
  // The file each buffer function of this program was bound to by the dynamic linker.
  std::vector<std::pair<std::string, std::string>> bindings;
  bool served_by_pybuffer = false;
};

struct Summary {
  int exporters = 0, passed = 0, failed = 0, errors = 0, skipped = 0;
  int requests = 0, accepted = 0, refused = 0, violations = 0;
  std::map<std::string, int> violations_by_rule;
  std::map<std::string, std::vector<std::string>> exporters_by_rule;  // labels, in order
  int exit_status = 0;  // 0: nothing violated; 1: a rule violated; 2: a target not checked
};

enum class Verdict { pass, fail, error, skipped };

Verdict verdict_of(const ExporterReport &report);
const char *verdict_name(Verdict verdict);
Summary summarize(const std::vector<ExporterReport> &reports);

/// `quiet` lists only the exporters that did not pass.
void write_text(std::ostream &out, const RunInfo &info, const std::vector<ExporterReport> &reports,
                const Summary &summary, bool quiet);
void write_json(std::ostream &out, const RunInfo &info, const std::vector<ExporterReport> &reports,
                const Summary &summary);
void write_rules(std::ostream &out);

}  // namespace pybuffer::check
