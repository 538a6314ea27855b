/* pybuffer_check_broken: exporters that each break exactly one rule of the buffer protocol,
 * for testing pybuffer-check, and correct ones to show the checker passes what is right.
 *
 * Every type exports the same memory: a 2x3 C-contiguous array of C int (24 bytes), writable
 * unless the instance was made with readonly=True. The PIL-style types expose it through a
 * row-pointer array instead (suboffsets (0, -1)). Each type's bf_getbuffer is the correct
 * one below with a single defect, named by the type and its docstring; pybuffer-check must
 * report that defect under one rule and nothing else.
 *
 * Ownership: a view holds a strong reference to the exporter in view->obj (except where the
 * defect is exactly that it does not); shape, strides and suboffsets point into the exporter,
 * which the reference keeps alive.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <string.h>

/* The protocol's limit, which PyPy's headers do not name (they build the module for PyPy too). */
#ifndef PyBUF_MAX_NDIM
#define PyBUF_MAX_NDIM 64
#endif

typedef enum {
  CORRECT,
  CORRECT_INDIRECT,
  WRONG_LEN,
  FORMAT_MISMATCH,
  STRIDES_OUT_OF_BOUNDS,
  SHAPE_UNDER_SIMPLE,
  STRIDES_UNDER_ND,
  FORMAT_UNREQUESTED,
  SUBOFFSETS_UNREQUESTED,
  SUBOFFSETS_NEGATIVE,
  WRITABLE_ON_READONLY,
  OBJ_NOT_SET,
  BORROWED_OBJ,
  WRONG_EXCEPTION,
  OBJ_ON_REFUSAL,
  MISSING_EXCEPTION,
  DOUBLE_RELEASE,
  BAD_NDIM,
  NEGATIVE_EXTENT,
  FALSE_CONTIGUITY,
  BUG_COUNT
} Bug;

typedef struct {
  PyObject_HEAD Bug bug;
  int readonly;
  Py_ssize_t exports;  /* views outstanding, by the exporter's own count */
  Py_ssize_t releases; /* bf_releasebuffer calls */
  int items[2][3];
  char *rows[2]; /* the PIL-style types' first level: pointers to each row */
  Py_ssize_t shape[2];
  Py_ssize_t strides[2];
  Py_ssize_t pil_strides[2];
  Py_ssize_t suboffsets[2];
  Py_ssize_t bad_shape[2];
  Py_ssize_t bad_strides[2];
} Exporter;

static PyTypeObject *types[BUG_COUNT];

static int is_indirect_type(Bug bug) {
  return bug == CORRECT_INDIRECT || bug == SUBOFFSETS_UNREQUESTED;
}

/* The refusal of the correct exporter, or the defective refusals of three of the types. */
static int refuse(Exporter *self, Py_buffer *view, const char *message) {
  switch (self->bug) {
    case WRONG_EXCEPTION:
      PyErr_SetString(PyExc_ValueError, message);
      break;
    case MISSING_EXCEPTION:
      break;
    case OBJ_ON_REFUSAL:
      PyErr_SetString(PyExc_BufferError, message);
      Py_INCREF(self);
      view->obj = (PyObject *)self;
      return -1;
    default:
      PyErr_SetString(PyExc_BufferError, message);
      break;
  }
  view->obj = NULL;
  return -1;
}

static int exporter_getbuffer(PyObject *obj, Py_buffer *view, int flags) {
  Exporter *self = (Exporter *)obj;
  const Bug bug = self->bug;
  const int indirect = is_indirect_type(bug);
  const int wants_nd = (flags & PyBUF_ND) == PyBUF_ND;
  const int wants_strides = (flags & PyBUF_STRIDES) == PyBUF_STRIDES;
  const int wants_indirect = (flags & PyBUF_INDIRECT) == PyBUF_INDIRECT;
  const int wants_c = (flags & PyBUF_C_CONTIGUOUS) == PyBUF_C_CONTIGUOUS;
  const int wants_f = (flags & PyBUF_F_CONTIGUOUS) == PyBUF_F_CONTIGUOUS;
  const int wants_any = (flags & PyBUF_ANY_CONTIGUOUS) == PyBUF_ANY_CONTIGUOUS;

  if ((flags & PyBUF_WRITABLE) && self->readonly && bug != WRITABLE_ON_READONLY) {
    return refuse(self, view, "the exporter is read-only");
  }
  if (indirect && (wants_c || wants_f || wants_any)) {
    return refuse(self, view, "a PIL-style array is not contiguous");
  }
  if (indirect && !wants_indirect && bug != SUBOFFSETS_UNREQUESTED) {
    return refuse(self, view, "a PIL-style array needs suboffsets");
  }
  /* 2x3 in C order is not Fortran-contiguous. */
  if (wants_f && bug != FALSE_CONTIGUITY) {
    return refuse(self, view, "the exporter is not Fortran-contiguous");
  }

  view->buf = indirect ? (void *)self->rows : (void *)self->items;
  view->len = bug == WRONG_LEN ? (Py_ssize_t)sizeof self->items + (Py_ssize_t)sizeof(int)
                               : (Py_ssize_t)sizeof self->items;
  view->itemsize = sizeof(int);
  view->readonly = bug == WRITABLE_ON_READONLY && (flags & PyBUF_WRITABLE) ? 0 : self->readonly;
  view->format = NULL;
  if ((flags & PyBUF_FORMAT) == PyBUF_FORMAT || bug == FORMAT_UNREQUESTED) {
    view->format = bug == FORMAT_MISMATCH ? "d" : "i";
  }
  const int give_shape = wants_nd || bug == SHAPE_UNDER_SIMPLE;
  view->ndim = bug == BAD_NDIM ? PyBUF_MAX_NDIM + 1 : give_shape ? 2 : 1;
  view->shape = NULL;
  if (give_shape) view->shape = bug == NEGATIVE_EXTENT ? self->bad_shape : self->shape;
  view->strides = NULL;
  if (wants_strides || bug == STRIDES_UNDER_ND) {
    view->strides = indirect ? self->pil_strides : self->strides;
    if (bug == STRIDES_OUT_OF_BOUNDS && !(wants_c || wants_f || wants_any)) {
      view->strides = self->bad_strides;
    }
    /* Strides without a shape are meaningless; this defect gives them only beside one. */
    if (bug == STRIDES_UNDER_ND && !give_shape) view->strides = NULL;
  }
  view->suboffsets = NULL;
  if (indirect && (wants_indirect || bug == SUBOFFSETS_UNREQUESTED)) {
    view->suboffsets = self->suboffsets;
  }
  if (bug == SUBOFFSETS_NEGATIVE && wants_indirect) {
    static Py_ssize_t none_needed[2] = {-1, -1};
    view->suboffsets = none_needed;
  }
  view->internal = NULL;

  if (bug == OBJ_NOT_SET) {
    view->obj = NULL;
  } else {
    if (bug != BORROWED_OBJ) Py_INCREF(self);
    view->obj = obj;
  }
  self->exports++;
  if (bug == DOUBLE_RELEASE) {
    /* Drops the export just made through the type's own slot, as code that "undoes a probe"
       would: the consumer's PyBuffer_Release then releases it a second time. */
    Py_TYPE(obj)->tp_as_buffer->bf_releasebuffer(obj, view);
  }
  return 0;
}

static void exporter_releasebuffer(PyObject *obj, Py_buffer *view) {
  Exporter *self = (Exporter *)obj;
  (void)view;
  self->exports--;
  self->releases++;
}

static PyObject *exporter_new(PyTypeObject *type, PyObject *args, PyObject *kwargs) {
  static char *keywords[] = {"readonly", NULL};
  int readonly = -1;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "|p", keywords, &readonly)) return NULL;
  Exporter *self = (Exporter *)type->tp_alloc(type, 0);
  if (self == NULL) return NULL;
  self->bug = CORRECT;
  for (int i = 0; i < BUG_COUNT; ++i) {
    if (types[i] == type) self->bug = (Bug)i;
  }
  /* The defect "grants WRITABLE on read-only memory" needs read-only memory by default. */
  self->readonly = readonly >= 0 ? readonly : self->bug == WRITABLE_ON_READONLY;
  for (int i = 0; i < 2; ++i) {
    for (int j = 0; j < 3; ++j) self->items[i][j] = 3 * i + j;
    self->rows[i] = (char *)self->items[i];
  }
  self->shape[0] = 2;
  self->shape[1] = 3;
  self->strides[0] = 3 * sizeof(int);
  self->strides[1] = sizeof(int);
  self->pil_strides[0] = sizeof(char *);
  self->pil_strides[1] = sizeof(int);
  self->suboffsets[0] = 0;
  self->suboffsets[1] = -1;
  self->bad_shape[0] = 2;
  self->bad_shape[1] = -3;
  /* A row pitch of 16 bytes makes the second row end 4 bytes past the 24-byte block. */
  self->bad_strides[0] = 4 * sizeof(int);
  self->bad_strides[1] = sizeof(int);
  return (PyObject *)self;
}

static void exporter_dealloc(PyObject *self) {
  PyTypeObject *type = Py_TYPE(self);
  type->tp_free(self);
  Py_DECREF(type); /* instances of heap types own a reference to their type */
}

static PyObject *exporter_exports(PyObject *self, void *closure) {
  (void)closure;
  return PyLong_FromSsize_t(((Exporter *)self)->exports);
}

static PyObject *exporter_releases(PyObject *self, void *closure) {
  (void)closure;
  return PyLong_FromSsize_t(((Exporter *)self)->releases);
}

static PyGetSetDef exporter_getset[] = {
    {"exports", exporter_exports, NULL, "views outstanding, by the exporter's own count", NULL},
    {"releases", exporter_releases, NULL, "bf_releasebuffer calls so far", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

typedef struct {
  const char *name;
  const char *doc;
} TypeInfo;

/* Indexed by Bug. */
static const TypeInfo type_info[BUG_COUNT] = {
    [CORRECT] = {"Correct", "A correct exporter of a 2x3 int array (readonly=False)."},
    [CORRECT_INDIRECT] = {"CorrectIndirect",
                          "A correct PIL-style exporter: suboffsets (0, -1) under INDIRECT."},
    [WRONG_LEN] = {"WrongLen", "len is one item more than product(shape) * itemsize."},
    [FORMAT_MISMATCH] = {"FormatMismatch", "format \"d\" (8 bytes) with itemsize 4."},
    [STRIDES_OUT_OF_BOUNDS] = {"StridesOutOfBounds",
                               "Non-contiguous requests get a row stride of 16 bytes: the "
                               "last row ends past the 24-byte memory."},
    [SHAPE_UNDER_SIMPLE] = {"ShapeUnderSimple", "shape is filled even without PyBUF_ND."},
    [STRIDES_UNDER_ND] = {"StridesUnderND", "strides are filled under PyBUF_ND without STRIDES."},
    [FORMAT_UNREQUESTED] = {"FormatUnrequested", "format is filled even without PyBUF_FORMAT."},
    [SUBOFFSETS_UNREQUESTED] = {"SuboffsetsUnrequested",
                                "PIL-style: answers requests without PyBUF_INDIRECT with "
                                "suboffsets instead of refusing."},
    [SUBOFFSETS_NEGATIVE] = {"SuboffsetsNegative",
                             "INDIRECT requests get suboffsets (-1, -1) instead of NULL."},
    [WRITABLE_ON_READONLY] = {"WritableOnReadOnly",
                              "Read-only memory, yet WRITABLE requests are granted."},
    [OBJ_NOT_SET] = {"ObjNotSet", "view->obj stays NULL in accepted views."},
    [BORROWED_OBJ] = {"BorrowedObj", "view->obj is set without a new reference."},
    [WRONG_EXCEPTION] = {"WrongException", "Refusals raise ValueError instead of BufferError."},
    [OBJ_ON_REFUSAL] = {"ObjOnRefusal", "Refusals leave view->obj set (and a reference taken)."},
    [MISSING_EXCEPTION] = {"MissingException", "Refusals return -1 without an exception."},
    [DOUBLE_RELEASE] = {"DoubleRelease",
                        "bf_getbuffer calls the type's bf_releasebuffer on the view it just "
                        "exported, so each export is released twice."},
    [BAD_NDIM] = {"BadNdim", "ndim is 65, beyond PyBUF_MAX_NDIM."},
    [NEGATIVE_EXTENT] = {"NegativeExtent", "shape is (2, -3)."},
    [FALSE_CONTIGUITY] = {"FalseContiguity",
                          "F_CONTIGUOUS requests are granted with C-order strides."},
};

static PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "pybuffer_check_broken",
    .m_doc = "Exporters that each break one buffer-protocol rule, for pybuffer-check's tests.",
    .m_size = -1,
};

PyMODINIT_FUNC PyInit_pybuffer_check_broken(void) {
  PyObject *module = PyModule_Create(&module_def);
  if (module == NULL) return NULL;
  PyObject *exporters = PyDict_New();
  if (exporters == NULL) goto error;
  for (int i = 0; i < BUG_COUNT; ++i) {
    PyType_Slot slots[] = {
      {Py_tp_new, (void *)exporter_new},
      {Py_tp_dealloc, (void *)exporter_dealloc},
      {Py_tp_getset, exporter_getset},
      {Py_tp_doc, (void *)type_info[i].doc},
#if PY_VERSION_HEX >= 0x03090000
      {Py_bf_getbuffer, (void *)exporter_getbuffer},
      {Py_bf_releasebuffer, (void *)exporter_releasebuffer},
#endif
      {0, NULL},
    };
    /* Static: CPython before 3.12 keeps spec->name itself as tp_name. */
    static char qualified[BUG_COUNT][64];
    PyOS_snprintf(qualified[i], sizeof qualified[i], "pybuffer_check_broken.%s", type_info[i].name);
    PyType_Spec spec = {
        .name = qualified[i],
        .basicsize = sizeof(Exporter),
        .flags = Py_TPFLAGS_DEFAULT,
        .slots = slots,
    };
    types[i] = (PyTypeObject *)PyType_FromSpec(&spec);
    if (types[i] == NULL) goto error;
#if PY_VERSION_HEX < 0x03090000
    /* Type specs take buffer slots from 3.9; before, a heap type's own PyBufferProcs. */
    types[i]->tp_as_buffer->bf_getbuffer = exporter_getbuffer;
    types[i]->tp_as_buffer->bf_releasebuffer = exporter_releasebuffer;
#endif
    if (PyModule_AddObject(module, type_info[i].name, (PyObject *)types[i]) < 0) goto error;
    Py_INCREF(types[i]); /* PyModule_AddObject stole one; the table keeps its own */
    PyObject *instance = PyObject_CallObject((PyObject *)types[i], NULL);
    if (instance == NULL) goto error;
    const int failed = PyDict_SetItemString(exporters, type_info[i].name, instance);
    Py_DECREF(instance);
    if (failed) goto error;
  }
  if (PyModule_AddObject(module, "exporters", exporters) < 0) goto error;
  return module;

error:
  Py_XDECREF(exporters);
  Py_DECREF(module);
  return NULL;
}
