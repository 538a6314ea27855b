/* The case table of Python 2.7's buffer-object C API (legacy.cases), compiled twice: against
 * CPython 2.7's own headers (PYBUFFER_LEGACY_PORTED 0: libpython2.7's functions, the expected
 * side) and against a CPython 3 host's headers with <pybuffer/legacy.h> (PYBUFFER_LEGACY_PORTED
 * 1: libpybuffer's twins). Each case prints records "case<TAB>key<TAB>value" on stdout and
 * "#case <name>" / "#put <key>" on stderr (the progress tests/pypy/exact/exact.py reads when a
 * side dies); cases named in PYBUFFER_EXACT_SKIP are left out. Values are written so that the
 * same outcome reads the same on both runtimes: exceptions as "Type: message", bytes in hex,
 * the repr's pointers replaced by what they point to.
 */
#include <Python.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "module_init.h"

#if PYBUFFER_LEGACY_PORTED
#include <pybuffer/legacy.h>
#define LEGACY(name) pybuffer_##name
#define TEXT_AS_UTF8 PyUnicode_AsUTF8
#else
#define LEGACY(name) name
#define TEXT_AS_UTF8 PyString_AsString
#endif

static const char *current_case;

static void begin_case(const char *name) {
  current_case = name;
  fprintf(stderr, "#case %s\n", name);
  fflush(stderr);
}

static void put(const char *key, const char *value) {
  fprintf(stderr, "#put %s\n", key);
  fflush(stderr);
  printf("%s\t%s\t%s\n", current_case, key, value);
  fflush(stdout);
}

static void put_long(const char *key, long long value) {
  char text[32];
  snprintf(text, sizeof text, "%lld", value);
  put(key, text);
}

/* The pending exception as "Type: message", cleared. */
static void put_raised(const char *key) {
  PyObject *type, *value, *traceback;
  char text[300];
  PyErr_Fetch(&type, &value, &traceback);
  PyErr_NormalizeException(&type, &value, &traceback);
  PyObject *message = value != NULL ? PyObject_Str(value) : NULL;
  const char *name = type != NULL ? ((PyTypeObject *)type)->tp_name : "(none)";
  /* 2.7 names its built-in exceptions "exceptions.ValueError". */
  if (strrchr(name, '.') != NULL) name = strrchr(name, '.') + 1;
  snprintf(text, sizeof text, "%s: %s", name, message != NULL ? TEXT_AS_UTF8(message) : "?");
  Py_XDECREF(message);
  Py_XDECREF(type);
  Py_XDECREF(value);
  Py_XDECREF(traceback);
  PyErr_Clear();
  put(key, text);
}

static void put_hex(const char *key, const void *bytes, Py_ssize_t length) {
  char text[256];
  Py_ssize_t i;
  text[0] = '\0';
  for (i = 0; i < length && i < 100; ++i) {
    snprintf(text + 2 * i, 3, "%02x", ((const unsigned char *)bytes)[i]);
  }
  put(key, length == 0 ? "(empty)" : text);
}

/* A result that is an object (the repr of it) or the exception. */
static void put_object(const char *key, PyObject *obj) {
  if (obj == NULL) {
    put_raised(key);
    return;
  }
  PyObject *repr = PyObject_Repr(obj);
  put(key, repr != NULL ? TEXT_AS_UTF8(repr) : "?");
  Py_XDECREF(repr);
  Py_DECREF(obj);
}

/* The repr, with its pointers named: "<status buffer for BASE, size N, offset M at SELF>". */
static void put_repr(PyObject *buffer, PyObject *base, void *memory) {
  PyObject *repr = PyObject_Repr(buffer);
  if (repr == NULL) {
    put_raised("repr");
    return;
  }
  const char *text = TEXT_AS_UTF8(repr);
  char status[16], out[200];
  void *target = NULL, *self = NULL;
  long long size = 0, offset = 0;
  if (sscanf(text, "<%15s buffer for %p, size %lld, offset %lld at %p>", status, &target, &size,
             &offset, &self) == 5) {
    snprintf(out, sizeof out, "<%s buffer for %s, size %lld, offset %lld at %s>", status,
             target == (void *)base ? "BASE" : "OTHER", size, offset,
             self == (void *)buffer ? "SELF" : "OTHER");
  } else if (sscanf(text, "<%15s buffer ptr %p, size %lld at %p>", status, &target, &size, &self) ==
             4) {
    snprintf(out, sizeof out, "<%s buffer ptr %s, size %lld at %s>", status,
             target == memory ? "MEMORY" : "OTHER", size,
             self == (void *)buffer ? "SELF" : "OTHER");
  } else {
    snprintf(out, sizeof out, "unparsed: %.150s", text);
  }
  put("repr", out);
  Py_DECREF(repr);
}

/* Everything observable of a buffer just made over `base` (NULL: over `memory`). */
static void describe(PyObject *buffer, PyObject *base, void *memory) {
  Py_buffer view;
  put("type", Py_TYPE(buffer)->tp_name);
  put_long("check", LEGACY(PyBuffer_Check)(buffer));
  put_repr(buffer, base, memory);
  Py_ssize_t length = PyObject_Length(buffer);
  if (length < 0) {
    put_raised("length");
  } else {
    put_long("length", length);
  }
  if (PyObject_GetBuffer(buffer, &view, PyBUF_SIMPLE) != 0) {
    put_raised("simple view");
  } else {
    put_long("simple view len", view.len);
    put_long("simple view readonly", view.readonly);
    if (memory == NULL) {
      put_hex("simple view bytes", view.buf, view.len);
      /* Compared with a bytes object (2.7: str) of the same content. */
      PyObject *same = PyBytes_FromStringAndSize((const char *)view.buf, view.len);
      int equal = same != NULL ? PyObject_RichCompareBool(buffer, same, Py_EQ) : -1;
      if (equal < 0) {
        put_raised("equals its bytes");
      } else {
        put_long("equals its bytes", equal);
      }
      Py_XDECREF(same);
    }
    PyBuffer_Release(&view);
  }
  if (PyObject_GetBuffer(buffer, &view, PyBUF_WRITABLE) != 0) {
    put_raised("writable view");
  } else {
    put_long("writable view len", view.len);
    PyBuffer_Release(&view);
  }
  if (PyObject_Hash(buffer) == -1 && PyErr_Occurred()) {
    put_raised("hash");
  } else {
    put("hash", "ok");
  }
  if (length > 0 && memory == NULL) {
    put_object("item 0", PySequence_GetItem(buffer, 0));
    put_object("slice 1:3", PySequence_GetSlice(buffer, 1, 3));
  }
}

/* One constructor call over an object: the outcome, the buffer's behaviour, and the base's
   reference count while the buffer lives and after (`base` is where the buffer should point). */
typedef PyObject *(*from_object_fn)(PyObject *, Py_ssize_t, Py_ssize_t);

static void object_case(from_object_fn make, PyObject *arg, PyObject *base, Py_ssize_t offset,
                        Py_ssize_t size) {
  Py_ssize_t before = Py_REFCNT(base);
  PyObject *buffer = make(arg, offset, size);
  if (buffer == NULL) {
    put_raised("made");
    put_long("base refs", Py_REFCNT(base) - before);
    return;
  }
  put("made", "buffer");
  put_long("base refs held", Py_REFCNT(base) - before);
  describe(buffer, base, NULL);
  Py_DECREF(buffer);
#if defined(PYPY_VERSION)
  /* PyPy frees a C-API object's last reference at its next collection, not at once. */
  {
    PyObject *gc = PyImport_ImportModule("gc");
    PyObject *collected = gc != NULL ? PyObject_CallMethod(gc, "collect", NULL) : NULL;
    Py_XDECREF(collected);
    Py_XDECREF(gc);
  }
#endif
  put_long("base refs after", Py_REFCNT(base) - before);
}

static int skipped(const char *name) {
  const char *skip = getenv("PYBUFFER_EXACT_SKIP");
  size_t n = strlen(name);
  while (skip != NULL && *skip != '\0') {
    const char *end = strchr(skip, '\n');
    size_t len = end != NULL ? (size_t)(end - skip) : strlen(skip);
    if (len == n && strncmp(skip, name, n) == 0) return 1;
    skip = end != NULL ? end + 1 : NULL;
  }
  return 0;
}

static const Py_ssize_t offsets[] = {0, 2, 11, 20, -1};
static const Py_ssize_t sizes[] = {Py_END_OF_BUFFER, 0, 3, 9, 20, -2};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void run_object_cases(const char *kind, PyObject *base) {
  static const struct {
    const char *name;
    from_object_fn make;
  } makers[] = {{"FromObject", LEGACY(PyBuffer_FromObject)},
                {"FromReadWriteObject", LEGACY(PyBuffer_FromReadWriteObject)}};
  size_t m, o, s;
  char name[200];
  for (m = 0; m < COUNT(makers); ++m) {
    for (o = 0; o < COUNT(offsets); ++o) {
      for (s = 0; s < COUNT(sizes); ++s) {
        snprintf(name, sizeof name, "%s %s offset %zd size %zd", makers[m].name, kind, offsets[o],
                 sizes[s]);
        if (skipped(name)) continue;
        begin_case(name);
        object_case(makers[m].make, base, base, offsets[o], sizes[s]);
      }
    }
  }
}

/* A buffer of a buffer over `base`: it refers to `base` itself. The outer buffer is also
   read-write where the base is writable. */
static void run_nested_cases(const char *kind, PyObject *base, int writable) {
  static const Py_ssize_t outer[][2] = {{0, Py_END_OF_BUFFER},
                                        {2, Py_END_OF_BUFFER},
                                        {2, 5},
                                        {3, 0},
                                        {20, 4},
                                        {PY_SSIZE_T_MAX, Py_END_OF_BUFFER}};
  size_t k, o, s, rw;
  char name[200];
  for (rw = 0; rw <= (size_t)writable; ++rw) {
    for (k = 0; k < COUNT(outer); ++k) {
      PyObject *first = rw ? LEGACY(PyBuffer_FromReadWriteObject)(base, outer[k][0], outer[k][1])
                           : LEGACY(PyBuffer_FromObject)(base, outer[k][0], outer[k][1]);
      if (first == NULL) {
        PyErr_Clear();
        continue;
      }
      for (o = 0; o < COUNT(offsets); ++o) {
        for (s = 0; s < COUNT(sizes); ++s) {
          snprintf(name, sizeof name, "FromObject of %s buffer(%s, %zd, %zd) offset %zd size %zd",
                   rw ? "read-write" : "read-only", kind, outer[k][0], outer[k][1], offsets[o],
                   sizes[s]);
          if (skipped(name)) continue;
          begin_case(name);
          object_case(LEGACY(PyBuffer_FromObject), first, base, offsets[o], sizes[s]);
        }
      }
      Py_DECREF(first);
    }
  }
}

static char memory[] = "0123456789";

static void run_memory_cases(void) {
  static const Py_ssize_t memory_sizes[] = {0, 5, -2};
  size_t s, rw;
  char name[200];
  for (rw = 0; rw < 2; ++rw) {
    for (s = 0; s < COUNT(memory_sizes); ++s) {
      snprintf(name, sizeof name, "%s size %zd", rw ? "FromReadWriteMemory" : "FromMemory",
               memory_sizes[s]);
      if (skipped(name)) continue;
      begin_case(name);
      PyObject *buffer = rw ? LEGACY(PyBuffer_FromReadWriteMemory)(memory, memory_sizes[s])
                            : LEGACY(PyBuffer_FromMemory)(memory, memory_sizes[s]);
      if (buffer == NULL) {
        put_raised("made");
        continue;
      }
      put("made", "buffer");
      describe(buffer, NULL, memory);
      Py_buffer view;
      if (PyObject_GetBuffer(buffer, &view, PyBUF_SIMPLE) == 0) {
        put_long("points at the memory", view.buf == (void *)memory);
        PyBuffer_Release(&view);
      }
      Py_DECREF(buffer);
    }
  }
  /* Only the construction: 2.7 reads through the pointer at the first access, and a length
     of -1 (Py_END_OF_BUFFER) makes its len() fail. */
  static const struct {
    const char *name;
    void *ptr;
    Py_ssize_t size;
  } made_only[] = {{"FromMemory NULL size 0", NULL, 0},
                   {"FromMemory NULL size 5", NULL, 5},
                   {"FromMemory size END_OF_BUFFER", memory, Py_END_OF_BUFFER}};
  for (s = 0; s < COUNT(made_only); ++s) {
    if (skipped(made_only[s].name)) continue;
    begin_case(made_only[s].name);
    PyObject *buffer = LEGACY(PyBuffer_FromMemory)(made_only[s].ptr, made_only[s].size);
    if (buffer == NULL) {
      put_raised("made");
    } else {
      put("made", "buffer");
      Py_DECREF(buffer);
    }
  }
}

static void run_new_cases(void) {
  static const Py_ssize_t new_sizes[] = {0, 7, -1, PY_SSIZE_T_MAX, PY_SSIZE_T_MAX - 100};
  size_t s;
  char name[100];
  for (s = 0; s < COUNT(new_sizes); ++s) {
    snprintf(name, sizeof name, "New size %zd", new_sizes[s]);
    if (skipped(name)) continue;
    begin_case(name);
    PyObject *buffer = LEGACY(PyBuffer_New)(new_sizes[s]);
    if (buffer == NULL) {
      put_raised("made");
      continue;
    }
    put("made", "buffer");
    /* 2.7's memory is uninitialised: its bytes are not compared (memory != NULL). */
    describe(buffer, NULL, (void *)buffer);
    Py_DECREF(buffer);
  }
}

static PyObject *run(PyObject *self, PyObject *unused) {
  (void)self;
  (void)unused;
  PyObject *text = PyBytes_FromString("hello world");
  PyObject *bytearray = PyByteArray_FromStringAndSize("abcdefghijklmnop", 16);
  PyObject *number = PyLong_FromLong(12345);
  if (text == NULL || bytearray == NULL || number == NULL) return NULL;
  run_object_cases("bytes", text);
  run_object_cases("bytearray", bytearray);
  run_object_cases("int", number);
  run_nested_cases("bytes", text, 0);
  run_nested_cases("bytearray", bytearray, 1);
  run_memory_cases();
  run_new_cases();
  Py_DECREF(text);
  Py_DECREF(bytearray);
  Py_DECREF(number);
  Py_RETURN_NONE;
}

static PyMethodDef methods[] = {{"run", run, METH_NOARGS, "Runs every case, printing records."},
                                {NULL, NULL, 0, NULL}};

PYBUFFER_LEGACY_MODULE_INIT(methods)
