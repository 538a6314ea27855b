/* libpybuffer in a process without a Python interpreter (this program links no libpython),
 * bound immediately (-z now, and run again under LD_BIND_NOW=1): it loads; the functions that
 * need no interpreter answer; a call that would have to raise a Python exception returns its
 * error value, and the library says why on stderr, once. Expected values are computed here
 * from first principles. Exit status 0 when every check holds. */
#include <pybuffer/pybuffer.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failures = 0;

#define CHECK(condition)                                             \
  do {                                                               \
    if (!(condition)) {                                              \
      fprintf(stdout, "FAILED line %d: %s\n", __LINE__, #condition); \
      ++failures;                                                    \
    }                                                                \
  } while (0)

/* Counts the occurrences of `needle` in the file. */
static int occurrences(FILE *file, const char *needle) {
  char text[4096];
  rewind(file);
  const size_t length = fread(text, 1, sizeof text - 1, file);
  text[length] = '\0';
  int count = 0;
  for (const char *p = strstr(text, needle); p != NULL; p = strstr(p + 1, needle)) ++count;
  return count;
}

int main(void) {
  /* stderr goes to a scratch file, to read back what the library said. */
  FILE *said = tmpfile();
  if (said == NULL || dup2(fileno(said), STDERR_FILENO) < 0) return 2;

  Py_ssize_t shape[3] = {2, 3, 4};
  Py_ssize_t strides[3] = {0, 0, 0};
  PyBuffer_FillContiguousStrides(3, shape, strides, 8, 'C');
  CHECK(strides[0] == 96 && strides[1] == 32 && strides[2] == 8);
  PyBuffer_FillContiguousStrides(3, shape, strides, 8, 'F');
  CHECK(strides[0] == 8 && strides[1] == 16 && strides[2] == 48);

  /* A 2 x 3 view of every other byte of a 12-byte block. */
  char block[12];
  for (int i = 0; i < 12; ++i) block[i] = (char)i;
  Py_ssize_t view_shape[2] = {2, 3};
  Py_ssize_t view_strides[2] = {6, 2};
  Py_buffer view;
  memset(&view, 0, sizeof view);
  view.buf = block;
  view.len = 6;
  view.itemsize = 1;
  view.ndim = 2;
  view.shape = view_shape;
  view.strides = view_strides;
  CHECK(PyBuffer_IsContiguous(&view, 'C') == 0);
  Py_ssize_t index[2] = {1, 2};
  CHECK(PyBuffer_GetPointer(&view, index) == block + 10);
  char packed[6];
  CHECK(PyBuffer_ToContiguous(packed, &view, 6, 'C') == 0);
  for (int i = 0; i < 6; ++i) CHECK(packed[i] == (char)(2 * i));
  CHECK(PyBuffer_ToContiguous(packed, &view, 6, 'F') == 0);
  const char fortran[6] = {0, 6, 2, 8, 4, 10};
  CHECK(memcmp(packed, fortran, 6) == 0);
  CHECK(PyBuffer_SizeFromFormat("<hq") == 10);
  CHECK(PyObject_CheckBuffer(NULL) == 0);
  CHECK(pybuffer_host_version_hex() == 0);
  CHECK(occurrences(said, "pybuffer:") == 0);

  /* Calls whose answer is a Python exception: the error value, one line on stderr. */
  CHECK(PyBuffer_ToContiguous(packed, &view, 6, 'X') == -1);
  CHECK(PyBuffer_GetPointer(NULL, index) == NULL);
  CHECK(PyBuffer_SizeFromFormat("?z") == -1);
  fflush(stderr);
  CHECK(occurrences(said, "pybuffer: no Python interpreter in this process") == 1);

  printf("%s: %d failed\n", failures == 0 ? "passed" : "FAILED", failures);
  return failures == 0 ? 0 : 1;
}
