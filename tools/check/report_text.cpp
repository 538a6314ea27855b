// The readable report, in the order a person reads it: who served the run, the rules and a
// legend, one line per exporter (its verdict, how many requests it accepted and refused, the
// rules it broke), then request-by-request detail of the exporters that did not pass (of
// all with --verbose), and the summary with the verdict last. Nothing in it varies between
// two runs of the same check: reprs are stripped of addresses where they are taken.
#include <algorithm>
#include <sstream>

#include "report.hpp"
#include "requests.hpp"
#include "rules.hpp"

namespace pybuffer::check {
namespace {

// Longest exporter label the overview prints; the detail shows it whole.
constexpr std::size_t kLabelWidth = 44;
// Width of a rule's summary in the report (--list-rules keeps each on one line).
constexpr std::size_t kSummaryWidth = 78;

// "CPython 3.11.2"; "PyPy 7.3.11 for Python 3.9.16", where the runtime's version is not the
// language's.
std::string interpreter_name(const RunInfo &info) {
  const std::pair<const char *, const char *> names[] = {{"cpython", "CPython"}, {"pypy", "PyPy"}};
  std::string name = info.implementation.empty() ? "Python" : info.implementation;
  for (const auto &known : names) {
    if (info.implementation == known.first) name = known.second;
  }
  if (info.implementation_version.empty() || info.implementation_version == info.python_version)
    return name + " " + info.python_version;
  return name + " " + info.implementation_version + " for Python " + info.python_version;
}

void write_header(std::ostream &out, const RunInfo &info) {
  out << "pybuffer-check: pybuffer " << info.pybuffer_version << " serving "
      << interpreter_name(info) << " (";
  if (info.host == "embedded") {
    out << info.library << " embedded in pybuffer-check)\n";
  } else {
    out << info.executable << ", pybuffer_check module)\n";
  }
  for (const auto &binding : info.bindings) {
    out << "  " << binding.first << " bound to " << binding.second << '\n';
  }
  out << '\n';
}

void write_rules_and_legend(std::ostream &out, const std::vector<ExporterReport> &reports) {
  std::size_t sent = 0;
  for (const ExporterReport &report : reports) sent = std::max(sent, report.answers.size());
  out << "Rules (an exporter fails when one of its answers breaks one):\n";
  std::size_t width = 0;
  for (const RuleInfo &rule : rule_table()) width = std::max(width, std::string(rule.id).size());
  for (const RuleInfo &rule : rule_table()) {
    const std::string id = rule.id;
    out << "  " << id << std::string(width - id.size() + 2, ' ');
    // Wrapped at word boundaries, continued under the summary's first word.
    std::istringstream words(rule.summary);
    std::size_t column = 0;
    for (std::string word; words >> word;) {
      if (column > 0 && column + 1 + word.size() > kSummaryWidth) {
        out << '\n' << std::string(width + 4, ' ');
        column = 0;
      }
      out << (column > 0 ? " " : "") << word;
      column += (column > 0 ? 1 : 0) + word.size();
    }
    out << '\n';
  }
  out << "\nEach exporter is sent ";
  if (sent == requests().size()) {
    out << "the " << sent << " requests of the documentation's tables (SIMPLE, ND, STRIDES,\n"
        << "INDIRECT, C/F/ANY_CONTIGUOUS, each without and with WRITABLE and FORMAT).\n";
  } else {
    out << sent << " of the " << requests().size() << " requests (--request).\n";
  }
  out << "Legend: verdict pass (no rule broken), FAIL (a rule broken), error (not checked),\n"
      << "skipped (not in this interpreter); accepted and refused count the requests;\n"
      << "broken rules: each rule with the number of answers that broke it.\n\n";
}

std::string broken_rules(const ExporterReport &report) {
  std::string text;
  for (const RuleInfo &rule : rule_table()) {
    int count = 0;
    for (const Answer &answer : report.answers) {
      for (const Violation &violation : answer.violations) count += violation.rule == rule.id;
    }
    if (count > 0)
      text += (text.empty() ? "" : ", ") + std::string(rule.id) + " x" + std::to_string(count);
  }
  return text;
}

std::string short_label(const std::string &label) {
  return label.size() <= kLabelWidth ? label : label.substr(0, kLabelWidth - 3) + "...";
}

void write_overview(std::ostream &out, const std::vector<ExporterReport> &reports, Detail detail) {
  std::size_t label_width = std::string("exporter").size();
  for (const ExporterReport &report : reports) {
    label_width = std::max(label_width, short_label(report.label).size());
  }
  const std::string number_header = "#";
  std::size_t number_width = std::max(number_header.size(), std::to_string(reports.size()).size());
  const auto pad_right = [](std::string text, std::size_t width) {
    return text + std::string(width > text.size() ? width - text.size() : 0, ' ');
  };
  const auto pad_left = [](std::string text, std::size_t width) {
    return std::string(width > text.size() ? width - text.size() : 0, ' ') + text;
  };
  out << "  " << pad_left(number_header, number_width) << "  verdict  accepted  refused  "
      << pad_right("exporter", label_width) << "  broken rules\n";
  for (std::size_t i = 0; i < reports.size(); ++i) {
    const ExporterReport &report = reports[i];
    const Verdict verdict = verdict_of(report);
    if (detail == Detail::quiet && verdict == Verdict::pass) continue;
    const bool checked = verdict == Verdict::pass || verdict == Verdict::fail;
    int accepted = 0;
    for (const Answer &answer : report.answers) accepted += answer.accepted;
    const int refused = static_cast<int>(report.answers.size()) - accepted;
    std::string rules = verdict == Verdict::fail ? broken_rules(report) : "-";
    if (!checked) rules = report.error;
    std::string line = "  " + pad_left(std::to_string(i + 1), number_width) + "  " +
                       pad_right(verdict == Verdict::fail ? "FAIL" : verdict_name(verdict), 7) +
                       "  " + pad_left(checked ? std::to_string(accepted) : "-", 8) + "  " +
                       pad_left(checked ? std::to_string(refused) : "-", 7) + "  " +
                       pad_right(short_label(report.label), label_width) + "  " + rules;
    out << line << '\n';
  }
  out << '\n';
}

void write_summary(std::ostream &out, const RunInfo &info, const Summary &summary) {
  out << "Summary\n";
  out << "  exporters:  " << summary.exporters << " (" << summary.passed << " passed, "
      << summary.failed << " failed, " << summary.errors << " not checked, " << summary.skipped
      << " skipped)\n";
  out << "  requests:   " << summary.requests << " (" << summary.accepted << " accepted, "
      << summary.refused << " refused)\n";
  out << "  violations: " << summary.violations << '\n';
  for (const auto &entry : summary.violations_by_rule) {
    out << "    " << entry.first << ": " << entry.second << " in";
    const std::vector<std::string> &labels = summary.exporters_by_rule.at(entry.first);
    for (std::size_t i = 0; i < labels.size(); ++i) out << (i ? ", " : " ") << labels[i];
    out << '\n';
  }
  if (!info.served_by_pybuffer) {
    out << "  warning: the buffer functions above were not all bound to libpybuffer\n";
  }
  switch (summary.exit_status) {
    case 0:
      out << "PASS: every exporter answered every request by the rules\n";
      break;
    case 1:
      out << "FAIL: " << summary.failed << " exporter(s) broke the rules\n";
      break;
    default:
      out << "ERROR: " << summary.errors << " target(s) could not be checked\n";
      break;
  }
}

}  // namespace

void write_text(std::ostream &out, const RunInfo &info, const std::vector<ExporterReport> &reports,
                const Summary &summary, Detail detail) {
  write_header(out, info);
  if (detail != Detail::quiet) write_rules_and_legend(out, reports);
  write_overview(out, reports, detail);
  const int total = static_cast<int>(reports.size());
  bool titled = false;
  for (int i = 0; i < total; ++i) {
    const Verdict verdict = verdict_of(reports[i]);
    if (detail != Detail::verbose && (verdict == Verdict::pass || verdict == Verdict::skipped)) {
      continue;
    }
    if (!titled) {
      out << (detail == Detail::verbose ? "Every exporter, request by request:\n\n"
                                        : "Exporters that did not pass, request by request "
                                          "(--verbose: every exporter):\n\n");
      titled = true;
    }
    write_exporter_detail(out, reports[i], i + 1, total);
  }
  write_summary(out, info, summary);
}

void write_rules(std::ostream &out) {
  std::size_t width = 0;
  for (const RuleInfo &rule : rule_table()) width = std::max(width, std::string(rule.id).size());
  for (const RuleInfo &rule : rule_table()) {
    const std::string id = rule.id;
    out << id << std::string(width - id.size() + 2, ' ') << rule.summary << '\n';
  }
}

}  // namespace pybuffer::check
