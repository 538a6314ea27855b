/* The recorder of the exact-on-PyPy suite: runs one case of the buffer functions and appends
 * its outcome, as canonical text lines "case<TAB>key<TAB>value", to a list that records()
 * hands over. The same source is compiled once per runtime (tests/pypy/CMakeLists.txt):
 *
 *   PYBUFFER_EXACT_TWINS=1  against PyPy's headers, calling libpybuffer-pypy39's pybuffer_
 *                           twins (the side under test);
 *   PYBUFFER_EXACT_TWINS=0  calling the plain names, which are the running interpreter's own:
 *                           CPython 3.9's libpython (the expected side) or PyPy's cpyext
 *                           (its conformance report), where the three functions PyPy lacks
 *                           are recorded as "absent".
 *
 * Values are printed from C with snprintf only, never through an interpreter's formatting, so
 * that equal outcomes give equal text on every runtime. Pointers are printed as offsets from
 * the view's buf; reference counts as changes (before/after), meaningful on both runtimes.
 * The case table is cases.py; the C exporter with strided, Fortran, PIL-style and zero-size
 * layouts is exporter.c, shared by both sides so that they see identical input.
 */
#include <Python.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#if PYBUFFER_EXACT_TWINS
#include <pybuffer/pybuffer.h>
#define CALL(name) pybuffer_##name
#define HAS_MISSING_THREE 1
#else
#define CALL(name) name
/* PyPy's cpyext has no PyObject_CopyData, PyBuffer_FillContiguousStrides or
   PyBuffer_SizeFromFormat: its own answer to them is "absent". */
#if defined(PYPY_VERSION)
#define HAS_MISSING_THREE 0
#else
#define HAS_MISSING_THREE 1
#endif
#endif

#include "exporter.h"

#define JOIN2(a, b) a##b
#define JOIN(a, b) JOIN2(a, b)
#define STRING2(a) #a
#define STRING(a) STRING2(a)

static PyObject *records; /* list of str */
static const char *current_case = "";

static void put(const char *key, const char *format, ...) {
  char value[4096];
  char line[4400];
  va_list args;
  va_start(args, format);
  vsnprintf(value, sizeof value, format, args);
  va_end(args);
  /* Progress on stderr: if the runtime's own function crashes, the driver knows after which
     record (cases.py announces each case there too). */
  fprintf(stderr, "#put %s\n", key);
  fflush(stderr);
  snprintf(line, sizeof line, "%s\t%s\t%s", current_case, key, value);
  PyObject *text = PyUnicode_FromString(line);
  if (text != NULL) {
    PyList_Append(records, text);
    Py_DECREF(text);
  }
}

/* The pending exception as "Type: message" under "<key> raised" (cleared), or nothing. */
static void put_error(const char *key) {
  if (!PyErr_Occurred()) return;
  PyObject *type, *value, *traceback;
  PyErr_Fetch(&type, &value, &traceback);
  PyErr_NormalizeException(&type, &value, &traceback);
  const char *message = "";
  PyObject *text = value != NULL ? PyObject_Str(value) : NULL;
  if (text != NULL) message = PyUnicode_AsUTF8(text);
  if (message == NULL) message = "<unprintable>";
  char raised[80];
  snprintf(raised, sizeof raised, "%s raised", key);
  put(raised, "%s: %s", ((PyTypeObject *)type)->tp_name, message);
  Py_XDECREF(text);
  Py_XDECREF(type);
  Py_XDECREF(value);
  Py_XDECREF(traceback);
  PyErr_Clear();
}

static void hex_of(char *out, size_t room, const unsigned char *bytes, Py_ssize_t n) {
  size_t used = 0;
  out[0] = '\0';
  for (Py_ssize_t i = 0; i < n && used + 3 < room; ++i) {
    used += (size_t)snprintf(out + used, room - used, "%02x", bytes[i]);
  }
}

static void put_array(const char *key, const Py_ssize_t *values, int n) {
  char text[1024] = "NULL";
  if (values != NULL) {
    size_t used = (size_t)snprintf(text, sizeof text, "(");
    for (int i = 0; i < n && i < 64 && used < sizeof text - 24; ++i) {
      used += (size_t)snprintf(text + used, sizeof text - used, "%s%zd", i ? "," : "", values[i]);
    }
    snprintf(text + used, sizeof text - used, ")");
  }
  put(key, "%s", text);
}

/* Guard bytes around every buffer a function may write: GUARD bytes of 0xEE each side. */
enum { GUARD = 32, ROOM = 4096 };
static unsigned char arena[GUARD + ROOM + GUARD];

/* Where GetPointer's answers are measured from: the view's buf, or (for a hand-built PIL view,
   whose buf is a pointer table on this function's stack) the block its rows lie in. */
static const unsigned char *pointer_base;

static unsigned char *guarded(Py_ssize_t n, unsigned char fill) {
  memset(arena, 0xEE, sizeof arena);
  memset(arena + GUARD, fill, (size_t)(n < 0 ? 0 : n));
  return arena + GUARD;
}

static int guards_intact(Py_ssize_t n) {
  for (size_t i = 0; i < sizeof arena; ++i) {
    if ((i < GUARD || i >= GUARD + (size_t)(n < 0 ? 0 : n)) && arena[i] != 0xEE) return 0;
  }
  return 1;
}

static int fits(const Py_buffer *view) {
  return view->len >= 0 && view->len <= ROOM;
}

/* What the functions of the runtime under test say of a view: contiguity, pointers to the
   first and last item, and the copies in every order, out of the view and (when writable
   and `write` is set) into it. */
static void put_functions_on(const Py_buffer *view, int write) {
  /* 'X' only for IsContiguous: CPython's copies take any other order as an assertion. */
  static const char orders[] = "CFAX";
  char key[64];
  char hex[2 * ROOM + 1];
  for (int i = 0; i < 4; ++i) {
    snprintf(key, sizeof key, "IsContiguous(%c)", orders[i]);
    put(key, "%d", CALL(PyBuffer_IsContiguous)((Py_buffer *)view, orders[i]));
  }
  if (view->ndim >= 1 && view->ndim <= 8 && view->shape != NULL && view->strides != NULL) {
    Py_ssize_t first[8] = {0}, last[8] = {0};
    int empty = 0;
    for (int d = 0; d < view->ndim; ++d) {
      last[d] = view->shape[d] - 1;
      empty |= view->shape[d] <= 0;
    }
    if (!empty) {
      const char *base = pointer_base != NULL ? (const char *)pointer_base : view->buf;
      put("GetPointer(first)", "%td",
          (char *)CALL(PyBuffer_GetPointer)((Py_buffer *)view, first) - base);
      put("GetPointer(last)", "%td",
          (char *)CALL(PyBuffer_GetPointer)((Py_buffer *)view, last) - base);
    }
  }
  if (!fits(view)) {
    put("copies", "not tried: len %zd", view->len);
    return;
  }
  for (int i = 0; i < 3; ++i) {
    unsigned char *out = guarded(view->len, 0x5A);
    snprintf(key, sizeof key, "ToContiguous(%c)", orders[i]);
    int rc = CALL(PyBuffer_ToContiguous)(out, (Py_buffer *)view, view->len, orders[i]);
    hex_of(hex, sizeof hex, out, view->len);
    put(key, "%d %s guards=%d", rc, hex, guards_intact(view->len));
    put_error(key);
  }
  if (!write || view->readonly) return;
  for (int i = 0; i < 3; ++i) {
    unsigned char *in = guarded(view->len, 0);
    for (Py_ssize_t b = 0; b < view->len; ++b) in[b] = (unsigned char)(b * 7 + 1 + i);
    snprintf(key, sizeof key, "FromContiguous(%c)", orders[i]);
    if (orders[i] == 'F' && view->strides == NULL && view->ndim > 1) {
      /* CPython 3.9 walks the view through PyBuffer_GetPointer, which reads the strides. */
      put(key, "not tried: NULL strides crash CPython 3.9");
      continue;
    }
    int rc = CALL(PyBuffer_FromContiguous)((Py_buffer *)view, in, view->len, orders[i]);
    put(key, "%d", rc);
    put_error(key);
    /* What was written, read back in C order by the same runtime's function. */
    unsigned char *back = guarded(view->len, 0x5A);
    rc = CALL(PyBuffer_ToContiguous)(back, (Py_buffer *)view, view->len, 'C');
    hex_of(hex, sizeof hex, back, view->len);
    snprintf(key, sizeof key, "FromContiguous(%c) wrote", orders[i]);
    put(key, "%d %s", rc, hex);
    put_error(key);
  }
}

static void put_fields(const Py_buffer *view, PyObject *exporter) {
  put("len", "%zd", view->len);
  put("itemsize", "%zd", view->itemsize);
  put("readonly", "%d", view->readonly);
  put("ndim", "%d", view->ndim);
  put("format", "%s", view->format != NULL ? view->format : "NULL");
  int n = view->ndim >= 0 && view->ndim <= 64 ? view->ndim : 0;
  put_array("shape", view->shape, n);
  put_array("strides", view->strides, n);
  put_array("suboffsets", view->suboffsets, n);
  put("obj", "%s", view->obj == NULL ? "NULL" : view->obj == exporter ? "exporter" : "other");
}

/* request(case, obj, flags, write): GetBuffer, what the functions say of the view, Release. */
static PyObject *request(PyObject *self, PyObject *args) {
  PyObject *obj;
  int flags, write;
  (void)self;
  if (!PyArg_ParseTuple(args, "sOii", &current_case, &obj, &flags, &write)) return NULL;
  Py_buffer view;
  memset(&view, 0, sizeof view);
  Py_ssize_t before = Py_REFCNT(obj);
  int rc = CALL(PyObject_GetBuffer)(obj, &view, flags);
  put("GetBuffer", "%d", rc);
  put("refcount after GetBuffer", "%+zd", Py_REFCNT(obj) - before);
  if (rc < 0) {
    put_error("GetBuffer");
    Py_RETURN_NONE;
  }
  put_fields(&view, obj);
  put_functions_on(&view, write);
  CALL(PyBuffer_Release)(&view);
  put("obj after Release", "%s", view.obj == NULL ? "NULL" : "set");
  put("refcount after Release", "%+zd", Py_REFCNT(obj) - before);
  Py_RETURN_NONE;
}

/* check_buffer(case, obj) */
static PyObject *check_buffer(PyObject *self, PyObject *args) {
  PyObject *obj;
  (void)self;
  if (!PyArg_ParseTuple(args, "sO", &current_case, &obj)) return NULL;
  put("CheckBuffer", "%d", CALL(PyObject_CheckBuffer)(obj));
  Py_RETURN_NONE;
}

/* copy_data(case, dest, src): CopyData, then dest's items as the runtime's ToContiguous reads
   them, and the reference counts of both. */
static PyObject *copy_data(PyObject *self, PyObject *args) {
  PyObject *dest, *src;
  (void)self;
  if (!PyArg_ParseTuple(args, "sOO", &current_case, &dest, &src)) return NULL;
#if HAS_MISSING_THREE
  Py_ssize_t dest_before = Py_REFCNT(dest), src_before = Py_REFCNT(src);
  put("CopyData", "%d", CALL(PyObject_CopyData)(dest, src));
  put_error("CopyData");
  put("refcounts after CopyData", "%+zd %+zd", Py_REFCNT(dest) - dest_before,
      Py_REFCNT(src) - src_before);
  Py_buffer view;
  if (CALL(PyObject_GetBuffer)(dest, &view, PyBUF_FULL_RO) == 0) {
    if (fits(&view)) {
      char hex[2 * ROOM + 1];
      unsigned char *out = guarded(view.len, 0x5A);
      int rc = CALL(PyBuffer_ToContiguous)(out, &view, view.len, 'C');
      hex_of(hex, sizeof hex, out, view.len);
      put("dest after CopyData", "%d %s", rc, hex);
    }
    CALL(PyBuffer_Release)(&view);
  }
  put_error("dest after CopyData");
#else
  (void)dest;
  (void)src;
  put("CopyData", "absent");
#endif
  Py_RETURN_NONE;
}

/* The legacy functions' (pointer, length) answer: the return value, the length and the byte
   the pointer points at. Only that one: an exporter that wrongly accepts the simple request
   (PyPy's reversed memoryview) gives a pointer whose len bytes lie partly outside its memory. */
static void put_legacy(const char *key, int rc, const void *pointer, Py_ssize_t len) {
  if (rc == 0 && pointer != NULL && len > 0) {
    put(key, "%d len %zd first byte %02x", rc, len, *(const unsigned char *)pointer);
  } else {
    put(key, "%d len %zd", rc, len);
  }
  put_error(key);
}

/* legacy(case, obj): CheckReadBuffer, AsCharBuffer, AsReadBuffer and AsWriteBuffer (nothing is
   written through the pointer), and the exporter's reference count after them. */
static PyObject *legacy(PyObject *self, PyObject *args) {
  PyObject *obj;
  (void)self;
  if (!PyArg_ParseTuple(args, "sO", &current_case, &obj)) return NULL;
  Py_ssize_t before = Py_REFCNT(obj);
  /* CPython 3.9 declares them deprecated; they are what is compared here. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
  put("CheckReadBuffer", "%d", CALL(PyObject_CheckReadBuffer)(obj));
  const char *chars = NULL;
  const void *read = NULL;
  void *write = NULL;
  Py_ssize_t len = -7;
  int rc = CALL(PyObject_AsCharBuffer)(obj, &chars, &len);
  put_legacy("AsCharBuffer", rc, chars, len);
  len = -7;
  rc = CALL(PyObject_AsReadBuffer)(obj, &read, &len);
  put_legacy("AsReadBuffer", rc, read, len);
  len = -7;
  rc = CALL(PyObject_AsWriteBuffer)(obj, &write, &len);
  put_legacy("AsWriteBuffer", rc, write, len);
#pragma GCC diagnostic pop
  put("refcount after legacy", "%+zd", Py_REFCNT(obj) - before);
  Py_RETURN_NONE;
}

/* Hand-built views over one patterned block: the same bytes and layouts on both sides. */
static unsigned char block[256];

typedef struct {
  const char *name;
  Py_ssize_t offset; /* buf = block + offset: negative strides start at the end */
  Py_ssize_t len, itemsize;
  int ndim;
  const char *format;
  Py_ssize_t shape[3], strides[3];
  int no_shape, no_strides, readonly;
} HandView;

static const HandView hand_views[] = {
    {"hand 1-d C", 0, 6, 1, 1, "B", {6}, {1}, 0, 0, 0},
    {"hand 1-d strides NULL", 0, 6, 1, 1, "B", {6}, {0}, 0, 1, 0},
    {"hand 1-d stride 2", 0, 4, 1, 1, "B", {4}, {2}, 0, 0, 0},
    {"hand 1-d negative stride", 9, 5, 1, 1, "B", {5}, {-2}, 0, 0, 0},
    {"hand 2-d C", 0, 24, 4, 2, "i", {2, 3}, {12, 4}, 0, 0, 0},
    {"hand 2-d F", 0, 24, 4, 2, "i", {2, 3}, {4, 8}, 0, 0, 0},
    {"hand 2-d strides NULL", 0, 24, 4, 2, "i", {2, 3}, {0}, 0, 1, 0},
    {"hand 2-d transposed strided", 0, 12, 2, 2, "h", {3, 2}, {4, 16}, 0, 0, 0},
    {"hand 2-d both negative", 40, 12, 2, 2, "h", {2, 3}, {-20, -4}, 0, 0, 0},
    {"hand 2-d extent 1 odd stride", 0, 8, 2, 2, "h", {1, 4}, {99, 2}, 0, 0, 0},
    {"hand 2-d 4x1 odd stride", 0, 4, 1, 2, "B", {4, 1}, {1, 77}, 0, 0, 0},
    {"hand 3-d C", 0, 24, 1, 3, "B", {2, 3, 4}, {12, 4, 1}, 0, 0, 0},
    {"hand 3-d F", 0, 24, 1, 3, "B", {2, 3, 4}, {1, 2, 6}, 0, 0, 0},
    {"hand 3-d sliced", 0, 12, 1, 3, "B", {2, 3, 2}, {24, 8, 3}, 0, 0, 0},
    {"hand 3-d zero extent", 0, 0, 4, 3, "i", {2, 0, 3}, {0, 12, 4}, 0, 0, 0},
    {"hand 2-d zero extent strided", 0, 0, 1, 2, "B", {0, 5}, {-7, 3}, 0, 0, 0},
    {"hand 0-d", 4, 8, 8, 0, "d", {0}, {0}, 1, 1, 0},
    {"hand 1-d readonly", 0, 6, 2, 1, "H", {3}, {2}, 0, 0, 1},
};

static void fill_block(void) {
  for (size_t i = 0; i < sizeof block; ++i) block[i] = (unsigned char)(i * 5 + 3);
}

/* The hand-built view `h` over the patterned block, its shape and strides copied to the
   caller's arrays. */
static void make_hand_view(const HandView *h, Py_buffer *view, Py_ssize_t shape[3],
                           Py_ssize_t strides[3]) {
  memcpy(shape, h->shape, 3 * sizeof shape[0]);
  memcpy(strides, h->strides, 3 * sizeof strides[0]);
  memset(view, 0, sizeof *view);
  view->buf = block + h->offset;
  view->len = h->len;
  view->itemsize = h->itemsize;
  view->readonly = h->readonly;
  view->ndim = h->ndim;
  view->format = (char *)h->format;
  view->shape = h->no_shape ? NULL : shape;
  view->strides = h->no_strides ? NULL : strides;
}

enum { HAND_TABLE = sizeof hand_views / sizeof hand_views[0] };
static const char *const pil_names[] = {"hand 2-d PIL", "hand 2-d suboffsets all negative"};

/* hand_view_names() -> the names of the hand-built views, in the order hand_view() takes. */
static PyObject *hand_view_names(PyObject *self, PyObject *unused) {
  (void)self;
  (void)unused;
  PyObject *names = PyList_New(0);
  for (size_t i = 0; names != NULL && i < HAND_TABLE + 2; ++i) {
    PyObject *name =
        PyUnicode_FromString(i < HAND_TABLE ? hand_views[i].name : pil_names[i - HAND_TABLE]);
    if (name == NULL || PyList_Append(names, name) < 0) Py_CLEAR(names);
    Py_XDECREF(name);
  }
  return names;
}

/* A PIL-style view: rows reached through a table of pointers (suboffsets 0 on the first axis),
   or (`all_negative`) the same block with every suboffset negative, i.e. none followed. */
static void run_pil_view(int all_negative) {
  void *rows[3] = {block + 64, block + 8, block + 128};
  Py_ssize_t shape[2] = {3, 4}, strides[2] = {sizeof(void *), 2}, suboffsets[2] = {0, -1};
  Py_buffer view;
  memset(&view, 0, sizeof view);
  view.buf = rows;
  view.len = 12;
  view.itemsize = 1;
  view.ndim = 2;
  view.format = (char *)"B";
  view.shape = shape;
  view.strides = strides;
  view.suboffsets = suboffsets;
  pointer_base = block;
  if (all_negative) {
    suboffsets[0] = -1;
    view.buf = block;
    strides[0] = 10;
    pointer_base = NULL;
  }
  current_case = pil_names[all_negative];
  put_functions_on(&view, 1);
  pointer_base = NULL;
}

/* hand_view(index): the functions on one hand-built view, writes included. */
static PyObject *hand_view(PyObject *self, PyObject *arg) {
  (void)self;
  Py_ssize_t i = PyLong_AsSsize_t(arg);
  if (i < 0 || i >= (Py_ssize_t)HAND_TABLE + 2) {
    if (!PyErr_Occurred()) PyErr_SetString(PyExc_IndexError, "no such hand-built view");
    return NULL;
  }
  fill_block();
  if (i >= (Py_ssize_t)HAND_TABLE) {
    run_pil_view((int)(i - HAND_TABLE));
    Py_RETURN_NONE;
  }
  const HandView *h = &hand_views[i];
  Py_ssize_t shape[3], strides[3];
  Py_buffer view;
  make_hand_view(h, &view, shape, strides);
  current_case = h->name;
  put_functions_on(&view, 1);
  Py_RETURN_NONE;
}

/* fill_info(case, obj or None, readonly, flags) */
static PyObject *fill_info(PyObject *self, PyObject *args) {
  PyObject *obj;
  int readonly, flags;
  (void)self;
  if (!PyArg_ParseTuple(args, "sOii", &current_case, &obj, &readonly, &flags)) return NULL;
  if (obj == Py_None) obj = NULL;
  Py_buffer view;
  memset(&view, 0xAB, sizeof view);
  Py_ssize_t before = obj != NULL ? Py_REFCNT(obj) : 0;
  int rc = CALL(PyBuffer_FillInfo)(&view, obj, block, 6, readonly, flags);
  put("FillInfo", "%d", rc);
  if (obj != NULL) put("refcount after FillInfo", "%+zd", Py_REFCNT(obj) - before);
  if (rc < 0) {
    put_error("FillInfo");
    put("obj after failure", "%s", view.obj == NULL ? "NULL" : "unchanged");
    Py_RETURN_NONE;
  }
  put("buf", "%td", (unsigned char *)view.buf - block);
  put_fields(&view, obj);
  /* CPython points shape at len and strides at itemsize when they are requested. */
  put("shape is &len", "%d", view.shape == &view.len);
  put("strides is &itemsize", "%d", view.strides == &view.itemsize);
  put("internal", "%s", view.internal == NULL ? "NULL" : "set");
  if (obj != NULL) {
    CALL(PyBuffer_Release)(&view);
    put("refcount after Release", "%+zd", Py_REFCNT(obj) - before);
  }
  Py_RETURN_NONE;
}

/* fill_contiguous_strides(case, shape tuple, itemsize, order) */
static PyObject *fill_contiguous_strides(PyObject *self, PyObject *args) {
  PyObject *shape_tuple;
  int itemsize, order;
  (void)self;
  if (!PyArg_ParseTuple(args, "sO!iC", &current_case, &PyTuple_Type, &shape_tuple, &itemsize,
                        &order)) {
    return NULL;
  }
#if HAS_MISSING_THREE
  Py_ssize_t shape[8], strides[8];
  int ndim = (int)PyTuple_GET_SIZE(shape_tuple);
  for (int i = 0; i < ndim && i < 8; ++i) {
    shape[i] = PyLong_AsSsize_t(PyTuple_GET_ITEM(shape_tuple, i));
    strides[i] = -99;
  }
  CALL(PyBuffer_FillContiguousStrides)(ndim, shape, strides, itemsize, (char)order);
  put_array("strides", strides, ndim);
#else
  put("strides", "absent");
#endif
  Py_RETURN_NONE;
}

/* size_from_format(case, format bytes) */
static PyObject *size_from_format(PyObject *self, PyObject *args) {
  const char *format;
  (void)self;
  if (!PyArg_ParseTuple(args, "sy", &current_case, &format)) return NULL;
#if HAS_MISSING_THREE
  put("SizeFromFormat", "%zd", CALL(PyBuffer_SizeFromFormat)(format));
  put_error("SizeFromFormat");
#else
  (void)format;
  put("SizeFromFormat", "absent");
#endif
  Py_RETURN_NONE;
}

/* What a memoryview constructor returned: NULL (and the exception), or the type and the fields
   of a PyBUF_FULL_RO view of it through the runtime's GetBuffer (on PyPy that is PyPy's
   memoryview exporter), its bytes in C order through the runtime's ToContiguous, the memoryview's
   readonly attribute, and where its buf lies from `base` (the memory it was made on, or NULL). */
static void put_memoryview(const char *function, PyObject *mv, const void *base) {
  char key[80];
  put(function, "%s", mv == NULL ? "NULL" : Py_TYPE(mv)->tp_name);
  put_error(function);
  if (mv == NULL) return;
  PyObject *attribute = PyObject_GetAttrString(mv, "readonly");
  put("mv readonly attribute", "%d", attribute != NULL ? PyObject_IsTrue(attribute) : -1);
  Py_XDECREF(attribute);
  put_error("mv readonly attribute");
  Py_buffer view;
  memset(&view, 0, sizeof view);
  int rc = CALL(PyObject_GetBuffer)(mv, &view, PyBUF_FULL_RO);
  put("mv GetBuffer", "%d", rc);
  if (rc < 0) {
    put_error("mv GetBuffer");
    return;
  }
  put("mv len", "%zd", view.len);
  put("mv itemsize", "%zd", view.itemsize);
  put("mv readonly", "%d", view.readonly);
  put("mv ndim", "%d", view.ndim);
  put("mv format", "%s", view.format != NULL ? view.format : "NULL");
  int n = view.ndim >= 0 && view.ndim <= 64 ? view.ndim : 0;
  put_array("mv shape", view.shape, n);
  put_array("mv strides", view.strides, n);
  put_array("mv suboffsets", view.suboffsets, n);
  if (base != NULL) {
    put("mv buf offset", "%td", (const char *)view.buf - (const char *)base);
  }
  if (fits(&view)) {
    char hex[2 * ROOM + 1];
    unsigned char *out = guarded(view.len, 0x5A);
    rc = CALL(PyBuffer_ToContiguous)(out, &view, view.len, 'C');
    hex_of(hex, sizeof hex, out, view.len);
    snprintf(key, sizeof key, "mv bytes");
    put(key, "%d %s", rc, hex);
    put_error(key);
  }
  CALL(PyBuffer_Release)(&view);
}

/* The buf of a PyBUF_FULL_RO view of obj through the runtime's GetBuffer, or NULL. */
static const void *buf_of(PyObject *obj) {
  Py_buffer view;
  if (CALL(PyObject_GetBuffer)(obj, &view, PyBUF_FULL_RO) < 0) {
    PyErr_Clear();
    return NULL;
  }
  const void *buf = view.buf;
  CALL(PyBuffer_Release)(&view);
  return buf;
}

/* The reference count of the argument while the result lives and after it is dropped. */
static void put_result_counts(PyObject *obj, Py_ssize_t before, PyObject *mv) {
  put("refcount with result", "%+zd", Py_REFCNT(obj) - before);
  Py_XDECREF(mv);
  put("refcount after result dropped", "%+zd", Py_REFCNT(obj) - before);
}

/* memoryview_from_object(case, obj) */
static PyObject *memoryview_from_object(PyObject *self, PyObject *args) {
  PyObject *obj;
  (void)self;
  if (!PyArg_ParseTuple(args, "sO", &current_case, &obj)) return NULL;
  Py_ssize_t before = Py_REFCNT(obj);
  PyObject *mv = CALL(PyMemoryView_FromObject)(obj);
  put_memoryview("FromObject", mv, buf_of(obj));
  put_result_counts(obj, before, mv);
  Py_RETURN_NONE;
}

/* memoryview_from_memory(case, size, flags, null): over the patterned block, or NULL memory. */
static PyObject *memoryview_from_memory(PyObject *self, PyObject *args) {
  Py_ssize_t size;
  int flags, null;
  (void)self;
  if (!PyArg_ParseTuple(args, "snii", &current_case, &size, &flags, &null)) return NULL;
  fill_block();
  char *mem = null ? NULL : (char *)block;
  PyObject *mv = CALL(PyMemoryView_FromMemory)(mem, size, flags);
  put_memoryview("FromMemory", mv, null ? NULL : block);
  Py_XDECREF(mv);
  Py_RETURN_NONE;
}

/* memoryview_from_buffer(case, index): FromBuffer on the hand-built view `index` (not PIL). */
static PyObject *memoryview_from_buffer(PyObject *self, PyObject *args) {
  Py_ssize_t i;
  (void)self;
  if (!PyArg_ParseTuple(args, "sn", &current_case, &i)) return NULL;
  if (i < 0 || i >= (Py_ssize_t)HAND_TABLE) {
    PyErr_SetString(PyExc_IndexError, "no such hand-built view");
    return NULL;
  }
  fill_block();
  const HandView *h = &hand_views[i];
  Py_ssize_t shape[3], strides[3];
  Py_buffer view;
  make_hand_view(h, &view, shape, strides);
  PyObject *mv = CALL(PyMemoryView_FromBuffer)(&view);
  put_memoryview("FromBuffer", mv, block);
  Py_XDECREF(mv);
  Py_RETURN_NONE;
}

/* memoryview_get_contiguous(case, obj, buffertype, order) */
static PyObject *memoryview_get_contiguous(PyObject *self, PyObject *args) {
  PyObject *obj;
  int buffertype, order;
  (void)self;
  if (!PyArg_ParseTuple(args, "sOiC", &current_case, &obj, &buffertype, &order)) return NULL;
  const void *base = buf_of(obj);
  Py_ssize_t before = Py_REFCNT(obj);
  PyObject *mv = CALL(PyMemoryView_GetContiguous)(obj, buffertype, (char)order);
  put_memoryview("GetContiguous", mv, NULL);
  if (mv != NULL) put("shares memory", "%d", base != NULL && buf_of(mv) == base);
  put_result_counts(obj, before, mv);
  Py_RETURN_NONE;
}

/* take() -> the records so far, as a list of str; starts a new list. */
static PyObject *take(PyObject *self, PyObject *unused) {
  (void)self;
  (void)unused;
  PyObject *taken = records;
  records = PyList_New(0);
  if (records == NULL) {
    records = taken;
    return NULL;
  }
  return taken;
}

static PyMethodDef methods[] = {
    {"request", request, METH_VARARGS, "request(case, obj, flags, write)"},
    {"check_buffer", check_buffer, METH_VARARGS, "check_buffer(case, obj)"},
    {"legacy", legacy, METH_VARARGS, "legacy(case, obj)"},
    {"copy_data", copy_data, METH_VARARGS, "copy_data(case, dest, src)"},
    {"hand_view_names", hand_view_names, METH_NOARGS, "hand_view_names() -> list of str"},
    {"hand_view", hand_view, METH_O, "hand_view(index)"},
    {"fill_info", fill_info, METH_VARARGS, "fill_info(case, obj, readonly, flags)"},
    {"fill_contiguous_strides", fill_contiguous_strides, METH_VARARGS,
     "fill_contiguous_strides(case, shape, itemsize, order)"},
    {"size_from_format", size_from_format, METH_VARARGS, "size_from_format(case, format)"},
    {"memoryview_from_object", memoryview_from_object, METH_VARARGS,
     "memoryview_from_object(case, obj)"},
    {"memoryview_from_memory", memoryview_from_memory, METH_VARARGS,
     "memoryview_from_memory(case, size, flags, null)"},
    {"memoryview_from_buffer", memoryview_from_buffer, METH_VARARGS,
     "memoryview_from_buffer(case, index)"},
    {"memoryview_get_contiguous", memoryview_get_contiguous, METH_VARARGS,
     "memoryview_get_contiguous(case, obj, buffertype, order)"},
    {"take", take, METH_NOARGS, "take() -> records"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = STRING(PYBUFFER_EXACT_MODULE),
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC JOIN(PyInit_, PYBUFFER_EXACT_MODULE)(void) {
  records = PyList_New(0);
  if (records == NULL) return NULL;
  PyObject *m = PyModule_Create(&module);
  if (m == NULL) return NULL;
  if (add_exporter_type(m) < 0 ||
      PyModule_AddStringConstant(m, "calls", PYBUFFER_EXACT_TWINS ? "pybuffer" : "own") < 0) {
    Py_DECREF(m);
    return NULL;
  }
  return m;
}
