/* A stand-in for <Python.h> whose Py_buffer and PyBUF_FORMAT differ from pybuffer's
 * mirror, for abi.layout_mismatch_detected.*: pybuffer.h must refuse to compile after it.
 * Were its checks lost, a real mismatch would pass every other layout test unnoticed.
 */
#ifndef Py_PYTHON_H
#define Py_PYTHON_H

#include <stddef.h>
#include <sys/types.h>

typedef ssize_t Py_ssize_t;
typedef struct _object PyObject;

/* len and itemsize swapped: same size, same alignment, two fields at the wrong offsets. */
typedef struct bufferinfo {
  void *buf;
  PyObject *obj;
  Py_ssize_t itemsize;
  Py_ssize_t len;
  int readonly;
  int ndim;
  char *format;
  Py_ssize_t *shape;
  Py_ssize_t *strides;
  Py_ssize_t *suboffsets;
  void *internal;
} Py_buffer;

#define PyBUF_MAX_NDIM 64
#define PyBUF_SIMPLE 0
#define PyBUF_WRITABLE 0x0001
#define PyBUF_FORMAT 0x0002 /* CPython: 0x0004 */
#define PyBUF_ND 0x0008
#define PyBUF_STRIDES (0x0010 | PyBUF_ND)
#define PyBUF_C_CONTIGUOUS (0x0020 | PyBUF_STRIDES)
#define PyBUF_F_CONTIGUOUS (0x0040 | PyBUF_STRIDES)
#define PyBUF_ANY_CONTIGUOUS (0x0080 | PyBUF_STRIDES)
#define PyBUF_INDIRECT (0x0100 | PyBUF_STRIDES)
#define PyBUF_READ 0x100
#define PyBUF_WRITE 0x200

#endif /* Py_PYTHON_H */
