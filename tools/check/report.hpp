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
  std::string implementation;  // sys.implementation.name: "cpython", "pypy"
  // sys.implementation.version, spelled as the runtime spells its releases: PyPy's own
  // version ("7.3.11") where python_version is the language's ("3.9.16").
  std::string implementation_version;
  std::string executable;  // sys.executable; "" when the interpreter does not know it
  // "embedded": the interpreter pybuffer-check was built with; "module": the interpreter
  // that imported the pybuffer_check module (python -m pybuffer_check, --python, the API).
  std::string host;
  std::string library;  // the file of the interpreter's own functions (libpython3.11.so.1.0)
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

/// What the text report shows of each exporter.
enum class Detail {
  quiet,    // the overview lists only the exporters that did not pass; details of those
  normal,   // the overview lists every exporter; details of those that did not pass
  verbose,  // details of every exporter
};

void write_text(std::ostream &out, const RunInfo &info, const std::vector<ExporterReport> &reports,
                const Summary &summary, Detail detail);
/// One exporter's answers, request by request, and the violations (report_detail.cpp).
void write_exporter_detail(std::ostream &out, const ExporterReport &report, int index, int total);
void write_json(std::ostream &out, const RunInfo &info, const std::vector<ExporterReport> &reports,
                const Summary &summary);
void write_rules(std::ostream &out);

}  // namespace pybuffer::check
