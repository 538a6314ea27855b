// pybuffer-check: an exporter conformance checker. Embeds the CPython it was built against,
// with libpybuffer linked ahead of libpython (so PyObject_GetBuffer and PyBuffer_Release are
// pybuffer's), sends every request of the protocol's request tables to each exporter, and
// judges each answer by the protocol's rules.
#include <Python.h>

#include <dlfcn.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>

#include <pybuffer/pybuffer.h>

#include "options.hpp"
#include "probe.hpp"
#include "report.hpp"
#include "requests.hpp"
#include "rules.hpp"
#include "targets.hpp"

using namespace pybuffer::check;

namespace {

std::string library_of(const void *symbol) {
  Dl_info info{};
  if (dladdr(symbol, &info) == 0 || info.dli_fname == nullptr) return "(unknown)";
  const char *slash = std::strrchr(info.dli_fname, '/');
  return slash ? slash + 1 : info.dli_fname;
}

RunInfo run_info() {
  RunInfo info;
  info.pybuffer_version = pybuffer_version();
  info.python_version = Py_GetVersion();
  info.python_version = info.python_version.substr(0, info.python_version.find(' '));
  const std::pair<const char *, const void *> functions[] = {
      {"PyObject_GetBuffer", reinterpret_cast<const void *>(&PyObject_GetBuffer)},
      {"PyBuffer_Release", reinterpret_cast<const void *>(&PyBuffer_Release)},
  };
  info.served_by_pybuffer = true;
  for (const auto &function : functions) {
    const std::string library = library_of(function.second);
    info.bindings.emplace_back(function.first, library);
    info.served_by_pybuffer = info.served_by_pybuffer && library.rfind("libpybuffer", 0) == 0;
  }
  return info;
}

ExporterReport check_target(const Target &target) {
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
  for (const Request &request : requests())
    report.answers.push_back(probe(obj, request, report.immortal));
  judge(report);
  return report;
}

int run(const Options &options) {
  // Like `python -c`, import from the current directory first.
  PyRun_SimpleString("import sys; sys.path.insert(0, '')");
  const std::vector<Target> targets = resolve(options.targets);
  std::vector<ExporterReport> reports;
  for (const Target &target : targets) reports.push_back(check_target(target));
  const RunInfo info = run_info();
  const Summary summary = summarize(reports);

  std::ostream &text = options.json_path == "-" ? std::cerr : std::cout;
  write_text(text, info, reports, summary, options.quiet);
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
  return summary.exit_status;
}

}  // namespace

int main(int argc, char **argv) {
  Options options;
  std::string error;
  if (!parse_options(argc, argv, options, error)) {
    std::cerr << "pybuffer-check: " << error << "\n\n" << kUsage;
    return 2;
  }
  if (options.help) {
    std::cout << kUsage;
    return 0;
  }
  if (options.version) {
    std::cout << "pybuffer-check " << pybuffer_version() << '\n';
    return 0;
  }
  if (options.list_rules) {
    write_rules(std::cout);
    return 0;
  }
  Py_InitializeEx(0);
  int status = run(options);
  if (Py_FinalizeEx() < 0 && status == 0) status = 2;
  return status;
}
