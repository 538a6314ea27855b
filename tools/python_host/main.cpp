// pybuffer-python: the `python` program itself, built against one CPython host with
// libpybuffer linked ahead of libpython. Because libpybuffer comes first in the executable's
// DT_NEEDED list, the dynamic linker binds every buffer-protocol name to pybuffer wherever it
// is looked up through the global scope: in extension modules (_testbuffer, array, numpy)
// always, and in libpython itself when that library calls its own exports through the PLT.
// Everything else is CPython's unchanged `python` main, so CPython's own test suites can run
// on it as they would on the host's interpreter.
#include <Python.h>

int main(int argc, char **argv) {
  return Py_BytesMain(argc, argv);
}
