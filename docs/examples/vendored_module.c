/* Vendoring: an extension module that carries its own copy of pybuffer (libpybuffer.a) and
 * calls the pybuffer_ twins, so that it gets pybuffer's behaviour under any CPython 3.6-3.13
 * without replacing the interpreter's functions. Linked with --exclude-libs,ALL, it exports
 * only PyInit_vendored_example. Built and imported by the docs.example.vendoring test. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <pybuffer/pybuffer.h>

#include <stdlib.h>

/* checksum(obj): the sum of obj's bytes in C order, whatever its strides. */
static PyObject *checksum(PyObject *self, PyObject *obj) {
  (void)self;
  Py_buffer view;
  if (pybuffer_PyObject_GetBuffer(obj, &view, PyBUF_FULL_RO) != 0) return NULL;
  unsigned char *bytes = malloc(view.len > 0 ? (size_t)view.len : 1);
  if (bytes == NULL) {
    pybuffer_PyBuffer_Release(&view);
    return PyErr_NoMemory();
  }
  PyObject *result = NULL;
  if (pybuffer_PyBuffer_ToContiguous(bytes, &view, view.len, 'C') == 0) {
    unsigned long long sum = 0;
    for (Py_ssize_t i = 0; i < view.len; ++i) sum += bytes[i];
    result = PyLong_FromUnsignedLongLong(sum);
  }
  free(bytes);
  pybuffer_PyBuffer_Release(&view);
  return result;
}

static PyMethodDef methods[] = {
    {"checksum", checksum, METH_O, "Sum of the bytes of a buffer, through vendored pybuffer."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "vendored_example", NULL, -1, methods, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit_vendored_example(void) {
  return PyModule_Create(&module);
}
