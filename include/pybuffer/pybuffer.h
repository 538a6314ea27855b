/* pybuffer: CPython's buffer-protocol C functions, reimplemented with CPython's ABI.
 *
 * Every function exists twice:
 *   - under CPython's own name (PyObject_GetBuffer, ...), so that a host which links
 *     libpybuffer ahead of libpython, or preloads it, is served by pybuffer;
 *   - under the namespaced twin pybuffer_<CPython name> (pybuffer_PyObject_GetBuffer, ...),
 *     so that code loaded into a CPython whose own functions win symbol lookup can still
 *     call pybuffer explicitly.
 *
 * Include <Python.h> before this header when you use both in one translation unit: the
 * header then reuses CPython's Py_buffer and PyBUF_* and checks at compile time that they
 * match its own copy. Without <Python.h> it defines them itself, identically.
 */
#ifndef PYBUFFER_PYBUFFER_H
#define PYBUFFER_PYBUFFER_H

#include <stddef.h>
#include <sys/types.h>

#define PYBUFFER_VERSION_MAJOR 0
#define PYBUFFER_VERSION_MINOR 1
#define PYBUFFER_VERSION_PATCH 0
#define PYBUFFER_VERSION_NUMBER \
  (PYBUFFER_VERSION_MAJOR * 10000 + PYBUFFER_VERSION_MINOR * 100 + PYBUFFER_VERSION_PATCH)

#if defined(_WIN32)
#define PYBUFFER_API
#else
#define PYBUFFER_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* pybuffer's own copy of the buffer structure and request flags, always defined under
   private names so that it can be compared with CPython's when both are present. */
struct pybuffer_layout_mirror {
  void *buf;
  struct _object *obj;
  ssize_t len;
  ssize_t itemsize;
  int readonly;
  int ndim;
  char *format;
  ssize_t *shape;
  ssize_t *strides;
  ssize_t *suboffsets;
  void *internal;
};

#define PYBUFFER_MAX_NDIM 64
#define PYBUFFER_BUF_SIMPLE 0
#define PYBUFFER_BUF_WRITABLE 0x0001
#define PYBUFFER_BUF_FORMAT 0x0004
#define PYBUFFER_BUF_ND 0x0008
#define PYBUFFER_BUF_STRIDES (0x0010 | PYBUFFER_BUF_ND)
#define PYBUFFER_BUF_C_CONTIGUOUS (0x0020 | PYBUFFER_BUF_STRIDES)
#define PYBUFFER_BUF_F_CONTIGUOUS (0x0040 | PYBUFFER_BUF_STRIDES)
#define PYBUFFER_BUF_ANY_CONTIGUOUS (0x0080 | PYBUFFER_BUF_STRIDES)
#define PYBUFFER_BUF_INDIRECT (0x0100 | PYBUFFER_BUF_STRIDES)
#define PYBUFFER_BUF_READ 0x100
#define PYBUFFER_BUF_WRITE 0x200

#if defined(Py_PYTHON_H)

#if defined(__cplusplus)
#define PYBUFFER_STATIC_ASSERT(c, m) static_assert(c, m)
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#define PYBUFFER_STATIC_ASSERT(c, m) _Static_assert(c, m)
#else
#define PYBUFFER_STATIC_ASSERT(c, m)
#endif
#define PYBUFFER_SAME_FIELD(f)                                                            \
  PYBUFFER_STATIC_ASSERT(                                                                 \
      offsetof(Py_buffer, f) == offsetof(struct pybuffer_layout_mirror, f) &&             \
          sizeof(((Py_buffer *)0)->f) == sizeof(((struct pybuffer_layout_mirror *)0)->f), \
      "Py_buffer." #f " differs from pybuffer's layout")
PYBUFFER_STATIC_ASSERT(sizeof(Py_buffer) == sizeof(struct pybuffer_layout_mirror),
                       "sizeof(Py_buffer) differs from pybuffer's layout");
PYBUFFER_SAME_FIELD(buf);
PYBUFFER_SAME_FIELD(obj);
PYBUFFER_SAME_FIELD(len);
PYBUFFER_SAME_FIELD(itemsize);
PYBUFFER_SAME_FIELD(readonly);
PYBUFFER_SAME_FIELD(ndim);
PYBUFFER_SAME_FIELD(format);
PYBUFFER_SAME_FIELD(shape);
PYBUFFER_SAME_FIELD(strides);
PYBUFFER_SAME_FIELD(suboffsets);
PYBUFFER_SAME_FIELD(internal);
PYBUFFER_STATIC_ASSERT(PyBUF_MAX_NDIM == PYBUFFER_MAX_NDIM, "PyBUF_MAX_NDIM differs");
PYBUFFER_STATIC_ASSERT(PyBUF_SIMPLE == PYBUFFER_BUF_SIMPLE, "PyBUF_SIMPLE differs");
PYBUFFER_STATIC_ASSERT(PyBUF_WRITABLE == PYBUFFER_BUF_WRITABLE, "PyBUF_WRITABLE differs");
PYBUFFER_STATIC_ASSERT(PyBUF_FORMAT == PYBUFFER_BUF_FORMAT, "PyBUF_FORMAT differs");
PYBUFFER_STATIC_ASSERT(PyBUF_ND == PYBUFFER_BUF_ND, "PyBUF_ND differs");
PYBUFFER_STATIC_ASSERT(PyBUF_STRIDES == PYBUFFER_BUF_STRIDES, "PyBUF_STRIDES differs");
PYBUFFER_STATIC_ASSERT(PyBUF_C_CONTIGUOUS == PYBUFFER_BUF_C_CONTIGUOUS, "PyBUF_C_CONTIGUOUS");
PYBUFFER_STATIC_ASSERT(PyBUF_F_CONTIGUOUS == PYBUFFER_BUF_F_CONTIGUOUS, "PyBUF_F_CONTIGUOUS");
PYBUFFER_STATIC_ASSERT(PyBUF_ANY_CONTIGUOUS == PYBUFFER_BUF_ANY_CONTIGUOUS, "ANY_CONTIGUOUS");
PYBUFFER_STATIC_ASSERT(PyBUF_INDIRECT == PYBUFFER_BUF_INDIRECT, "PyBUF_INDIRECT differs");
PYBUFFER_STATIC_ASSERT(PyBUF_READ == PYBUFFER_BUF_READ, "PyBUF_READ differs");
PYBUFFER_STATIC_ASSERT(PyBUF_WRITE == PYBUFFER_BUF_WRITE, "PyBUF_WRITE differs");
PYBUFFER_STATIC_ASSERT(sizeof(Py_ssize_t) == sizeof(ssize_t), "Py_ssize_t differs");
#undef PYBUFFER_SAME_FIELD

#else /* no Python.h: define CPython's names exactly as its headers do */

typedef ssize_t Py_ssize_t;
typedef struct _object PyObject;
typedef struct {
  void *buf;
  PyObject *obj;
  Py_ssize_t len;
  Py_ssize_t itemsize;
  int readonly;
  int ndim;
  char *format;
  Py_ssize_t *shape;
  Py_ssize_t *strides;
  Py_ssize_t *suboffsets;
  void *internal;
} Py_buffer;

#define PyBUF_MAX_NDIM PYBUFFER_MAX_NDIM
#define PyBUF_SIMPLE PYBUFFER_BUF_SIMPLE
#define PyBUF_WRITABLE PYBUFFER_BUF_WRITABLE
#define PyBUF_WRITEABLE PyBUF_WRITABLE
#define PyBUF_FORMAT PYBUFFER_BUF_FORMAT
#define PyBUF_ND PYBUFFER_BUF_ND
#define PyBUF_STRIDES PYBUFFER_BUF_STRIDES
#define PyBUF_C_CONTIGUOUS PYBUFFER_BUF_C_CONTIGUOUS
#define PyBUF_F_CONTIGUOUS PYBUFFER_BUF_F_CONTIGUOUS
#define PyBUF_ANY_CONTIGUOUS PYBUFFER_BUF_ANY_CONTIGUOUS
#define PyBUF_INDIRECT PYBUFFER_BUF_INDIRECT
#define PyBUF_CONTIG (PyBUF_ND | PyBUF_WRITABLE)
#define PyBUF_CONTIG_RO (PyBUF_ND)
#define PyBUF_STRIDED (PyBUF_STRIDES | PyBUF_WRITABLE)
#define PyBUF_STRIDED_RO (PyBUF_STRIDES)
#define PyBUF_RECORDS (PyBUF_STRIDES | PyBUF_WRITABLE | PyBUF_FORMAT)
#define PyBUF_RECORDS_RO (PyBUF_STRIDES | PyBUF_FORMAT)
#define PyBUF_FULL (PyBUF_INDIRECT | PyBUF_WRITABLE | PyBUF_FORMAT)
#define PyBUF_FULL_RO (PyBUF_INDIRECT | PyBUF_FORMAT)
#define PyBUF_READ PYBUFFER_BUF_READ
#define PyBUF_WRITE PYBUFFER_BUF_WRITE

#endif /* Py_PYTHON_H */

/* PYBUFFER_FUNCTIONS(X) lists every function of the CPython ABI that pybuffer provides:
   X(return type, CPython name, parameter list, argument list). The namespaced twins, the
   plain names and the library's entry points are all generated from this one table. The
   PyMemoryView_* rows return the running interpreter's own memoryview objects. */
#define PYBUFFER_FUNCTIONS(X)                                                                      \
  X(int, PyObject_CheckBuffer, (PyObject * obj), (obj))                                            \
  X(int, PyObject_GetBuffer, (PyObject * obj, Py_buffer * view, int flags), (obj, view, flags))    \
  X(void, PyBuffer_Release, (Py_buffer * view), (view))                                            \
  X(int, PyBuffer_IsContiguous, (const Py_buffer *view, char order), (view, order))                \
  X(void *, PyBuffer_GetPointer, (const Py_buffer *view, const Py_ssize_t *indices),               \
    (view, indices))                                                                               \
  X(void, PyBuffer_FillContiguousStrides,                                                          \
    (int ndims, Py_ssize_t *shape, Py_ssize_t *strides, int itemsize, char order),                 \
    (ndims, shape, strides, itemsize, order))                                                      \
  X(int, PyBuffer_FillInfo,                                                                        \
    (Py_buffer * view, PyObject * o, void *buf, Py_ssize_t len, int readonly, int flags),          \
    (view, o, buf, len, readonly, flags))                                                          \
  X(Py_ssize_t, PyBuffer_SizeFromFormat, (const char *format), (format))                           \
  X(int, PyBuffer_ToContiguous, (void *buf, const Py_buffer *view, Py_ssize_t len, char order),    \
    (buf, view, len, order))                                                                       \
  X(int, PyBuffer_FromContiguous,                                                                  \
    (const Py_buffer *view, const void *buf, Py_ssize_t len, char order), (view, buf, len, order)) \
  X(int, PyObject_CopyData, (PyObject * dest, PyObject * src), (dest, src))                        \
  X(int, PyObject_AsCharBuffer, (PyObject * obj, const char **buffer, Py_ssize_t *buffer_len),     \
    (obj, buffer, buffer_len))                                                                     \
  X(int, PyObject_AsReadBuffer, (PyObject * obj, const void **buffer, Py_ssize_t *buffer_len),     \
    (obj, buffer, buffer_len))                                                                     \
  X(int, PyObject_AsWriteBuffer, (PyObject * obj, void **buffer, Py_ssize_t *buffer_len),          \
    (obj, buffer, buffer_len))                                                                     \
  X(int, PyObject_CheckReadBuffer, (PyObject * obj), (obj))                                        \
  X(PyObject *, PyMemoryView_FromObject, (PyObject * obj), (obj))                                  \
  X(PyObject *, PyMemoryView_FromMemory, (char *mem, Py_ssize_t size, int flags),                  \
    (mem, size, flags))                                                                            \
  X(PyObject *, PyMemoryView_FromBuffer, (const Py_buffer *info), (info))                          \
  X(PyObject *, PyMemoryView_GetContiguous, (PyObject * base, int buffertype, char order),         \
    (base, buffertype, order))

#define PYBUFFER_DECLARE_TWIN(ret, name, params, args) PYBUFFER_API ret pybuffer_##name params;
PYBUFFER_FUNCTIONS(PYBUFFER_DECLARE_TWIN)
#undef PYBUFFER_DECLARE_TWIN

#if !defined(Py_PYTHON_H)
/* Without Python.h nothing declares the plain names; with it, CPython's own declarations
   stand (3.9/3.10 spell some parameters without const, which must not be contradicted). */
#define PYBUFFER_DECLARE_PLAIN(ret, name, params, args) PYBUFFER_API ret name params;
PYBUFFER_FUNCTIONS(PYBUFFER_DECLARE_PLAIN)
#undef PYBUFFER_DECLARE_PLAIN
#endif

/* The library's version as "MAJOR.MINOR.PATCH", for comparison with the header macros. */
PYBUFFER_API const char *pybuffer_version(void);

/* The version of the interpreter serving this process, as PY_VERSION_HEX would give it
   (0x030B02F0 for 3.11.2), read once from the running host's Py_GetVersion(). */
PYBUFFER_API unsigned long pybuffer_host_version_hex(void);

/* ---------------------------------------------------------------------------------------
 * pybuffer extension, not part of CPython's API: the format engine's own entry point.
 *
 * pybuffer_format_info() measures a buffer format string. It never calls the interpreter,
 * never sets a Python exception, allocates nothing and may be called without the GIL;
 * failures are reported through `out`. PyBuffer_SizeFromFormat is the same engine in
 * PYBUFFER_FORMAT_STRUCT mode, with the failure raised as the host's exception.
 * ------------------------------------------------------------------------------------- */

/* Modes (the `flags` argument). */
/* The struct module's syntax, answering exactly as struct.calcsize of the running host. */
#define PYBUFFER_FORMAT_STRUCT 0
/* PEP 3118 (T{...}, :name:, (shape), &, Z, O, g, w, u, z, ^, mid-string byte orders),
   laid out by NumPy's rules: under '@' items are aligned and structs padded to their
   alignment, so "ic" is 8 bytes here while struct.calcsize says 5. */
#define PYBUFFER_FORMAT_PEP3118 1

/* pybuffer_format_result.error. Codes 1-5 are the failures PyBuffer_SizeFromFormat raises
   as the exceptions named, in that order of precedence. */
#define PYBUFFER_FORMAT_OK 0
/* Not UTF-8: UnicodeDecodeError. */
#define PYBUFFER_FORMAT_ERROR_NOT_UTF8 1
/* UTF-8 but not ASCII (struct mode only): UnicodeEncodeError. */
#define PYBUFFER_FORMAT_ERROR_NOT_ASCII 2
/* struct.error "bad char in struct format". */
#define PYBUFFER_FORMAT_ERROR_BAD_CHAR 3
/* struct.error "repeat count given without format specifier". */
#define PYBUFFER_FORMAT_ERROR_COUNT_WITHOUT_CODE 4
/* struct.error "total struct size too long": the size exceeds Py_ssize_t. */
#define PYBUFFER_FORMAT_ERROR_TOO_LONG 5
/* PEP 3118 mode: unbalanced T{ }, malformed (shape), :name without its closing ':'. */
#define PYBUFFER_FORMAT_ERROR_SYNTAX 6
/* PEP 3118 mode: valid but without a size ('t' bit fields, 'X{}' function pointers). */
#define PYBUFFER_FORMAT_ERROR_UNSUPPORTED 7
/* PEP 3118 mode: T{ or & nested more than 64 deep. */
#define PYBUFFER_FORMAT_ERROR_TOO_DEEP 8
/* format is NULL. */
#define PYBUFFER_FORMAT_ERROR_NULL 9
/* flags is not one of the modes above. */
#define PYBUFFER_FORMAT_ERROR_FLAGS 10

typedef struct pybuffer_format_result {
  Py_ssize_t itemsize;     /* bytes of one item; -1 on failure */
  Py_ssize_t alignment;    /* largest native alignment applied ('@' items), 1 if none */
  Py_ssize_t error_offset; /* byte offset in format where the failure was found, else -1 */
  int error;               /* PYBUFFER_FORMAT_OK or PYBUFFER_FORMAT_ERROR_* */
} pybuffer_format_result;

/* Returns the itemsize, or -1 on failure. `out` may be NULL when only the size matters. */
PYBUFFER_API Py_ssize_t pybuffer_format_info(const char *format, int flags,
                                             pybuffer_format_result *out);

#ifdef __cplusplus
}
#endif

#endif /* PYBUFFER_PYBUFFER_H */
