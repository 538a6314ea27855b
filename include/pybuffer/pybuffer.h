/** @file pybuffer.h
 * @brief pybuffer: CPython's buffer-protocol C functions, reimplemented with CPython's ABI.
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
 *
 * The API reference (docs/, `cmake --build <tree> --target pybuffer-docs`) is rendered from
 * the comments in this file that open with a second asterisk.
 *
 * PyPy: after PyPy's <Python.h> (PYPY_VERSION defined) the header checks PyPy's longer
 * Py_buffer instead, and declares the functions PyPy's headers lack (PyObject_CopyData,
 * PyBuffer_FillContiguousStrides, PyBuffer_SizeFromFormat) under PyPy's spelling of their
 * names, mapped as PyPy maps its own: link the PyPy variant, libpybuffer-pypy39.
 *
 * CPython 2.7: after 2.7's <Python.h> the header checks 2.7's Py_buffer (with smalltable[2]);
 * link the 2.7 variant, libpybuffer-py27, which defines only the functions 2.7's abstract.c
 * has (README, "CPython 2.7").
 */
#ifndef PYBUFFER_PYBUFFER_H
#define PYBUFFER_PYBUFFER_H

#include <stddef.h>
#include <sys/types.h>

/** @name Version
 * The library's version, written only here: CMake reads it for the project, the SONAME
 * (libpybuffer.so.MAJOR) and the package files. pybuffer_version() reports the library's.
 * @{ */
/** Incompatible ABI changes; the SONAME's number */
#define PYBUFFER_VERSION_MAJOR 0
/** Compatible additions */
#define PYBUFFER_VERSION_MINOR 1
/** Fixes */
#define PYBUFFER_VERSION_PATCH 0
/** MAJOR * 10000 + MINOR * 100 + PATCH, for comparisons in the preprocessor */
#define PYBUFFER_VERSION_NUMBER \
  (PYBUFFER_VERSION_MAJOR * 10000 + PYBUFFER_VERSION_MINOR * 100 + PYBUFFER_VERSION_PATCH)
/** @} */

/** Marks the functions the library exports; everything else in it is hidden. */
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
#if defined(PY_MAJOR_VERSION) && PY_MAJOR_VERSION == 2
  /* CPython 2.7's static store for a one-dimensional shape and strides (its object.h). */
  ssize_t smalltable[2];
#endif
  void *internal;
#if defined(PYPY_VERSION)
  /* PyPy's own fields (cpyext_object.h), after CPython's. */
  int flags;
  ssize_t _strides[36];
  ssize_t _shape[36];
#endif
};

/** @name pybuffer's names for CPython's constants
 * The values of PyBUF_MAX_NDIM and the PyBUF_* request flags, under names of pybuffer's own
 * that exist with or without <Python.h>.
 * @{ */
/** The value of CPython's namesake without PYBUFFER_ (PyBUF_MAX_NDIM, PyBUF_SIMPLE, ...). */
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
/** @} */

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
#if defined(PYPY_VERSION)
PYBUFFER_SAME_FIELD(flags);
PYBUFFER_SAME_FIELD(_strides);
PYBUFFER_SAME_FIELD(_shape);
#elif PY_MAJOR_VERSION == 2 /* 2.7 has no PyBUF_MAX_NDIM */
PYBUFFER_SAME_FIELD(smalltable);
#else
PYBUFFER_STATIC_ASSERT(PyBUF_MAX_NDIM == PYBUFFER_MAX_NDIM, "PyBUF_MAX_NDIM differs");
#endif
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

/** CPython's signed size type. */
typedef ssize_t Py_ssize_t;
/** A Python object; only pointers to it are used. */
typedef struct _object PyObject;
/** CPython's buffer view, field for field (the buffer protocol's documentation says what
    each holds and who owns it). */
typedef struct {
  void *buf;              /**< start of the memory the view describes */
  PyObject *obj;          /**< the exporter, a new reference; NULL for a bare view */
  Py_ssize_t len;         /**< bytes in the view: product(shape) * itemsize */
  Py_ssize_t itemsize;    /**< bytes of one item */
  int readonly;           /**< nonzero if the memory must not be written */
  int ndim;               /**< number of dimensions, 0..PyBUF_MAX_NDIM */
  char *format;           /**< struct-syntax item format, or NULL for "B" */
  Py_ssize_t *shape;      /**< ndim extents, or NULL */
  Py_ssize_t *strides;    /**< ndim byte steps (may be negative), or NULL for C order */
  Py_ssize_t *suboffsets; /**< ndim PIL-style offsets (negative: none), or NULL */
  void *internal;         /**< the exporter's own */
} Py_buffer;

/** @name CPython's request flags and limits
 * Defined here only without <Python.h>, with CPython's values.
 * @{ */
/** CPython's value; the buffer protocol's documentation says what each flag requests. */
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
/** @} */

#endif /* Py_PYTHON_H */

/** PYBUFFER_FUNCTIONS(X) lists every function of the CPython ABI that pybuffer provides:
    X(return type, CPython name, parameter list, argument list). The namespaced twins, the
    plain names and the library's entry points are all generated from this table: the
    functions of 2.7's abstract.c (PYBUFFER_PY27_FUNCTIONS), then those only the Python 3
    variants provide (PYBUFFER_PY3_FUNCTIONS). */
#define PYBUFFER_FUNCTIONS(X) PYBUFFER_PY27_FUNCTIONS(X) PYBUFFER_PY3_FUNCTIONS(X)

/** The buffer functions CPython 2.7's abstract.c exports and every CPython 3 kept: all that
    the 2.7 variant, libpybuffer-py27, provides of PYBUFFER_FUNCTIONS. */
#define PYBUFFER_PY27_FUNCTIONS(X)                                                                 \
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
  X(int, PyObject_CheckReadBuffer, (PyObject * obj), (obj))

/** The functions only the Python 3 variants provide: PyObject_CheckBuffer (a macro in 2.7),
    PyBuffer_SizeFromFormat (declared by 2.7's abstract.h, defined only since 3.9) and the
    PyMemoryView_* constructors, which return the running interpreter's own memoryview
    objects (the three 2.7's memoryobject.c has stay libpython2.7's). */
#define PYBUFFER_PY3_FUNCTIONS(X)                                                          \
  X(int, PyObject_CheckBuffer, (PyObject * obj), (obj))                                    \
  X(Py_ssize_t, PyBuffer_SizeFromFormat, (const char *format), (format))                   \
  X(PyObject *, PyMemoryView_FromObject, (PyObject * obj), (obj))                          \
  X(PyObject *, PyMemoryView_FromMemory, (char *mem, Py_ssize_t size, int flags),          \
    (mem, size, flags))                                                                    \
  X(PyObject *, PyMemoryView_FromBuffer, (const Py_buffer *info), (info))                  \
  X(PyObject *, PyMemoryView_GetContiguous, (PyObject * base, int buffertype, char order), \
    (base, buffertype, order))

#define PYBUFFER_DECLARE_TWIN(ret, name, params, args) PYBUFFER_API ret pybuffer_##name params;
#if defined(Py_PYTHON_H) && PY_MAJOR_VERSION == 2
/* With CPython 2.7's headers (libpybuffer-py27): the twins of what that variant exports. */
PYBUFFER_PY27_FUNCTIONS(PYBUFFER_DECLARE_TWIN)
#else
PYBUFFER_FUNCTIONS(PYBUFFER_DECLARE_TWIN)
#endif
#undef PYBUFFER_DECLARE_TWIN

#if !defined(Py_PYTHON_H)
/* Without Python.h nothing declares the plain names; with it, CPython's own declarations
   stand (3.9/3.10 spell some parameters without const, which must not be contradicted). */
#define PYBUFFER_DECLARE_PLAIN(ret, name, params, args) PYBUFFER_API ret name params;
PYBUFFER_FUNCTIONS(PYBUFFER_DECLARE_PLAIN)
#undef PYBUFFER_DECLARE_PLAIN
#elif defined(PYPY_VERSION)
/* PyPy's headers declare the other functions under macros that add its prefix
   (PyObject_GetBuffer is PyPyObject_GetBuffer); these three they lack, and the PyPy variant
   exports them under the same kind of name. Each stays PyPy's own if a PyPy declares it. */
#if !defined(PyObject_CopyData)
#define PyObject_CopyData PyPyObject_CopyData
PYBUFFER_API int PyObject_CopyData(PyObject *dest, PyObject *src);
#endif
#if !defined(PyBuffer_FillContiguousStrides)
#define PyBuffer_FillContiguousStrides PyPyBuffer_FillContiguousStrides
PYBUFFER_API void PyBuffer_FillContiguousStrides(int ndims, Py_ssize_t *shape, Py_ssize_t *strides,
                                                 int itemsize, char order);
#endif
#if !defined(PyBuffer_SizeFromFormat)
#define PyBuffer_SizeFromFormat PyPyBuffer_SizeFromFormat
PYBUFFER_API Py_ssize_t PyBuffer_SizeFromFormat(const char *format);
#endif
#endif

/* The functions of PYBUFFER_FUNCTIONS, for the API reference: each behaves as the host
   CPython's, except where CPython would crash or touch memory outside a view (the
   reference's "Deliberate differences" page). Each has its twin pybuffer_<name>. */
/** @fn int PyObject_CheckBuffer(PyObject *obj)
    Returns 1 if @p obj's type exports buffers, else 0 (also for NULL). */
/** @fn int PyObject_GetBuffer(PyObject *obj, Py_buffer *view, int flags)
    Asks @p obj for a view as @p flags (PyBUF_*) requests it. Returns 0 with @p view filled
    and a new reference in view->obj, or -1 with an exception set (BufferError for a refused
    request, TypeError for a non-exporter). On 3.13+ hosts PyBUF_READ and PyBUF_WRITE raise
    SystemError, decided at run time. */
/** @fn void PyBuffer_Release(Py_buffer *view)
    Releases a view obtained from PyObject_GetBuffer(): calls the exporter's release slot and
    drops view->obj. A NULL @p view is a no-op. */
/** @fn int PyBuffer_IsContiguous(const Py_buffer *view, char order)
    Returns 1 if @p view is contiguous in @p order ('C', 'F' or 'A' for either), else 0;
    0 also for a view it cannot judge. */
/** @fn void *PyBuffer_GetPointer(const Py_buffer *view, const Py_ssize_t *indices)
    Returns the address of the item at @p indices (view->ndim of them), following strides
    and suboffsets; NULL with an exception for an index outside the shape. */
/** @fn void PyBuffer_FillContiguousStrides(int, Py_ssize_t *, Py_ssize_t *, int, char)
    (ndims, shape, strides, itemsize, order): writes into @p strides the strides of a
    contiguous array of @p ndims extents @p shape, items of @p itemsize bytes, in @p order
    ('C', else Fortran). Sets ValueError and writes nothing when they cannot be represented. */
/** @fn int PyBuffer_FillInfo(Py_buffer *, PyObject *, void *, Py_ssize_t, int, int)
    (view, o, buf, len, readonly, flags): fills @p view as a one-dimensional byte view of
    @p len bytes at @p buf, exported by @p o (which may be NULL), for an exporter's getbuffer
    slot. Returns 0, or -1 with BufferError when @p flags asks to write a read-only buffer. */
/** @fn Py_ssize_t PyBuffer_SizeFromFormat(const char *format)
    Returns struct.calcsize(@p format) as the host computes it, or -1 with the host's
    exception; without calling the interpreter on success. Also on 3.8 hosts, which lack it. */
/** @fn int PyBuffer_ToContiguous(void *buf, const Py_buffer *view, Py_ssize_t len, char order)
    Copies @p len bytes of @p view's items into @p buf, laid out contiguously in @p order
    ('C', 'F' or 'A'). Returns 0, or -1 with an exception. */
/** @fn int PyBuffer_FromContiguous(const Py_buffer *, const void *, Py_ssize_t, char)
    (view, buf, len, order): copies @p len bytes from @p buf, contiguous in @p order, into
    @p view's items. Returns 0, or -1 with an exception. */
/** @fn int PyObject_CopyData(PyObject *dest, PyObject *src)
    Copies the items of @p src into @p dest, two exporters of the same shape. Returns 0, or
    -1 with an exception. Overlapping views give the result of a copy through a temporary. */
/** @fn int PyObject_AsCharBuffer(PyObject *obj, const char **buffer, Py_ssize_t *buffer_len)
    Legacy (ABI-only in 3.13): a read-only simple view's address and length, released at
    once. Returns 0, or -1 with an exception. */
/** @fn int PyObject_AsReadBuffer(PyObject *obj, const void **buffer, Py_ssize_t *buffer_len)
    Legacy: as PyObject_AsCharBuffer(). */
/** @fn int PyObject_AsWriteBuffer(PyObject *obj, void **buffer, Py_ssize_t *buffer_len)
    Legacy: as PyObject_AsCharBuffer(), for a writable view. */
/** @fn int PyObject_CheckReadBuffer(PyObject *obj)
    Legacy: returns 1 if @p obj gives a simple view, else 0 (the exception cleared). */
/** @fn PyObject *PyMemoryView_FromObject(PyObject *obj)
    Returns a new reference to the host's own memoryview of @p obj (a full read-only view of
    its buffer), or NULL with TypeError for an object without the buffer protocol. */
/** @fn PyObject *PyMemoryView_FromMemory(char *mem, Py_ssize_t size, int flags)
    Returns a host memoryview of the @p size bytes at @p mem, read-only for PyBUF_READ and
    writable for PyBUF_WRITE @p flags; the memory must outlive the view (its obj is None). */
/** @fn PyObject *PyMemoryView_FromBuffer(const Py_buffer *info)
    Returns a host memoryview of the memory @p info describes (format, shape, strides and
    suboffsets copied; no object owns it: obj is None). */
/** @fn PyObject *PyMemoryView_GetContiguous(PyObject *base, int buffertype, char order)
    Returns a host memoryview of @p base itself when its buffer is contiguous in @p order
    ('C', 'F' or 'A'), else (for PyBUF_READ @p buffertype) a read-only packed copy in that
    order made by the copy engine; NULL with BufferError where CPython refuses (a writable
    request on read-only or non-contiguous memory). */

/** The library's version as "MAJOR.MINOR.PATCH", for comparison with the header macros. */
PYBUFFER_API const char *pybuffer_version(void);

/** The version of the interpreter serving this process, as PY_VERSION_HEX would give it
    (0x030B02F0 for 3.11.2), read once from the running host's Py_GetVersion(); 0 in a
    process without an interpreter. */
PYBUFFER_API unsigned long pybuffer_host_version_hex(void);

/* ---------------------------------------------------------------------------------------
 * pybuffer extension, not part of CPython's API: the format engine's own entry point.
 *
 * pybuffer_format_info() measures a buffer format string. It never calls the interpreter,
 * never sets a Python exception, allocates nothing and may be called without the GIL;
 * failures are reported through `out`. PyBuffer_SizeFromFormat is the same engine in
 * PYBUFFER_FORMAT_STRUCT mode, with the failure raised as the host's exception.
 * ------------------------------------------------------------------------------------- */

/** @name Modes of pybuffer_format_info() (its `flags` argument)
 * @{ */
/** The struct module's syntax, answering exactly as struct.calcsize of the running host. */
#define PYBUFFER_FORMAT_STRUCT 0
/** PEP 3118 (T{...}, :name:, (shape), &, Z, O, g, w, u, z, ^, mid-string byte orders),
    laid out by NumPy's rules: under '@' items are aligned and structs padded to their
    alignment, so "ic" is 8 bytes here while struct.calcsize says 5. */
#define PYBUFFER_FORMAT_PEP3118 1
/** @} */

/** @name Failures of pybuffer_format_info() (pybuffer_format_result.error)
 * Codes 1-5 are the failures PyBuffer_SizeFromFormat raises as the exceptions named, in
 * that order of precedence.
 * @{ */
/** Success. */
#define PYBUFFER_FORMAT_OK 0
/** Not UTF-8: UnicodeDecodeError. */
#define PYBUFFER_FORMAT_ERROR_NOT_UTF8 1
/** UTF-8 but not ASCII (struct mode only): UnicodeEncodeError. */
#define PYBUFFER_FORMAT_ERROR_NOT_ASCII 2
/** struct.error "bad char in struct format". */
#define PYBUFFER_FORMAT_ERROR_BAD_CHAR 3
/** struct.error "repeat count given without format specifier". */
#define PYBUFFER_FORMAT_ERROR_COUNT_WITHOUT_CODE 4
/** struct.error "total struct size too long": the size exceeds Py_ssize_t. */
#define PYBUFFER_FORMAT_ERROR_TOO_LONG 5
/** PEP 3118 mode: unbalanced T{ }, malformed (shape), :name without its closing ':'. */
#define PYBUFFER_FORMAT_ERROR_SYNTAX 6
/** PEP 3118 mode: valid but without a size ('t' bit fields, 'X{}' function pointers). */
#define PYBUFFER_FORMAT_ERROR_UNSUPPORTED 7
/** PEP 3118 mode: T{ or & nested more than 64 deep. */
#define PYBUFFER_FORMAT_ERROR_TOO_DEEP 8
/** format is NULL. */
#define PYBUFFER_FORMAT_ERROR_NULL 9
/** flags is not one of the modes above. */
#define PYBUFFER_FORMAT_ERROR_FLAGS 10
/** @} */

/** What pybuffer_format_info() found. */
typedef struct pybuffer_format_result {
  Py_ssize_t itemsize;     /**< bytes of one item; -1 on failure */
  Py_ssize_t alignment;    /**< largest native alignment applied ('@' items), 1 if none */
  Py_ssize_t error_offset; /**< byte offset in format where the failure was found, else -1 */
  int error;               /**< PYBUFFER_FORMAT_OK or PYBUFFER_FORMAT_ERROR_* */
} pybuffer_format_result;

/** Measures the format string @p format in mode @p flags (PYBUFFER_FORMAT_STRUCT or
    PYBUFFER_FORMAT_PEP3118) without the interpreter: it sets no exception, allocates
    nothing and may be called without the GIL. Returns the itemsize, or -1 on failure. `out`
    receives the details, and may be NULL when only the size matters. */
PYBUFFER_API Py_ssize_t pybuffer_format_info(const char *format, int flags,
                                             pybuffer_format_result *out);

#ifdef __cplusplus
}
#endif

#endif /* PYBUFFER_PYBUFFER_H */
