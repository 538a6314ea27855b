/* The copy benchmark inside pypy3: pybuffer-pypy39's PyBuffer_ToContiguous and
 * PyBuffer_FromContiguous (the pybuffer_ twins), PyPy's own (the plain names, which bind to
 * libpypy in a pypy3 process) and memcpy of the same number of bytes, on the cases of
 * bench/copy that PyPy can express (PyPy has no PyObject_CopyData; PIL-style views are left
 * out as PyPy's copies of them are not what is measured here). Times come from
 * clock_gettime(CLOCK_MONOTONIC) around a loop of calls; bench_pypy.py takes the median of
 * repetitions and renders the table of bench/RESULTS.md.
 */
#define _GNU_SOURCE
#include <Python.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pybuffer/pybuffer.h>

enum { MAX_NDIM = 3 };
enum Op { TO, FROM };
enum Impl { MEMCPY, PYPY, PYBUFFER };

typedef struct {
  const char *name;
  enum Op op;
  Py_ssize_t itemsize;
  int ndim;
  Py_ssize_t shape[MAX_NDIM], strides[MAX_NDIM];
  Py_ssize_t offset; /* of buf in the strided block: negative strides start inside it */
} Case;

#define MiB ((Py_ssize_t)1 << 20)
static const Case cases[] = {
    {"contiguous_4KiB/to", TO, 1, 1, {4096}, {1}, 0},
    {"contiguous_1MiB/to", TO, 1, 1, {MiB}, {1}, 0},
    {"contiguous_64MiB/to", TO, 1, 1, {64 * MiB}, {1}, 0},
    {"transpose4096_i1/to", TO, 1, 2, {4096, 4096}, {1, 4096}, 0},
    {"transpose4096_i1/from", FROM, 1, 2, {4096, 4096}, {1, 4096}, 0},
    {"transpose4096_i4/to", TO, 4, 2, {4096, 4096}, {4, 4096 * 4}, 0},
    {"transpose4096_i4/from", FROM, 4, 2, {4096, 4096}, {4, 4096 * 4}, 0},
    {"stride2_i8/to", TO, 8, 1, {(Py_ssize_t)1 << 21}, {16}, 0},
    {"stride2_i8/from", FROM, 8, 1, {(Py_ssize_t)1 << 21}, {16}, 0},
    {"negstride3d_i4/to", TO, 4, 3, {64, 256, 256}, {256 * 256 * 4, -256 * 4, 4}, 255 * 256 * 4},
    {"negstride3d_i4/from",
     FROM,
     4,
     3,
     {64, 256, 256},
     {256 * 256 * 4, -256 * 4, 4},
     255 * 256 * 4},
    {"tiny16_contiguous/to", TO, 1, 1, {16}, {1}, 0},
    {"tiny64_contiguous/to", TO, 1, 1, {64}, {1}, 0},
    {"tiny16_transposed/to", TO, 1, 2, {4, 4}, {1, 4}, 0},
    {"tiny16_transposed/from", FROM, 1, 2, {4, 4}, {1, 4}, 0},
    {"tiny64_transposed/to", TO, 4, 2, {4, 4}, {4, 16}, 0},
    {"tiny64_transposed/from", FROM, 4, 2, {4, 4}, {4, 16}, 0},
};
enum { CASES = sizeof cases / sizeof cases[0] };

/* One block for the strided side and one for the packed side, the largest case's size, every
   page touched before anything is timed. */
static char *strided_block, *packed_block;
static const Py_ssize_t block_bytes = 128 * MiB;

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int call(enum Impl impl, const Case *c, Py_buffer *view, Py_ssize_t bytes) {
  switch (impl) {
    case MEMCPY:
      if (c->op == TO) {
        memcpy(packed_block, strided_block, (size_t)bytes);
      } else {
        memcpy(strided_block, packed_block, (size_t)bytes);
      }
      return 0;
    case PYPY:
      return c->op == TO ? PyBuffer_ToContiguous(packed_block, view, bytes, 'C')
                         : PyBuffer_FromContiguous(view, packed_block, bytes, 'C');
    case PYBUFFER:
      return c->op == TO ? pybuffer_PyBuffer_ToContiguous(packed_block, view, bytes, 'C')
                         : pybuffer_PyBuffer_FromContiguous(view, packed_block, bytes, 'C');
  }
  return -1;
}

/* run(case index, impl, min_seconds, repetitions) -> (bytes per call, [seconds per call]) */
static PyObject *run(PyObject *self, PyObject *args) {
  int index, impl, repetitions;
  double min_seconds;
  (void)self;
  if (!PyArg_ParseTuple(args, "iidi", &index, &impl, &min_seconds, &repetitions)) return NULL;
  if (index < 0 || index >= CASES || impl < MEMCPY || impl > PYBUFFER) {
    PyErr_SetString(PyExc_IndexError, "no such case or implementation");
    return NULL;
  }
  const Case *c = &cases[index];
  Py_ssize_t shape[MAX_NDIM], strides[MAX_NDIM];
  memcpy(shape, c->shape, sizeof shape);
  memcpy(strides, c->strides, sizeof strides);
  Py_buffer view;
  memset(&view, 0, sizeof view);
  view.buf = strided_block + c->offset;
  view.itemsize = c->itemsize;
  view.len = c->itemsize;
  for (int d = 0; d < c->ndim; ++d) view.len *= shape[d];
  view.ndim = c->ndim;
  view.format = (char *)"B";
  view.shape = shape;
  view.strides = strides;
  /* Calibrate: double the loop until one repetition lasts min_seconds (one call at least). */
  long iterations = 1;
  for (;;) {
    double start = now();
    for (long i = 0; i < iterations; ++i) {
      if (call((enum Impl)impl, c, &view, view.len) < 0) return NULL;
    }
    if (now() - start >= min_seconds || iterations >= (1L << 30)) break;
    iterations *= 2;
  }
  PyObject *times = PyList_New(0);
  for (int r = 0; times != NULL && r < repetitions; ++r) {
    double start = now();
    for (long i = 0; i < iterations; ++i) {
      if (call((enum Impl)impl, c, &view, view.len) < 0) {
        Py_DECREF(times);
        return NULL;
      }
    }
    PyObject *t = PyFloat_FromDouble((now() - start) / (double)iterations);
    if (t == NULL || PyList_Append(times, t) < 0) Py_CLEAR(times);
    Py_XDECREF(t);
  }
  if (times == NULL) return NULL;
  return Py_BuildValue("(nN)", view.len, times);
}

/* cases() -> list of case names, in run()'s order */
static PyObject *case_names(PyObject *self, PyObject *unused) {
  (void)self;
  (void)unused;
  PyObject *names = PyList_New(0);
  for (int i = 0; names != NULL && i < CASES; ++i) {
    PyObject *name = PyUnicode_FromString(cases[i].name);
    if (name == NULL || PyList_Append(names, name) < 0) Py_CLEAR(names);
    Py_XDECREF(name);
  }
  return names;
}

static PyMethodDef methods[] = {
    {"run", run, METH_VARARGS, "run(case, impl, min_seconds, repetitions)"},
    {"cases", case_names, METH_NOARGS, "cases() -> names"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "pybuffer_bench_pypy",
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC PyInit_pybuffer_bench_pypy(void) {
  strided_block = malloc((size_t)block_bytes);
  packed_block = malloc((size_t)block_bytes);
  if (strided_block == NULL || packed_block == NULL) return PyErr_NoMemory();
  memset(strided_block, 0x5a, (size_t)block_bytes);
  memset(packed_block, 0xa5, (size_t)block_bytes);
  PyObject *m = PyModule_Create(&module);
  if (m == NULL) return NULL;
  if (PyModule_AddIntConstant(m, "MEMCPY", MEMCPY) < 0 ||
      PyModule_AddIntConstant(m, "PYPY", PYPY) < 0 ||
      PyModule_AddIntConstant(m, "PYBUFFER", PYBUFFER) < 0) {
    Py_DECREF(m);
    return NULL;
  }
  return m;
}
