// pybuffer_check._native: the checker as an extension module of the interpreter that imports
// it, built once per CPython version from the same sources as pybuffer-check. Requests go
// through pybuffer's namespaced twins: in a process started by python, CPython's own names
// are bound to the interpreter's functions. The Python side (python/pybuffer_check) wraps
// these two entry points:
//   main(argv, package_parent) -> exit status    the command line, as pybuffer-check's
//   check(obj, label, requests) -> JSON text      one object, for pybuffer_check.check()
#include <Python.h>

#include <iostream>
#include <new>
#include <sstream>
#include <string>
#include <vector>

#include <pybuffer/pybuffer.h>

#include "options.hpp"
#include "reexec.hpp"
#include "report.hpp"
#include "run.hpp"

namespace pybuffer::check {
namespace {

const BufferCalls kTwins{pybuffer_PyObject_GetBuffer, pybuffer_PyBuffer_Release,
                         "pybuffer_PyObject_GetBuffer", "pybuffer_PyBuffer_Release", "module"};

bool strings_of(PyObject *list, std::vector<std::string> &out) {
  if (!PyList_Check(list)) {
    PyErr_SetString(PyExc_TypeError, "a list of str expected");
    return false;
  }
  for (Py_ssize_t i = 0; i < PyList_GET_SIZE(list); ++i) {
    const char *text = PyUnicode_AsUTF8(PyList_GET_ITEM(list, i));
    if (text == nullptr) return false;
    out.emplace_back(text);
  }
  return true;
}

PyObject *main_impl(PyObject *argv_list, const char *package_parent) {
  std::vector<std::string> arguments;
  if (!strings_of(argv_list, arguments)) return nullptr;
  std::vector<char *> argv;
  for (std::string &argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);
  const int argc = static_cast<int>(arguments.size());

  Options options;
  std::string error;
  // The reports go to the C++ streams; Python's own buffered output must come first.
  PyRun_SimpleString("import sys; sys.stdout.flush(); sys.stderr.flush()");
  if (!parse_options(argc, argv.data(), options, error)) {
    std::cerr << "pybuffer-check: " << error << "\n\n" << kUsage;
    return PyLong_FromLong(2);
  }
  int status = 0;
  if (options.help) {
    std::cout << kUsage;
  } else if (options.version) {
    std::cout << "pybuffer-check " << pybuffer_version() << '\n';
  } else if (options.list_rules) {
    write_rules(std::cout);
  } else if (!options.python.empty()) {
    status = run_under(options.python, argc, argv.data(), package_parent);
  } else {
    status = run(options, kTwins);
  }
  std::cout.flush();
  std::cerr.flush();
  return PyLong_FromLong(status);
}

PyObject *check_impl(PyObject *obj, const char *label, PyObject *request_list) {
  std::vector<Request> sent;
  if (request_list != Py_None) {
    std::vector<std::string> names;
    if (!strings_of(request_list, names)) return nullptr;
    for (const std::string &name : names) {
      const Request *request = find_request(name);
      if (request == nullptr) {
        PyErr_Format(PyExc_ValueError,
                     "unknown request %R: a name of the request tables, such as FULL_RO, ND or "
                     "STRIDES|FORMAT",
                     PyList_GET_ITEM(request_list, &name - names.data()));
        return nullptr;
      }
      sent.push_back(*request);
    }
    if (sent.empty()) {
      PyErr_SetString(PyExc_ValueError, "requests: at least one request expected");
      return nullptr;
    }
  }
  Target target;
  target.label = label;
  target.source = "object";
  target.origin = label;
  target.object = Ref::borrow(obj);
  const std::vector<ExporterReport> reports = {check_target(target, sent, kTwins)};
  std::ostringstream json;
  write_json(json, run_info(kTwins), reports, summarize(reports));
  const std::string text = json.str();
  return PyUnicode_FromStringAndSize(text.data(), static_cast<Py_ssize_t>(text.size()));
}

// No C++ exception crosses into the interpreter: the only one the checker can raise is
// std::bad_alloc, which becomes MemoryError.
template <typename F>
PyObject *guarded(F body) {
  try {
    return body();
  } catch (const std::bad_alloc &) {
    return PyErr_NoMemory();
  } catch (...) {
    PyErr_SetString(PyExc_RuntimeError, "pybuffer_check: internal error");
    return nullptr;
  }
}

PyObject *native_main(PyObject *, PyObject *args) {
  PyObject *argv_list = nullptr;
  const char *package_parent = nullptr;
  if (!PyArg_ParseTuple(args, "Os:main", &argv_list, &package_parent)) return nullptr;
  return guarded([&] { return main_impl(argv_list, package_parent); });
}

PyObject *native_check(PyObject *, PyObject *args) {
  PyObject *obj = nullptr, *request_list = nullptr;
  const char *label = nullptr;
  if (!PyArg_ParseTuple(args, "OsO:check", &obj, &label, &request_list)) return nullptr;
  return guarded([&] { return check_impl(obj, label, request_list); });
}

PyMethodDef kMethods[] = {
    {"main", native_main, METH_VARARGS,
     "main(argv, package_parent) -> exit status: pybuffer-check's command line"},
    {"check", native_check, METH_VARARGS,
     "check(obj, label, requests or None) -> the JSON report of one object"},
    {nullptr, nullptr, 0, nullptr},
};

PyModuleDef kModule = {PyModuleDef_HEAD_INIT,
                       "pybuffer_check._native",
                       "The pybuffer-check engine inside this interpreter.",
                       -1,
                       kMethods,
                       nullptr,
                       nullptr,
                       nullptr,
                       nullptr};

}  // namespace
}  // namespace pybuffer::check

// Spelled out: PyMODINIT_FUNC makes the symbol visible only from 3.9 on, and the module is
// built with hidden visibility.
extern "C" __attribute__((visibility("default"))) PyObject *PyInit__native(void) {
  return PyModule_Create(&pybuffer::check::kModule);
}
