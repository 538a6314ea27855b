#include "run.hpp"

#include <dlfcn.h>

#include <cstring>
#include <fstream>
#include <iostream>

#include <pybuffer/pybuffer.h>

#include "py_util.hpp"
#include "rules.hpp"

namespace pybuffer::check {
namespace {

std::string library_of(const void *symbol) {
  Dl_info info{};
  if (dladdr(symbol, &info) == 0 || info.dli_fname == nullptr) return "(unknown)";
  const char *slash = std::strrchr(info.dli_fname, '/');
  return slash ? slash + 1 : info.dli_fname;
}

// sys.<path>, as text ("" when missing or not text): what the interpreter says it is.
std::string sys_text(const char *attribute, const char *member) {
  PyObject *value = PySys_GetObject(attribute);  // borrowed
  if (value == nullptr) return {};
  Ref held = Ref::borrow(value);
  if (member != nullptr) {
    held = Ref(PyObject_GetAttrString(value, member));
    if (!held) {
      PyErr_Clear();
      return {};
    }
  }
  return PyUnicode_Check(held.get()) ? str_of(held.get()) : std::string();
}

// sys.implementation.version as a release is named: "7.3.11", "3.13.0rc1" ("" if unknown).
std::string implementation_version() {
  PyObject *implementation = PySys_GetObject("implementation");  // borrowed
  if (implementation == nullptr) return {};
  const Ref version(PyObject_GetAttrString(implementation, "version"));
  const auto number = [&](const char *name) {
    const Ref value(version ? PyObject_GetAttrString(version.get(), name) : nullptr);
    const long result = value ? PyLong_AsLong(value.get()) : -1;
    PyErr_Clear();
    return result;
  };
  std::string text;
  for (const char *name : {"major", "minor", "micro"}) {
    const long value = number(name);
    if (value < 0) return {};
    text += (text.empty() ? "" : ".") + std::to_string(value);
  }
  const Ref level(PyObject_GetAttrString(version.get(), "releaselevel"));
  PyErr_Clear();
  const std::string release = level ? str_of(level.get()) : std::string("final");
  const std::pair<const char *, const char *> abbreviations[] = {
      {"alpha", "a"}, {"beta", "b"}, {"candidate", "rc"}};
  for (const auto &abbreviation : abbreviations) {
    if (release == abbreviation.first)
      text += abbreviation.second + std::to_string(number("serial"));
  }
  return text;
}

}  // namespace

RunInfo run_info(const BufferCalls &calls) {
  RunInfo info;
  info.pybuffer_version = pybuffer_version();
  info.python_version = Py_GetVersion();
  info.python_version = info.python_version.substr(0, info.python_version.find(' '));
  info.implementation = sys_text("implementation", "name");
  info.implementation_version = implementation_version();
  info.host = calls.host;
  // An embedded interpreter guesses sys.executable from PATH: it names a python that is
  // not the one answering, so the embedded run reports its library instead.
  if (info.host != std::string("embedded")) info.executable = sys_text("executable", nullptr);
  info.library = library_of(reinterpret_cast<const void *>(&Py_GetVersion));
  const std::pair<const char *, const void *> functions[] = {
      {calls.get_name, reinterpret_cast<const void *>(calls.get)},
      {calls.release_name, reinterpret_cast<const void *>(calls.release)},
  };
  info.served_by_pybuffer = true;
  for (const auto &function : functions) {
    const std::string library = library_of(function.second);
    info.bindings.emplace_back(function.first, library);
    info.served_by_pybuffer = info.served_by_pybuffer && library.rfind("libpybuffer", 0) == 0;
  }
  return info;
}

ExporterReport check_target(const Target &target, const std::vector<Request> &sent,
                            const BufferCalls &calls) {
  ExporterReport report;
  report.label = target.label;
  report.source = target.source;
  report.origin = target.origin;
  report.skipped = target.skipped;
  report.error = target.error;
  PyObject *obj = target.object.get();
  if (obj == nullptr) return report;
  report.type = Py_TYPE(obj)->tp_name;
  report.repr = short_repr(obj, 100);
  const PyBufferProcs *procs = Py_TYPE(obj)->tp_as_buffer;
  if (procs == nullptr || procs->bf_getbuffer == nullptr) {
    report.error = "not an exporter: type " + report.type + " has no bf_getbuffer";
    if (PyType_Check(obj)) report.error += " (this is a type: check an instance of it)";
    return report;
  }
  report.has_releasebuffer = procs->bf_releasebuffer != nullptr;
  report.immortal = is_immortal(obj);
  // A reference of the checker's own for the whole check: an exporter that hands out views
  // without a new reference must not be freed by their release before it is reported.
  const Ref guard = Ref::borrow(obj);
  for (const Request &request : sent.empty() ? requests() : sent)
    report.answers.push_back(probe(obj, request, report.immortal, calls));
  judge(report);
  return report;
}

int run(const Options &options, const BufferCalls &calls) {
  // Like `python -c`, import from the current directory first.
  PyRun_SimpleString("import sys; sys.path.insert(0, '')");
  const std::vector<Target> targets = resolve(options.targets);
  std::vector<ExporterReport> reports;
  for (const Target &target : targets) reports.push_back(check_target(target, options.sent, calls));
  const RunInfo info = run_info(calls);
  const Summary summary = summarize(reports);

  std::ostream &text = options.json_path == "-" ? std::cerr : std::cout;
  write_text(text, info, reports, summary, options.detail);
  if (options.json_path == "-") {
    write_json(std::cout, info, reports, summary);
  } else if (!options.json_path.empty()) {
    std::ofstream file(options.json_path);
    write_json(file, info, reports, summary);
    file.close();
    if (!file) {
      std::cerr << "pybuffer-check: cannot write " << options.json_path << '\n';
      return 2;
    }
  }
  text.flush();
  std::cout.flush();
  return summary.exit_status;
}

}  // namespace pybuffer::check
