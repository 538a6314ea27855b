/* The init function of a test module named PYBUFFER_LEGACY_MODULE (a compile definition), for
 * CPython 2.7 and Python 3 alike: PYBUFFER_LEGACY_MODULE_INIT(<PyMethodDef array>).
 */
#ifndef PYBUFFER_TESTS_LEGACY_MODULE_INIT_H
#define PYBUFFER_TESTS_LEGACY_MODULE_INIT_H

#include <Python.h>

#define PYBUFFER_STRINGIFY2(x) #x
#define PYBUFFER_STRINGIFY(x) PYBUFFER_STRINGIFY2(x)
#define PYBUFFER_CONCAT2(a, b) a##b
#define PYBUFFER_CONCAT(a, b) PYBUFFER_CONCAT2(a, b)

#if PY_MAJOR_VERSION >= 3
/* PyMODINIT_FUNC marks the function visible only from 3.9 on. */
#define PYBUFFER_LEGACY_MODULE_INIT(methods)                                      \
  static struct PyModuleDef module = {PyModuleDef_HEAD_INIT,                      \
                                      PYBUFFER_STRINGIFY(PYBUFFER_LEGACY_MODULE), \
                                      NULL,                                       \
                                      -1,                                         \
                                      methods,                                    \
                                      NULL,                                       \
                                      NULL,                                       \
                                      NULL,                                       \
                                      NULL};                                      \
  __attribute__((visibility("default"))) PyMODINIT_FUNC PYBUFFER_CONCAT(          \
      PyInit_, PYBUFFER_LEGACY_MODULE)(void) {                                    \
    return PyModule_Create(&module);                                              \
  }
#else
/* 2.7's PyMODINIT_FUNC does not mark the function visible. */
#define PYBUFFER_LEGACY_MODULE_INIT(methods)                             \
  __attribute__((visibility("default"))) PyMODINIT_FUNC PYBUFFER_CONCAT( \
      init, PYBUFFER_LEGACY_MODULE)(void) {                              \
    Py_InitModule(PYBUFFER_STRINGIFY(PYBUFFER_LEGACY_MODULE), methods);  \
  }
#endif

#endif
