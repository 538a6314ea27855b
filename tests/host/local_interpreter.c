/* A host that loads libpython with RTLD_LOCAL, and then libpybuffer, also locally: the
 * interpreter is in no global scope, so the library must find it among the loaded objects.
 * Its answers are compared with the interpreter's own in the same process.
 *   local_interpreter <libpython> <libpybuffer>      exit status 0 when every check holds */
#include <pybuffer/pybuffer.h>

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

static int failures = 0;

#define CHECK(condition)                                    \
  do {                                                      \
    if (!(condition)) {                                     \
      printf("FAILED line %d: %s\n", __LINE__, #condition); \
      ++failures;                                           \
    }                                                       \
  } while (0)

static void *must(void *handle, const char *name) {
  void *symbol = dlsym(handle, name);
  if (symbol == NULL) {
    printf("FAILED: %s not found: %s\n", name, dlerror());
    ++failures;
  }
  return symbol;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s <libpython> <libpybuffer>\n", argv[0]);
    return 2;
  }
  void *python = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (python == NULL) {
    printf("FAILED: %s\n", dlerror());
    return 1;
  }
  /* Not in the global scope: what the library must not rely on. */
  CHECK(dlsym(RTLD_DEFAULT, "Py_GetVersion") == NULL);

  void (*initialize)(int) = (void (*)(int))must(python, "Py_InitializeEx");
  PyObject *(*from_long)(long) = (PyObject * (*)(long)) must(python, "PyLong_FromLong");
  PyObject *(*bytes_from)(const char *, Py_ssize_t) =
      (PyObject * (*)(const char *, Py_ssize_t)) must(python, "PyBytes_FromStringAndSize");
  PyObject *(*occurred)(void) = (PyObject * (*)(void)) must(python, "PyErr_Occurred");
  void (*clear)(void) = (void (*)(void))must(python, "PyErr_Clear");
  PyObject *(*sys_get)(const char *) =
      (PyObject * (*)(const char *)) must(python, "PySys_GetObject");
  unsigned long (*as_unsigned)(PyObject *) =
      (unsigned long (*)(PyObject *))must(python, "PyLong_AsUnsignedLong");
  PyObject **type_error = (PyObject **)must(python, "PyExc_TypeError");
  if (failures) return 1;
  initialize(0);

  void *library = dlopen(argv[2], RTLD_NOW | RTLD_LOCAL);
  if (library == NULL) {
    printf("FAILED: %s\n", dlerror());
    return 1;
  }
  int (*get_buffer)(PyObject *, Py_buffer *, int) =
      (int (*)(PyObject *, Py_buffer *, int))must(library, "pybuffer_PyObject_GetBuffer");
  void (*release)(Py_buffer *) = (void (*)(Py_buffer *))must(library, "pybuffer_PyBuffer_Release");
  unsigned long (*host_version)(void) =
      (unsigned long (*)(void))must(library, "pybuffer_host_version_hex");
  if (failures) return 1;

  CHECK(host_version() == as_unsigned(sys_get("hexversion")));

  /* The TypeError of a non-exporter is raised through the interpreter found locally. */
  Py_buffer view;
  PyObject *number = from_long(7);
  CHECK(get_buffer(number, &view, PyBUF_SIMPLE) == -1);
  CHECK(occurred() == *type_error);
  clear();

  /* A view taken and released leaves the exporter's reference count as it was. */
  PyObject *bytes = bytes_from("abc", 3);
  const Py_ssize_t before = *(Py_ssize_t *)bytes; /* ob_refcnt leads the object header */
  CHECK(get_buffer(bytes, &view, PyBUF_SIMPLE) == 0);
  CHECK(view.len == 3 && memcmp(view.buf, "abc", 3) == 0 && view.obj == bytes);
  release(&view);
  CHECK(*(Py_ssize_t *)bytes == before && view.obj == NULL);

  printf("%s: %d failed\n", failures == 0 ? "passed" : "FAILED", failures);
  return failures == 0 ? 0 : 1;
}
