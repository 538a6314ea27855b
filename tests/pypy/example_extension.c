/* An example PyPy extension module that uses the buffer functions PyPy lacks.
 *
 * PyPy's headers declare neither PyObject_CopyData, PyBuffer_FillContiguousStrides nor
 * PyBuffer_SizeFromFormat. Included after them, <pybuffer/pybuffer.h> declares the three
 * under PyPy's spelling (PyPyObject_CopyData, ...), and linking libpybuffer-pypy39 provides
 * them with CPython 3.9's behaviour. Every other C-API call here is PyPy's own, as usual.
 *
 * Build it as any PyPy extension (PyPy's include directory, the EXT_SUFFIX of pypy3's
 * sysconfig) and add -lpybuffer-pypy39; tests/pypy/CMakeLists.txt does it with CMake.
 */
#include <Python.h>

#include <pybuffer/pybuffer.h>

/* size_from_format(format: str) -> int */
static PyObject *size_from_format(PyObject *self, PyObject *args) {
  const char *format;
  (void)self;
  if (!PyArg_ParseTuple(args, "s", &format)) return NULL;
  Py_ssize_t size = PyBuffer_SizeFromFormat(format);
  if (size < 0) return NULL;
  return PyLong_FromSsize_t(size);
}

/* fill_contiguous_strides(shape: tuple, itemsize: int, order: str) -> tuple of strides */
static PyObject *fill_contiguous_strides(PyObject *self, PyObject *args) {
  PyObject *shape_tuple;
  int itemsize;
  int order; /* "C" stores the character as an int */
  Py_ssize_t shape[PYBUFFER_MAX_NDIM];
  Py_ssize_t strides[PYBUFFER_MAX_NDIM];
  (void)self;
  if (!PyArg_ParseTuple(args, "O!iC", &PyTuple_Type, &shape_tuple, &itemsize, &order)) {
    return NULL;
  }
  Py_ssize_t ndim = PyTuple_GET_SIZE(shape_tuple);
  if (ndim > PYBUFFER_MAX_NDIM) {
    PyErr_SetString(PyExc_ValueError, "too many dimensions");
    return NULL;
  }
  for (Py_ssize_t i = 0; i < ndim; ++i) {
    shape[i] = PyLong_AsSsize_t(PyTuple_GET_ITEM(shape_tuple, i));
    if (shape[i] == -1 && PyErr_Occurred()) return NULL;
  }
  PyBuffer_FillContiguousStrides((int)ndim, shape, strides, itemsize, (char)order);
  PyObject *result = PyTuple_New(ndim);
  if (result == NULL) return NULL;
  for (Py_ssize_t i = 0; i < ndim; ++i) {
    PyObject *stride = PyLong_FromSsize_t(strides[i]);
    if (stride == NULL) {
      Py_DECREF(result);
      return NULL;
    }
    PyTuple_SET_ITEM(result, i, stride);
  }
  return result;
}

/* copy_data(dest, src) -> None: copies src's items into dest, element by element when
   their layouts differ. */
static PyObject *copy_data(PyObject *self, PyObject *args) {
  PyObject *dest;
  PyObject *src;
  (void)self;
  if (!PyArg_ParseTuple(args, "OO", &dest, &src)) return NULL;
  if (PyObject_CopyData(dest, src) < 0) return NULL;
  Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"size_from_format", size_from_format, METH_VARARGS, "PyBuffer_SizeFromFormat(format)"},
    {"fill_contiguous_strides", fill_contiguous_strides, METH_VARARGS,
     "PyBuffer_FillContiguousStrides(len(shape), shape, strides, itemsize, order)"},
    {"copy_data", copy_data, METH_VARARGS, "PyObject_CopyData(dest, src)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "pybuffer_example",
    .m_doc = "pybuffer's functions in a PyPy extension",
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC PyInit_pybuffer_example(void) {
  return PyModule_Create(&module);
}
