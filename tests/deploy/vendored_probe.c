/* pybuffer_vendored_probe: an extension module that vendors pybuffer. It is linked with
 * libpybuffer.a and calls only the pybuffer_ twins; its link keeps every symbol of the
 * archive local (--exclude-libs,ALL), so it neither exports CPython's names (which would
 * interpose on other modules' lookups) nor depends on libpybuffer.so. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <pybuffer/pybuffer.h>

/* nbytes(obj): len of a simple view of obj, through the vendored GetBuffer and Release. */
static PyObject *nbytes(PyObject *self, PyObject *arg) {
  (void)self;
  Py_buffer view;
  if (pybuffer_PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) != 0) return NULL;
  const Py_ssize_t len = view.len;
  pybuffer_PyBuffer_Release(&view);
  return PyLong_FromSsize_t(len);
}

static PyMethodDef probe_methods[] = {
    {"nbytes", nbytes, METH_O, "Length of a simple buffer view, through vendored pybuffer."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef probe_module = {PyModuleDef_HEAD_INIT,
                                          "pybuffer_vendored_probe",
                                          NULL,
                                          -1,
                                          probe_methods,
                                          NULL,
                                          NULL,
                                          NULL,
                                          NULL};

PyMODINIT_FUNC PyInit_pybuffer_vendored_probe(void) {
  return PyModule_Create(&probe_module);
}
