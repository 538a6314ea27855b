// pypy.malformed's extension module: the malformed-input matrix of tests/stress
// (malformed_matrix_test.cpp, with guard bytes around every buffer) run inside pypy3 against
// libpybuffer-pypy39's twins. PyPy cannot be embedded as CPython is, so the gtest program is
// this module, and run() is its main: the interpreter is the running one
// (PYBUFFER_STRESS_HOSTED).
#include <Python.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "embedded_python.hpp"

namespace {

// run(argv: list of str) -> int, the exit status of RUN_ALL_TESTS.
PyObject *run(PyObject *, PyObject *arguments) {
  if (!PyList_Check(arguments)) {
    PyErr_SetString(PyExc_TypeError, "run() takes a list of str");
    return nullptr;
  }
  std::vector<std::string> words;
  for (Py_ssize_t i = 0; i < PyList_Size(arguments); ++i) {
    const char *word = PyUnicode_AsUTF8(PyList_GetItem(arguments, i));
    if (word == nullptr) return nullptr;
    words.emplace_back(word);
  }
  std::vector<char *> argv;
  for (std::string &word : words) argv.push_back(word.data());
  int argc = static_cast<int>(argv.size());
  ::testing::InitGoogleTest(&argc, argv.data());
  ::testing::AddGlobalTestEnvironment(new pybuffer::stress::PythonEnvironment);
  return PyLong_FromLong(RUN_ALL_TESTS());
}

PyMethodDef methods[] = {
    {"run", run, METH_O, "run(argv) -> exit status of the malformed-input matrix"},
    {nullptr, nullptr, 0, nullptr},
};

PyModuleDef module = {PyModuleDef_HEAD_INIT,
                      "pybuffer_pypy_malformed",
                      nullptr,
                      -1,
                      methods,
                      nullptr,
                      nullptr,
                      nullptr,
                      nullptr};

}  // namespace

PyMODINIT_FUNC PyInit_pybuffer_pypy_malformed() {
  return PyModule_Create(&module);
}
