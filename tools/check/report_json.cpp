// The JSON report: the same content as the text report, shaped by
// pybuffer-check.schema.json. A field the exporter never wrote is the string "unset"; an array
// the checker could not read (ndim out of range) is "unreadable".
#include "json_writer.hpp"
#include "report.hpp"
#include "requests.hpp"
#include "rules.hpp"

namespace pybuffer::check {
namespace {

// Bumped whenever a consumer of the JSON would have to change.
constexpr int kSchemaVersion = 3;

void number_or_unset(JsonWriter &json, const char *key, long long value, bool unset) {
  json.key(key);
  if (unset) {
    json.value("unset");
  } else {
    json.value(value);
  }
}

void array_field(JsonWriter &json, const char *key, const ArrayField &field) {
  json.key(key);
  switch (field.state) {
    case ArrayField::State::null:
      json.null();
      break;
    case ArrayField::State::unset:
      json.value("unset");
      break;
    case ArrayField::State::unreadable:
      json.value("unreadable");
      break;
    case ArrayField::State::values:
      json.begin_array();
      for (const ssize value : field.values) json.value(static_cast<long long>(value));
      json.end_array();
      break;
  }
}

const char *obj_name(ObjState obj) {
  switch (obj) {
    case ObjState::null:
      return "null";
    case ObjState::exporter:
      return "exporter";
    case ObjState::other:
      return "other";
  }
  return "null";
}

// A string field the report may lack: null when empty.
void text_or_null(JsonWriter &json, const char *key, const std::string &text) {
  json.key(key);
  if (text.empty()) {
    json.null();
  } else {
    json.value(text);
  }
}

void strings(JsonWriter &json, const char *key, const std::vector<std::string> &values) {
  json.key(key);
  json.begin_array();
  for (const std::string &value : values) json.value(value);
  json.end_array();
}

void write_view(JsonWriter &json, const Answer &a) {
  json.begin_object();
  number_or_unset(json, "len", a.len, a.len_unset);
  number_or_unset(json, "itemsize", a.itemsize, a.itemsize_unset);
  number_or_unset(json, "readonly", a.readonly, a.readonly_unset);
  number_or_unset(json, "ndim", a.ndim, a.ndim_unset);
  json.key("format");
  switch (a.format.state) {
    case FormatField::State::null:
      json.null();
      break;
    case FormatField::State::unset:
      json.value("unset");
      break;
    case FormatField::State::text:
      json.begin_object();
      json.key("text");
      json.value(a.format.text);
      json.end_object();
      break;
  }
  array_field(json, "shape", a.shape);
  array_field(json, "strides", a.strides);
  array_field(json, "suboffsets", a.suboffsets);
  json.end_object();
}

void write_answer(JsonWriter &json, const Request &request, const Answer &a) {
  json.begin_object();
  json.key("request");
  json.value(request.name);
  text_or_null(json, "alias", request.alias);
  json.key("flags");
  json.value(request.flags);
  json.key("accepted");
  json.value(a.accepted);
  json.key("result");
  json.value(a.result);
  json.key("exception");
  if (a.exception_set) {
    json.begin_object();
    json.key("type");
    json.value(a.exception_type);
    json.key("message");
    json.value(a.exception_message);
    json.key("is_buffer_error");
    json.value(a.exception_is_buffer_error);
    json.end_object();
  } else {
    json.null();
  }
  json.key("obj");
  json.value(obj_name(a.obj));
  json.key("obj_type");
  if (a.obj == ObjState::other) {
    json.value(a.obj_type);
  } else {
    json.null();
  }
  json.key("view");
  if (a.accepted) {
    write_view(json, a);
  } else {
    json.null();
  }
  json.key("refcount");
  if (a.refcount_measured) {
    json.begin_object();
    json.key("before");
    if (a.refcount_before >= 0) {
      json.value(static_cast<long long>(a.refcount_before));
    } else {
      json.null();
    }
    json.key("held");
    json.value(static_cast<long long>(a.refcount_held));
    json.key("after");
    json.value(static_cast<long long>(a.refcount_after));
    json.key("restored");
    json.value(static_cast<long long>(a.refcount_restored));
    json.end_object();
  } else {
    json.null();
  }
  json.key("releasebuffer_calls");
  if (a.release_counted) {
    json.begin_object();
    json.key("in_getbuffer");
    json.value(a.release_calls_in_get);
    json.key("in_release");
    json.value(a.release_calls_in_release);
    json.end_object();
  } else {
    json.null();
  }
  json.key("violations");
  json.begin_array();
  for (const Violation &violation : a.violations) {
    json.begin_object();
    json.key("rule");
    json.value(violation.rule);
    json.key("message");
    json.value(violation.message);
    json.end_object();
  }
  json.end_array();
  strings(json, "notes", a.notes);
  json.end_object();
}

void write_exporter(JsonWriter &json, const ExporterReport &report) {
  const Verdict verdict = verdict_of(report);
  const bool checked = verdict == Verdict::pass || verdict == Verdict::fail;
  json.begin_object();
  json.key("label");
  json.value(report.label);
  json.key("source");
  json.value(report.source);
  json.key("origin");
  json.value(report.origin);
  json.key("verdict");
  json.value(verdict_name(verdict));
  text_or_null(json, "error", report.error);
  text_or_null(json, "type", report.type);
  text_or_null(json, "repr", report.repr);
  json.key("immortal");
  json.value(report.immortal);
  json.key("has_releasebuffer");
  json.value(report.has_releasebuffer);
  json.key("readonly_memory");
  if (report.readonly_memory) {
    json.value(*report.readonly_memory);
  } else {
    json.null();
  }
  json.key("memory");
  if (report.memory.known) {
    json.begin_object();
    json.key("len");
    json.value(static_cast<long long>(report.memory.len));
    json.key("from");
    json.value(report.memory.from);
    json.end_object();
  } else {
    json.null();
  }
  json.key("violation_count");
  json.value(static_cast<long long>(report.violation_count()));
  std::vector<std::string> rules;
  for (const RuleInfo &rule : rule_table()) {
    for (const Answer &answer : report.answers) {
      bool found = false;
      for (const Violation &violation : answer.violations) found |= violation.rule == rule.id;
      if (found) {
        rules.push_back(rule.id);
        break;
      }
    }
  }
  strings(json, "violated_rules", rules);
  strings(json, "notes", report.notes);
  json.key("requests");
  json.begin_array();
  if (checked) {
    for (const Answer &answer : report.answers) {
      write_answer(json, request_with_flags(answer.flags), answer);
    }
  }
  json.end_array();
  json.end_object();
}

}  // namespace

void write_json(std::ostream &out, const RunInfo &info, const std::vector<ExporterReport> &reports,
                const Summary &summary) {
  JsonWriter json(out);
  json.begin_object();
  json.key("tool");
  json.value("pybuffer-check");
  json.key("schema_version");
  json.value(kSchemaVersion);
  json.key("pybuffer_version");
  json.value(info.pybuffer_version);
  json.key("python_version");
  json.value(info.python_version);
  json.key("interpreter");
  json.begin_object();
  json.key("implementation");
  json.value(info.implementation.empty() ? std::string("unknown") : info.implementation);
  json.key("version");
  json.value(info.python_version);
  json.key("implementation_version");
  json.value(info.implementation_version.empty() ? std::string("unknown")
                                                 : info.implementation_version);
  text_or_null(json, "executable", info.executable);
  json.key("host");
  json.value(info.host);
  json.end_object();
  json.key("bindings");
  json.begin_object();
  for (const auto &binding : info.bindings) {
    json.key(binding.first);
    json.value(binding.second);
  }
  json.end_object();
  json.key("served_by_pybuffer");
  json.value(info.served_by_pybuffer);
  json.key("rules");
  json.begin_array();
  for (const RuleInfo &rule : rule_table()) {
    json.begin_object();
    json.key("id");
    json.value(rule.id);
    json.key("summary");
    json.value(rule.summary);
    json.end_object();
  }
  json.end_array();
  json.key("exporters");
  json.begin_array();
  for (const ExporterReport &report : reports) write_exporter(json, report);
  json.end_array();
  json.key("summary");
  json.begin_object();
  const std::pair<const char *, int> counts[] = {
      {"exporters", summary.exporters},  {"passed", summary.passed},
      {"failed", summary.failed},        {"errors", summary.errors},
      {"skipped", summary.skipped},      {"requests", summary.requests},
      {"accepted", summary.accepted},    {"refused", summary.refused},
      {"violations", summary.violations}};
  for (const auto &count : counts) {
    json.key(count.first);
    json.value(count.second);
  }
  json.key("violations_by_rule");
  json.begin_object();
  for (const auto &entry : summary.violations_by_rule) {
    json.key(entry.first);
    json.value(entry.second);
  }
  json.end_object();
  json.key("ok");
  json.value(summary.exit_status == 0);
  json.key("exit_status");
  json.value(summary.exit_status);
  json.end_object();
  json.end_object();
  out << '\n';
}

}  // namespace pybuffer::check
