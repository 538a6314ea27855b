// pybuffer-check: an exporter conformance checker. Embeds the CPython it was built against,
// with libpybuffer linked ahead of libpython (so PyObject_GetBuffer and PyBuffer_Release are
// pybuffer's), sends every request of the protocol's request tables to each exporter, and
// judges each answer by the protocol's rules. With --python it hands the whole command line
// to another interpreter's pybuffer_check module instead (reexec.cpp).
#include <Python.h>

#include <iostream>

#include <pybuffer/pybuffer.h>

#include "options.hpp"
#include "reexec.hpp"
#include "report.hpp"
#include "run.hpp"

using namespace pybuffer::check;

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
  if (!options.python.empty()) return run_under(options.python, argc, argv, module_dir_of(argv[0]));
  Py_InitializeEx(0);
  // This program's link order binds CPython's names to libpybuffer.
  const BufferCalls calls{PyObject_GetBuffer, PyBuffer_Release, "PyObject_GetBuffer",
                          "PyBuffer_Release", "embedded"};
  int status = run(options, calls);
  if (Py_FinalizeEx() < 0 && status == 0) status = 2;
  return status;
}
