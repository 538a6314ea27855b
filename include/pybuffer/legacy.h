/** @file legacy.h
 * @brief Python 2's buffer objects on Python 3: the porting layer.
 *
 * Python 2.7's `buffer` type and its C API (bufferobject.h) exist in no Python 3. This
 * header declares them with 2.7's signatures, and libpybuffer implements them on the
 * running Python 3: each constructor returns an object of the type "pybuffer.buffer", which
 * keeps its base alive, remembers offset and size as 2.7 does, exports the new buffer
 * protocol (read-only or writable as constructed) and behaves as a bytes-like object
 * (len, indexing, slicing to bytes, comparison, hashing when read-only, bytes(),
 * memoryview(), a repr like 2.7's).
 *
 * Every function exists under 2.7's name and as the twin pybuffer_<name>. PyBuffer_Type is
 * a macro for the type object (made at run time, so `&PyBuffer_Type` works but the name is
 * not a data symbol). README "Porting from Python 2's buffer objects" lists what differs
 * from 2.7, and what to use on Python 3 without this layer.
 *
 * PyPy: after PyPy's <Python.h> the plain names are mapped to PyPy's spelling
 * (PyPyBuffer_FromObject), as the PyPy variant, libpybuffer-pypy39, exports them.
 */
#ifndef PYBUFFER_LEGACY_H
#define PYBUFFER_LEGACY_H

#include <pybuffer/pybuffer.h>

#ifdef __cplusplus
extern "C" {
#endif

#if !defined(Py_PYTHON_H)
/** CPython's type object; only pointers to it are used. */
typedef struct _typeobject PyTypeObject;
#endif

/** 2.7's size argument meaning "up to the end of the base, whatever its length then". */
#define Py_END_OF_BUFFER (-1)

/** PYBUFFER_LEGACY_FUNCTIONS(X) lists the functions of 2.7's buffer-object API, as
    X(return type, 2.7 name, parameter list, argument list), like PYBUFFER_FUNCTIONS: the
    type's two (PYBUFFER_LEGACY_TYPE_FUNCTIONS), then the five constructors
    (PYBUFFER_LEGACY_CONSTRUCTORS). 2.7 itself has only the constructors as functions. */
#define PYBUFFER_LEGACY_FUNCTIONS(X) \
  PYBUFFER_LEGACY_TYPE_FUNCTIONS(X) PYBUFFER_LEGACY_CONSTRUCTORS(X)

/** The Python 3 layer's functions for what 2.7 has as data (PyBuffer_Type) and a macro
    (PyBuffer_Check). */
#define PYBUFFER_LEGACY_TYPE_FUNCTIONS(X)         \
  X(PyTypeObject *, PyBuffer_GetType, (void), ()) \
  X(int, PyBuffer_Check, (PyObject * op), (op))

/** The five constructors of 2.7's bufferobject.h. */
#define PYBUFFER_LEGACY_CONSTRUCTORS(X)                                                     \
  X(PyObject *, PyBuffer_FromObject, (PyObject * base, Py_ssize_t offset, Py_ssize_t size), \
    (base, offset, size))                                                                   \
  X(PyObject *, PyBuffer_FromReadWriteObject,                                               \
    (PyObject * base, Py_ssize_t offset, Py_ssize_t size), (base, offset, size))            \
  X(PyObject *, PyBuffer_FromMemory, (void *ptr, Py_ssize_t size), (ptr, size))             \
  X(PyObject *, PyBuffer_FromReadWriteMemory, (void *ptr, Py_ssize_t size), (ptr, size))    \
  X(PyObject *, PyBuffer_New, (Py_ssize_t size), (size))

#if defined(PY_MAJOR_VERSION) && PY_MAJOR_VERSION == 2
/* With CPython 2.7's headers (libpybuffer-py27), which declare 2.7's names themselves: only
   the twins of what 2.7 exports, the type object's a data symbol as 2.7's PyBuffer_Type is
   (libpybuffer-py27 exports it under that name too). */
#define PYBUFFER_DECLARE_LEGACY_TWIN(ret, name, params, args) \
  PYBUFFER_API ret pybuffer_##name params;
PYBUFFER_LEGACY_CONSTRUCTORS(PYBUFFER_DECLARE_LEGACY_TWIN)
#undef PYBUFFER_DECLARE_LEGACY_TWIN
PYBUFFER_API extern PyTypeObject pybuffer_PyBuffer_Type;
/* And the twins of the two index helpers 2.7's abstract.c exports (abstract.h declares them). */
PYBUFFER_API void pybuffer__Py_add_one_to_index_F(int nd, Py_ssize_t *index,
                                                  const Py_ssize_t *shape);
PYBUFFER_API void pybuffer__Py_add_one_to_index_C(int nd, Py_ssize_t *index,
                                                  const Py_ssize_t *shape);
#else

#if defined(PYPY_VERSION)
#define PyBuffer_GetType PyPyBuffer_GetType
#define PyBuffer_Check PyPyBuffer_Check
#define PyBuffer_FromObject PyPyBuffer_FromObject
#define PyBuffer_FromReadWriteObject PyPyBuffer_FromReadWriteObject
#define PyBuffer_FromMemory PyPyBuffer_FromMemory
#define PyBuffer_FromReadWriteMemory PyPyBuffer_FromReadWriteMemory
#define PyBuffer_New PyPyBuffer_New
#endif

#define PYBUFFER_DECLARE_LEGACY(ret, name, params, args) \
  PYBUFFER_API ret pybuffer_##name params;               \
  PYBUFFER_API ret name params;
PYBUFFER_LEGACY_FUNCTIONS(PYBUFFER_DECLARE_LEGACY)
#undef PYBUFFER_DECLARE_LEGACY

/** 2.7's type object of buffers, "pybuffer.buffer" here: `&PyBuffer_Type` is its address. */
#define PyBuffer_Type (*pybuffer_PyBuffer_GetType())
#endif /* Python 3 */

/* The functions of PYBUFFER_LEGACY_FUNCTIONS, for the API reference; each has its twin
   pybuffer_<name>. Where 2.7 would read outside memory or crash, they raise instead. */
/** @fn PyTypeObject *PyBuffer_GetType(void)
    pybuffer's own: the type "pybuffer.buffer", made at first use (a borrowed reference), or
    NULL with an exception. PyBuffer_Type stands for what it points to. */
/** @fn int PyBuffer_Check(PyObject *op)
    Returns 1 if @p op is a pybuffer.buffer (exactly, as 2.7's macro), else 0 (also NULL). */
/** @fn PyObject *PyBuffer_FromObject(PyObject *base, Py_ssize_t offset, Py_ssize_t size)
    A new read-only buffer of the bytes of @p base from @p offset, @p size of them or up to
    the end for Py_END_OF_BUFFER, cut to the base's length at every access. A buffer of a
    buffer refers to that buffer's base (offsets add). NULL with ValueError "offset must be
    zero or positive" / "size must be zero or positive", or TypeError "buffer object
    expected" for a base without the buffer protocol. */
/** @fn PyObject *PyBuffer_FromReadWriteObject(PyObject *base, Py_ssize_t offset, Py_ssize_t size)
    As PyBuffer_FromObject(), writable; TypeError "expected a writable bytes-like object"
    when @p base refuses a writable view (2.7 raised only at the first access). */
/** @fn PyObject *PyBuffer_FromMemory(void *ptr, Py_ssize_t size)
    A new read-only buffer of the @p size bytes at @p ptr, which must outlive it. ValueError
    for a negative size (Py_END_OF_BUFFER included), SystemError for NULL @p ptr with a
    size above 0. */
/** @fn PyObject *PyBuffer_FromReadWriteMemory(void *ptr, Py_ssize_t size)
    As PyBuffer_FromMemory(), writable. */
/** @fn PyObject *PyBuffer_New(Py_ssize_t size)
    A new writable buffer owning @p size zeroed bytes. ValueError for a negative size,
    MemoryError when the memory cannot be had. */

#ifdef __cplusplus
}
#endif

#endif /* PYBUFFER_LEGACY_H */
