/* Embeds CPython and calls pybuffer through both spellings, as an installed consumer:
 * CPython's names (bound to pybuffer because it is linked ahead of libpython) and the
 * pybuffer_ twins. Exits 0 only if every result is what CPython documents.
 */
#define _GNU_SOURCE /* dladdr */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <pybuffer/pybuffer.h>

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

static int failures = 0;

#define CHECK(condition)                                                      \
  do {                                                                        \
    if (!(condition)) {                                                       \
      fprintf(stderr, "%s:%d: failed: %s\n", __FILE__, __LINE__, #condition); \
      ++failures;                                                             \
    }                                                                         \
  } while (0)

/* The object (executable or shared library) that defines the function at `address`. */
static const void *defining_object(const void *address) {
  Dl_info info;
  return dladdr(address, &info) != 0 ? info.dli_fbase : NULL;
}

/* ISO C has no cast from a function pointer to void *; POSIX guarantees the two agree. */
static const void *function_address(const char *(*function)(void)) {
  const void *address;
  memcpy(&address, &function, sizeof address);
  return address;
}

int main(void) {
  char version[32];
  snprintf(version, sizeof version, "%d.%d.%d", PYBUFFER_VERSION_MAJOR, PYBUFFER_VERSION_MINOR,
           PYBUFFER_VERSION_PATCH);
  CHECK(strcmp(pybuffer_version(), version) == 0);

  /* Linked ahead of libpython, pybuffer serves CPython's names: they are defined where
     pybuffer's own functions are (the shared library, or this program for the archive). */
  const void *pybuffer = defining_object(function_address(pybuffer_version));
  CHECK(pybuffer != NULL);
  CHECK(defining_object(dlsym(RTLD_DEFAULT, "PyObject_GetBuffer")) == pybuffer);
  CHECK(defining_object(dlsym(RTLD_DEFAULT, "PyBuffer_Release")) == pybuffer);

  Py_InitializeEx(0);
  CHECK(pybuffer_host_version_hex() >> 16 == (unsigned long)PY_VERSION_HEX >> 16);

  static const char text[] = "pybuffer";
  const Py_ssize_t size = (Py_ssize_t)strlen(text);
  PyObject *bytes = PyBytes_FromStringAndSize(text, size);
  CHECK(bytes != NULL);
  CHECK(PyObject_CheckBuffer(bytes) == 1);
  CHECK(pybuffer_PyObject_CheckBuffer(bytes) == 1);

  Py_buffer view;
  CHECK(PyObject_GetBuffer(bytes, &view, PyBUF_FULL_RO) == 0);
  CHECK(view.obj == bytes && view.len == size && view.readonly == 1 && view.ndim == 1);
  CHECK(memcmp(view.buf, text, (size_t)size) == 0);
  CHECK(pybuffer_PyBuffer_IsContiguous(&view, 'C') == 1);
  CHECK(PyBuffer_IsContiguous(&view, 'F') == 1);
  Py_ssize_t index = 3;
  CHECK(pybuffer_PyBuffer_GetPointer(&view, &index) == (char *)view.buf + 3);

  char copy[sizeof text] = {0};
  CHECK(PyBuffer_ToContiguous(copy, &view, size, 'C') == 0);
  CHECK(strcmp(copy, text) == 0);
  PyBuffer_Release(&view);
  CHECK(view.obj == NULL);

  /* Writing through a view of a bytearray, then reading it back through CopyData. */
  PyObject *target = PyByteArray_FromStringAndSize(NULL, size);
  CHECK(target != NULL);
  CHECK(pybuffer_PyObject_CopyData(target, bytes) == 0);
  CHECK(memcmp(PyByteArray_AsString(target), text, (size_t)size) == 0);

  Py_ssize_t shape[2] = {2, 3};
  Py_ssize_t strides[2] = {0, 0};
  PyBuffer_FillContiguousStrides(2, shape, strides, 4, 'C');
  CHECK(strides[0] == 12 && strides[1] == 4);
  pybuffer_PyBuffer_FillContiguousStrides(2, shape, strides, 4, 'F');
  CHECK(strides[0] == 4 && strides[1] == 8);

  CHECK(pybuffer_PyBuffer_SizeFromFormat("<ih") == 6);
  CHECK(PyBuffer_SizeFromFormat("3d") == 24);

  /* An object without a buffer: the error comes back as -1 and a TypeError. */
  PyObject *number = PyLong_FromLong(42);
  CHECK(pybuffer_PyObject_GetBuffer(number, &view, PyBUF_SIMPLE) == -1);
  CHECK(PyErr_ExceptionMatches(PyExc_TypeError));
  PyErr_Clear();

  Py_DecRef(number);
  Py_DecRef(target);
  Py_DecRef(bytes);
  if (Py_FinalizeEx() != 0) ++failures;

  if (failures != 0) {
    fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  puts("pybuffer consumer: all checks passed");
  return 0;
}
