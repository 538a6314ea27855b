/* Embedding host: a program that embeds CPython and links libpybuffer ahead of libpython,
 * so that CPython's own names, called by this program and by the extension modules it
 * loads, are served by pybuffer. It copies a strided memoryview into a contiguous buffer.
 * Built and run by the docs.example.embedding_host test. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <pybuffer/pybuffer.h>

#include <stdio.h>

int main(void) {
  Py_InitializeEx(0);
  PyObject *globals = PyDict_New();
  if (globals == NULL || PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins()) < 0) {
    PyErr_Print();
    return 1;
  }
  /* Every other byte of 0..9, backwards: 9 7 5 3 1, a view with a negative stride. */
  PyObject *view_object =
      PyRun_String("memoryview(bytes(range(10)))[::-2]", Py_eval_input, globals, globals);
  Py_DECREF(globals);
  if (view_object == NULL) {
    PyErr_Print();
    return 1;
  }
  Py_buffer view;
  /* Plain CPython names: linked ahead of libpython, pybuffer answers them. */
  if (PyObject_GetBuffer(view_object, &view, PyBUF_FULL_RO) != 0) {
    PyErr_Print();
    return 1;
  }
  unsigned char copy[5];
  /* Not contiguous (a negative stride): ToContiguous gathers the items in C order. */
  int ok = !PyBuffer_IsContiguous(&view, 'C') && view.len == (Py_ssize_t)sizeof copy &&
           PyBuffer_ToContiguous(copy, &view, view.len, 'C') == 0;
  PyBuffer_Release(&view);
  Py_DECREF(view_object);
  if (ok) {
    printf("pybuffer %s copied:", pybuffer_version());
    for (size_t i = 0; i < sizeof copy; ++i) printf(" %d", copy[i]);
    printf("\n");
    ok = copy[0] == 9 && copy[4] == 1;
  }
  if (Py_FinalizeEx() < 0) ok = 0;
  return ok ? 0 : 1;
}
