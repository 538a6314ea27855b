/* Exporter(kind, writable): one fixed layout over 128 patterned bytes held in the object.
 *
 * A request is answered as CPython's _testbuffer answers (the buffer protocol's rules): a
 * writable request of a read-only exporter, a contiguity it lacks, a layout that needs strides
 * or suboffsets the request does not accept, each raise BufferError; fields not requested are
 * NULL (without PyBUF_ND the view is 1-d, shape NULL). Nothing is released by the exporter:
 * PyBuffer_Release's reference drop is all there is, so a count change is the consumer's.
 */
#include "exporter.h"

#include <string.h>

enum { MEMORY = 128 };

typedef struct {
  PyObject_HEAD unsigned char memory[MEMORY];
  void *rows[3]; /* the PIL layout's pointer table */
  Py_ssize_t buf_offset, len, itemsize;
  int ndim, writable, c_contiguous, f_contiguous, indirect;
  const char *format;
  Py_ssize_t shape[2], strides[2], suboffsets[2];
} Exporter;

typedef struct {
  const char *kind;
  Py_ssize_t buf_offset, itemsize;
  int ndim, c_contiguous, f_contiguous, indirect;
  const char *format;
  Py_ssize_t shape[2], strides[2];
} Layout;

/* strides[0] of "pil" is the pointer size, set at construction. */
static const Layout layouts[] = {
    {"c2d", 0, 4, 2, 1, 0, 0, "i", {2, 3}, {12, 4}},
    {"fortran", 0, 2, 2, 0, 1, 0, "h", {3, 4}, {2, 6}},
    {"strided", 0, 1, 1, 0, 0, 0, "B", {5, 0}, {3, 0}},
    {"negative", 12, 2, 1, 0, 0, 0, "h", {4, 0}, {-4, 0}},
    {"transposed", 0, 1, 2, 0, 0, 0, "B", {4, 3}, {1, 8}},
    {"pil", 0, 1, 2, 0, 0, 1, "B", {3, 4}, {0, 1}},
    {"zero", 0, 8, 2, 1, 1, 0, "d", {3, 0}, {0, 8}},
    {"scalar", 8, 8, 0, 1, 1, 0, "q", {0, 0}, {0, 0}},
};

static int refuse(const char *why) {
  PyErr_Format(PyExc_BufferError, "Exporter: %s", why);
  return -1;
}

static int exporter_getbuffer(PyObject *self, Py_buffer *view, int flags) {
  Exporter *e = (Exporter *)self;
  if ((flags & PyBUF_WRITABLE) && !e->writable) return refuse("read-only");
  if ((flags & PyBUF_C_CONTIGUOUS) == PyBUF_C_CONTIGUOUS && !e->c_contiguous) {
    return refuse("not C-contiguous");
  }
  if ((flags & PyBUF_F_CONTIGUOUS) == PyBUF_F_CONTIGUOUS && !e->f_contiguous) {
    return refuse("not Fortran-contiguous");
  }
  if ((flags & PyBUF_ANY_CONTIGUOUS) == PyBUF_ANY_CONTIGUOUS && !e->c_contiguous &&
      !e->f_contiguous) {
    return refuse("not contiguous");
  }
  if ((flags & PyBUF_INDIRECT) != PyBUF_INDIRECT && e->indirect) {
    return refuse("needs suboffsets");
  }
  if ((flags & PyBUF_STRIDES) != PyBUF_STRIDES && !e->c_contiguous) {
    return refuse("needs strides");
  }
  view->buf = e->indirect ? (void *)e->rows : (void *)(e->memory + e->buf_offset);
  view->obj = self;
  Py_INCREF(self);
  view->len = e->len;
  view->itemsize = e->itemsize;
  view->readonly = !e->writable;
  view->ndim = e->ndim;
  view->format = (flags & PyBUF_FORMAT) ? (char *)e->format : NULL;
  view->shape = e->shape;
  view->strides = e->strides;
  view->suboffsets = e->indirect ? e->suboffsets : NULL;
  view->internal = NULL;
  if ((flags & PyBUF_ND) != PyBUF_ND) {
    view->ndim = 1;
    view->shape = NULL;
  }
  if ((flags & PyBUF_STRIDES) != PyBUF_STRIDES) view->strides = NULL;
  return 0;
}

static PyBufferProcs exporter_as_buffer = {.bf_getbuffer = exporter_getbuffer};

static PyObject *exporter_new(PyTypeObject *type, PyObject *args, PyObject *kwargs) {
  const char *kind;
  int writable;
  (void)kwargs;
  if (!PyArg_ParseTuple(args, "sp", &kind, &writable)) return NULL;
  const Layout *layout = NULL;
  for (size_t i = 0; i < sizeof layouts / sizeof layouts[0]; ++i) {
    if (strcmp(layouts[i].kind, kind) == 0) layout = &layouts[i];
  }
  if (layout == NULL) {
    PyErr_Format(PyExc_ValueError, "unknown layout %s", kind);
    return NULL;
  }
  Exporter *e = (Exporter *)type->tp_alloc(type, 0);
  if (e == NULL) return NULL;
  for (int i = 0; i < MEMORY; ++i) e->memory[i] = (unsigned char)(i * 3 + 1);
  e->buf_offset = layout->buf_offset;
  e->itemsize = layout->itemsize;
  e->ndim = layout->ndim;
  e->writable = writable;
  e->c_contiguous = layout->c_contiguous;
  e->f_contiguous = layout->f_contiguous;
  e->indirect = layout->indirect;
  e->format = layout->format;
  e->len = layout->itemsize;
  for (int d = 0; d < 2; ++d) {
    e->shape[d] = layout->shape[d];
    e->strides[d] = layout->strides[d];
    e->suboffsets[d] = -1;
    if (d < layout->ndim) e->len *= layout->shape[d];
  }
  if (layout->indirect) {
    /* Rows out of order in memory, so that a copy that ignores the table is caught. */
    e->rows[0] = e->memory + 80;
    e->rows[1] = e->memory + 8;
    e->rows[2] = e->memory + 40;
    e->strides[0] = sizeof(void *);
    e->suboffsets[0] = 0;
  }
  return (PyObject *)e;
}

static PyTypeObject exporter_type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "pybuffer_exact.Exporter",
    .tp_basicsize = sizeof(Exporter),
    .tp_as_buffer = &exporter_as_buffer,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = exporter_new,
};

int add_exporter_type(PyObject *module) {
  if (PyType_Ready(&exporter_type) < 0) return -1;
  Py_INCREF(&exporter_type);
  if (PyModule_AddObject(module, "Exporter", (PyObject *)&exporter_type) < 0) {
    Py_DECREF(&exporter_type);
    return -1;
  }
  return 0;
}
