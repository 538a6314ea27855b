/* pypy.smoke's extension module: the same request served by PyPy's own buffer functions
 * and by libpybuffer-pypy39's twins (pybuffer_PyObject_GetBuffer, ...), described as Python
 * values so that the test can compare the two with each other and with the exporter.
 *
 * In a pypy3 process PyPy's names (PyPyObject_GetBuffer, ...) bind to libpypy, which is in
 * the global scope ahead of this module's own libraries; provider() says which object
 * really serves a name.
 */
#define _GNU_SOURCE
#include <Python.h>

#include <dlfcn.h>

#include <pybuffer/pybuffer.h>

enum { PYPY = 0, PYBUFFER = 1 };

static int get_buffer(int impl, PyObject *obj, Py_buffer *view, int flags) {
  return impl == PYPY ? PyObject_GetBuffer(obj, view, flags)
                      : pybuffer_PyObject_GetBuffer(obj, view, flags);
}

static void release(int impl, Py_buffer *view) {
  if (impl == PYPY) {
    PyBuffer_Release(view);
  } else {
    pybuffer_PyBuffer_Release(view);
  }
}

static int is_contiguous(int impl, Py_buffer *view, char order) {
  return impl == PYPY ? PyBuffer_IsContiguous(view, order)
                      : pybuffer_PyBuffer_IsContiguous(view, order);
}

static int to_contiguous(int impl, void *buf, Py_buffer *view, char order) {
  return impl == PYPY ? PyBuffer_ToContiguous(buf, view, view->len, order)
                      : pybuffer_PyBuffer_ToContiguous(buf, view, view->len, order);
}

/* A tuple of n Py_ssize_t, or None for a NULL array. */
static PyObject *ssize_tuple(const Py_ssize_t *values, int n) {
  if (values == NULL) Py_RETURN_NONE;
  PyObject *tuple = PyTuple_New(n);
  if (tuple == NULL) return NULL;
  for (int i = 0; i < n; ++i) {
    PyObject *item = PyLong_FromSsize_t(values[i]);
    if (item == NULL) {
      Py_DECREF(tuple);
      return NULL;
    }
    PyTuple_SET_ITEM(tuple, i, item);
  }
  return tuple;
}

/* The view's fields, then IsContiguous for 'C', 'F', 'A' and ToContiguous's bytes for the
   three orders, each done by the implementation `use`. */
static PyObject *describe(const Py_buffer *view, PyObject *exporter, int use) {
  PyObject *contiguous = Py_BuildValue("(iii)", is_contiguous(use, (Py_buffer *)view, 'C'),
                                       is_contiguous(use, (Py_buffer *)view, 'F'),
                                       is_contiguous(use, (Py_buffer *)view, 'A'));
  if (contiguous == NULL) return NULL;
  PyObject *copies = PyTuple_New(3);
  if (copies == NULL) {
    Py_DECREF(contiguous);
    return NULL;
  }
  /* A refused copy is described by its exception, "Class: message", in place of the bytes. */
  static const char orders[] = "CFA";
  for (int i = 0; i < 3; ++i) {
    PyObject *bytes = PyBytes_FromStringAndSize(NULL, view->len < 0 ? 0 : view->len);
    if (bytes != NULL &&
        to_contiguous(use, PyBytes_AS_STRING(bytes), (Py_buffer *)view, orders[i]) < 0) {
      Py_CLEAR(bytes);
      PyObject *type, *value, *traceback;
      PyErr_Fetch(&type, &value, &traceback);
      if (type != NULL) {
        bytes = PyUnicode_FromFormat("%s: %S", ((PyTypeObject *)type)->tp_name,
                                     value != NULL ? value : Py_None);
      }
      Py_XDECREF(type);
      Py_XDECREF(value);
      Py_XDECREF(traceback);
    }
    if (bytes == NULL) {
      Py_DECREF(contiguous);
      Py_DECREF(copies);
      return NULL;
    }
    PyTuple_SET_ITEM(copies, i, bytes);
  }
  PyObject *shape = ssize_tuple(view->shape, view->ndim);
  PyObject *strides = ssize_tuple(view->strides, view->ndim);
  PyObject *suboffsets = ssize_tuple(view->suboffsets, view->ndim);
  if (shape == NULL || strides == NULL || suboffsets == NULL) {
    Py_XDECREF(shape);
    Py_XDECREF(strides);
    Py_XDECREF(suboffsets);
    Py_DECREF(contiguous);
    Py_DECREF(copies);
    return NULL;
  }
  return Py_BuildValue("{s:n,s:n,s:i,s:i,s:z,s:N,s:N,s:N,s:O,s:N,s:N}", "len", view->len,
                       "itemsize", view->itemsize, "readonly", view->readonly, "ndim", view->ndim,
                       "format", view->format, "shape", shape, "strides", strides, "suboffsets",
                       suboffsets, "obj_is_exporter", view->obj == exporter ? Py_True : Py_False,
                       "contiguous", contiguous, "to_contiguous", copies);
}

/* view(obj, flags, get, use) -> dict: the view `get` (0 PyPy, 1 pybuffer) exports,
   described by `use`'s functions, then released by `get`'s. */
static PyObject *view(PyObject *self, PyObject *args) {
  PyObject *obj;
  int flags, get, use;
  Py_buffer buffer;
  (void)self;
  if (!PyArg_ParseTuple(args, "Oiii", &obj, &flags, &get, &use)) return NULL;
  /* A known pattern, so that a field the exporter leaves unwritten shows as 0xABAB... */
  memset(&buffer, 0xAB, sizeof buffer);
  if (get_buffer(get, obj, &buffer, flags) < 0) return NULL;
  PyObject *description = describe(&buffer, obj, use);
  release(get, &buffer);
  if (description != NULL && PyDict_SetItemString(description, "obj_cleared_by_release",
                                                  buffer.obj == NULL ? Py_True : Py_False) < 0) {
    Py_CLEAR(description);
  }
  return description;
}

/* check_buffer(obj) -> (PyPy's macro, pybuffer's function) */
static PyObject *check_buffer(PyObject *self, PyObject *obj) {
  (void)self;
  return Py_BuildValue("(ii)", PyObject_CheckBuffer(obj), pybuffer_PyObject_CheckBuffer(obj));
}

/* provider(which) -> path of the loaded object whose code this module's reference reaches */
static PyObject *provider(PyObject *self, PyObject *name) {
  (void)self;
  const char *which = PyUnicode_AsUTF8(name);
  if (which == NULL) return NULL;
  void *address = NULL;
  if (strcmp(which, "PyObject_GetBuffer") == 0) address = (void *)&PyObject_GetBuffer;
  if (strcmp(which, "PyObject_CopyData") == 0) address = (void *)&PyObject_CopyData;
  if (strcmp(which, "pybuffer_PyObject_GetBuffer") == 0) {
    address = (void *)&pybuffer_PyObject_GetBuffer;
  }
  Dl_info info;
  if (address == NULL || dladdr(address, &info) == 0 || info.dli_fname == NULL) Py_RETURN_NONE;
  return PyUnicode_FromString(info.dli_fname);
}

/* Transposed(data: bytearray, rows, cols): exports data, read as a C-order rows x cols
   matrix of bytes, transposed: shape (cols, rows), strides (1, cols), so that the view is
   Fortran-contiguous and not C-contiguous. A writable strided exporter that PyPy has none
   of (its 2-d memoryview slices export a wrong len). */
typedef struct {
  PyObject_HEAD PyObject *data;
  Py_ssize_t shape[2];
  Py_ssize_t strides[2];
} Transposed;

static int transposed_getbuffer(PyObject *self, Py_buffer *view, int flags) {
  Transposed *t = (Transposed *)self;
  (void)flags; /* every request gets the full strided view: the consumers here ask for it */
  view->buf = PyByteArray_AsString(t->data);
  view->obj = self;
  Py_INCREF(self);
  view->len = t->shape[0] * t->shape[1];
  view->itemsize = 1;
  view->readonly = 0;
  view->ndim = 2;
  view->format = (char *)"B";
  view->shape = t->shape;
  view->strides = t->strides;
  view->suboffsets = NULL;
  view->internal = NULL;
  return 0;
}

static PyBufferProcs transposed_as_buffer = {.bf_getbuffer = transposed_getbuffer};

static PyObject *transposed_new(PyTypeObject *type, PyObject *args, PyObject *kwargs) {
  PyObject *data;
  Py_ssize_t rows, cols;
  (void)kwargs;
  if (!PyArg_ParseTuple(args, "O!nn", &PyByteArray_Type, &data, &rows, &cols)) return NULL;
  if (rows < 0 || cols < 0 || rows * cols != PyByteArray_Size(data)) {
    PyErr_SetString(PyExc_ValueError, "rows * cols must be len(data)");
    return NULL;
  }
  Transposed *t = (Transposed *)type->tp_alloc(type, 0);
  if (t == NULL) return NULL;
  Py_INCREF(data);
  t->data = data;
  t->shape[0] = cols;
  t->shape[1] = rows;
  t->strides[0] = 1;
  t->strides[1] = cols;
  return (PyObject *)t;
}

static void transposed_dealloc(PyObject *self) {
  Py_XDECREF(((Transposed *)self)->data);
  Py_TYPE(self)->tp_free(self);
}

static PyTypeObject transposed_type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "pybuffer_pypy_smoke.Transposed",
    .tp_basicsize = sizeof(Transposed),
    .tp_dealloc = transposed_dealloc,
    .tp_as_buffer = &transposed_as_buffer,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = transposed_new,
};

/* host_version_hex() -> the running interpreter's version as pybuffer found it */
static PyObject *host_version_hex(PyObject *self, PyObject *unused) {
  (void)self;
  (void)unused;
  return PyLong_FromUnsignedLong(pybuffer_host_version_hex());
}

static PyMethodDef methods[] = {
    {"view", view, METH_VARARGS, "view(obj, flags, get, use)"},
    {"host_version_hex", host_version_hex, METH_NOARGS, "pybuffer_host_version_hex()"},
    {"check_buffer", check_buffer, METH_O, "check_buffer(obj)"},
    {"provider", provider, METH_O, "provider(name)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "pybuffer_pypy_smoke",
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC PyInit_pybuffer_pypy_smoke(void) {
  if (PyType_Ready(&transposed_type) < 0) return NULL;
  PyObject *m = PyModule_Create(&module);
  if (m == NULL) return NULL;
  Py_INCREF(&transposed_type);
  if (PyModule_AddObject(m, "Transposed", (PyObject *)&transposed_type) < 0) {
    Py_DECREF(&transposed_type);
    Py_DECREF(m);
    return NULL;
  }
  if (PyModule_AddIntConstant(m, "PyBUF_FULL_RO", PyBUF_FULL_RO) < 0 ||
      PyModule_AddIntConstant(m, "PyBUF_RECORDS_RO", PyBUF_RECORDS_RO) < 0 ||
      PyModule_AddIntConstant(m, "PyBUF_SIMPLE", PyBUF_SIMPLE) < 0 ||
      PyModule_AddIntConstant(m, "PyBUF_ND", PyBUF_ND) < 0) {
    Py_DECREF(m);
    return NULL;
  }
  return m;
}
