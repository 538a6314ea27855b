// One exporter in detail: a table with one row per request (accepted or refused, and the
// fields it got), rows that broke a rule marked "!", then each distinct violation once with
// the number of requests that broke it: an exporter that refuses twenty requests the same
// wrong way is told so once, not twenty times.
#include <algorithm>
#include <set>
#include <sstream>
#include <utility>

#include "report.hpp"
#include "requests.hpp"
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
// A refusal's row has two cells: the request, and the message that spans the field columns.
constexpr std::size_t kRefusalCells = 2;

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

// `marked[r]`: row r broke a rule.
void write_table(std::ostream &out, const std::vector<Row> &rows, const std::vector<bool> &marked) {
  std::vector<std::size_t> width(kHeader.size(), 0);
  for (std::size_t c = 0; c < kHeader.size(); ++c) width[c] = kHeader[c].size();
  for (const Row &row : rows) {
    // A refusal's message is free text: it must not widen the answer column.
    const std::size_t columns = row.size() == kRefusalCells ? 1 : row.size();
    for (std::size_t c = 0; c < columns; ++c) width[c] = std::max(width[c], row[c].size());
  }
  const auto write_row = [&](const Row &row, bool mark) {
    std::string line = mark ? "! " : "  ";
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
  write_row(kHeader, false);
  for (std::size_t r = 0; r < rows.size(); ++r) write_row(rows[r], marked[r]);
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

// Each distinct violation (rule and message) with the requests that broke it, in the order
// first met.
struct Repeated {
  Violation violation;
  std::vector<std::string> requests;
};

std::vector<Repeated> distinct_violations(const ExporterReport &report) {
  std::vector<Repeated> distinct;
  for (const Answer &answer : report.answers) {
    for (const Violation &violation : answer.violations) {
      auto same = std::find_if(distinct.begin(), distinct.end(), [&](const Repeated &seen) {
        return seen.violation.rule == violation.rule && seen.violation.message == violation.message;
      });
      if (same == distinct.end()) same = distinct.insert(distinct.end(), Repeated{violation, {}});
      same->requests.push_back(request_with_flags(answer.flags).name);
    }
  }
  return distinct;
}

void write_violations(std::ostream &out, const ExporterReport &report) {
  for (const Repeated &repeated : distinct_violations(report)) {
    out << "  ! " << repeated.violation.rule << ": " << repeated.violation.message;
    if (repeated.requests.size() == 1) {
      out << "  [request " << repeated.requests.front() << "]\n";
    } else {
      out << "  [" << repeated.requests.size() << " requests, rows marked !]\n";
    }
  }
}

}  // namespace

void write_exporter_detail(std::ostream &out, const ExporterReport &report, int index, int total) {
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
  std::vector<bool> marked;
  for (const Answer &answer : report.answers) {
    rows.push_back(row_of(request_with_flags(answer.flags), answer));
    marked.push_back(!answer.violations.empty());
  }
  write_table(out, rows, marked);
  write_violations(out, report);
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

}  // namespace pybuffer::check
