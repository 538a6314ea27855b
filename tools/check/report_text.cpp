// The readable report: per exporter, a table with one row per request (accepted or refused,
// and the fields it got), each violation under the row that broke it, then a summary.
#include <algorithm>
#include <set>
#include <sstream>

#include "report.hpp"
#include "requests.hpp"
#include "rules.hpp"
#include "rules_internal.hpp"

namespace pybuffer::check {
namespace {

template <typename T>
std::string number_or_unset(T value, bool unset) {
  return unset ? "unset" : std::to_string(value);
}

std::string format_cell(const FormatField &format) {
  switch (format.state) {
    case FormatField::State::null:
      return "NULL";
    case FormatField::State::unset:
      return "unset";
    case FormatField::State::text:
      return "\"" + format.text + "\"";
  }
  return "?";
}

std::string array_cell(const ArrayField &field) {
  return field.state == ArrayField::State::unreadable ? "(?)" : describe(field);
}

using Row = std::vector<std::string>;

const Row kHeader = {"request",  "answer", "ro",    "ndim",    "len",
                     "itemsize", "format", "shape", "strides", "suboffsets"};
// Columns after "answer" that a refusal's message spans instead.
constexpr std::size_t kFieldColumns = 2;

Row row_of(const Request &request, const Answer &a) {
  Row row = {request.alias.empty() ? request.name : request.name + " = " + request.alias};
  if (!a.accepted) {
    std::string why = a.exception_set ? a.exception_type : "no exception";
    if (!a.exception_message.empty()) why += ": " + a.exception_message;
    row.push_back("refused  " + why);
    return row;
  }
  row.push_back("ok");
  row.push_back(number_or_unset(a.readonly, a.readonly_unset));
  row.push_back(number_or_unset(a.ndim, a.ndim_unset));
  row.push_back(number_or_unset(a.len, a.len_unset));
  row.push_back(number_or_unset(a.itemsize, a.itemsize_unset));
  row.push_back(format_cell(a.format));
  row.push_back(array_cell(a.shape));
  row.push_back(array_cell(a.strides));
  row.push_back(array_cell(a.suboffsets));
  return row;
}

bool is_number_column(std::size_t column) {
  return column >= 2 && column <= 5;
}

void write_table(std::ostream &out, const std::vector<Row> &rows,
                 const std::vector<std::vector<Violation>> &violations) {
  std::vector<std::size_t> width(kHeader.size(), 0);
  for (std::size_t c = 0; c < kHeader.size(); ++c) width[c] = kHeader[c].size();
  for (const Row &row : rows) {
    // A refusal's message is free text: it must not widen the answer column.
    const std::size_t columns = row.size() == kFieldColumns ? 1 : row.size();
    for (std::size_t c = 0; c < columns; ++c) width[c] = std::max(width[c], row[c].size());
  }
  const auto write_row = [&](const Row &row) {
    std::string line = "  ";
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::string &cell = row[c];
      const bool last = c + 1 == row.size();
      const std::size_t pad = cell.size() < width[c] ? width[c] - cell.size() : 0;
      if (is_number_column(c)) line += std::string(pad, ' ');
      line += cell;
      if (!is_number_column(c) && !last) line += std::string(pad, ' ');
      if (!last) line += "  ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << '\n';
  };
  write_row(kHeader);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    write_row(rows[r]);
    for (const Violation &violation : violations[r]) {
      out << "      ! " << violation.rule << ": " << violation.message << '\n';
    }
  }
}

std::string facts_of(const ExporterReport &report) {
  std::ostringstream facts;
  facts << "type " << report.type;
  if (report.readonly_memory) facts << ", " << (*report.readonly_memory ? "read-only" : "writable");
  if (report.memory.known) {
    facts << ", " << report.memory.len << "-byte memory (extent from " << report.memory.from << ")";
  }
  facts << ", bf_releasebuffer: " << (report.has_releasebuffer ? "yes" : "no");
  if (report.immortal) facts << ", immortal (reference counts not judged)";
  return facts.str();
}

void write_exporter(std::ostream &out, const ExporterReport &report, int index, int total) {
  out << "[" << index << "/" << total << "] " << report.label;
  if (report.origin != report.label) out << "  =  " << report.origin;
  out << '\n';
  const Verdict verdict = verdict_of(report);
  if (verdict == Verdict::skipped || verdict == Verdict::error) {
    out << "  " << (verdict == Verdict::skipped ? "" : "not checked: ") << report.error << "\n\n";
    return;
  }
  out << "  " << facts_of(report) << '\n';
  out << "  repr " << report.repr << '\n';
  std::vector<Row> rows;
  std::vector<std::vector<Violation>> violations;
  for (std::size_t i = 0; i < report.answers.size(); ++i) {
    rows.push_back(row_of(requests()[i], report.answers[i]));
    violations.push_back(report.answers[i].violations);
  }
  write_table(out, rows, violations);
  // A note repeats for every request it concerns; once per exporter is enough to read.
  std::vector<std::string> notes = report.notes;
  for (const Answer &answer : report.answers) {
    for (const std::string &note : answer.notes) {
      if (std::find(notes.begin(), notes.end(), note) == notes.end()) notes.push_back(note);
    }
  }
  for (const std::string &note : notes) out << "  note: " << note << '\n';
  int accepted = 0;
  std::set<std::string> rules;
  for (const Answer &answer : report.answers) {
    accepted += answer.accepted;
    for (const Violation &violation : answer.violations) rules.insert(violation.rule);
  }
  out << "  => " << (verdict == Verdict::pass ? "pass" : "FAIL") << ": " << report.answers.size()
      << " requests, " << accepted << " accepted, "
      << report.answers.size() - static_cast<std::size_t>(accepted) << " refused";
  if (verdict == Verdict::fail) {
    out << "; " << report.violation_count() << " violation(s) of";
    for (const std::string &rule : rules) out << ' ' << rule;
  }
  out << "\n\n";
}

}  // namespace

void write_text(std::ostream &out, const RunInfo &info, const std::vector<ExporterReport> &reports,
                const Summary &summary, bool quiet) {
  out << "pybuffer-check: pybuffer " << info.pybuffer_version << " serving CPython "
      << info.python_version << '\n';
  for (const auto &binding : info.bindings) {
    out << "  " << binding.first << " bound to " << binding.second << '\n';
  }
  out << '\n';
  const int total = static_cast<int>(reports.size());
  for (int i = 0; i < total; ++i) {
    if (quiet && verdict_of(reports[i]) == Verdict::pass) continue;
    write_exporter(out, reports[i], i + 1, total);
  }
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

void write_rules(std::ostream &out) {
  std::size_t width = 0;
  for (const RuleInfo &rule : rule_table()) width = std::max(width, std::string(rule.id).size());
  for (const RuleInfo &rule : rule_table()) {
    const std::string id = rule.id;
    out << id << std::string(width - id.size() + 2, ' ') << rule.summary << '\n';
  }
}

}  // namespace pybuffer::check
