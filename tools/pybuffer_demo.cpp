// Embeds the CPython it was built against, with libpybuffer linked ahead of libpython, and
// pushes real exporters through CPython's own function names. For each it prints what the
// calls returned, and which library the dynamic linker bound each name to: the proof that
// pybuffer, not libpython, served them.
#include <Python.h>

#include <dlfcn.h>

#include <cstdio>
#include <cstring>
#include <vector>

#include <pybuffer/pybuffer.h>

namespace {

struct Exporter {
  const char *label;
  const char *expression;
};

// Built from the standard library and CPython's own test exporter (_testbuffer).
const Exporter kExporters[] = {
    {"bytes", "b'pybuffer'"},
    {"bytearray", "bytearray(range(12))"},
    {"array('d')", "array.array('d', [0.5, 1.5, 2.5])"},
    {"memoryview[::-2]", "memoryview(bytearray(range(10)))[::-2]"},
    {"memoryview.cast 3x4", "memoryview(bytearray(range(12))).cast('B', [3, 4])"},
    {"ndarray 3x4 [::2, ::-1]",
     "_testbuffer.ndarray(list(range(12)), shape=[3, 4], flags=_testbuffer.ND_WRITABLE)"
     "[::2, ::-1]"},
    {"ndarray Fortran 2x3 'i'",
     "_testbuffer.ndarray(list(range(6)), shape=[2, 3], format='i', "
     "flags=_testbuffer.ND_FORTRAN)"},
    {"ndarray PIL 2x3",
     "_testbuffer.ndarray(list(range(6)), shape=[2, 3], flags=_testbuffer.ND_PIL)"},
    {"int (no buffer)", "42"},
};

const char *library_of(const void *symbol) {
  Dl_info info{};
  if (dladdr(symbol, &info) == 0 || info.dli_fname == nullptr) return "(unknown)";
  const char *slash = std::strrchr(info.dli_fname, '/');
  return slash ? slash + 1 : info.dli_fname;
}

void print_exception() {
  PyObject *type, *value, *traceback;
  PyErr_Fetch(&type, &value, &traceback);
  PyObject *text = value ? PyObject_Str(value) : nullptr;
  std::printf("    raised %s: %s\n", type ? reinterpret_cast<PyTypeObject *>(type)->tp_name : "?",
              text ? PyUnicode_AsUTF8(text) : "");
  Py_XDECREF(text);
  Py_XDECREF(type);
  Py_XDECREF(value);
  Py_XDECREF(traceback);
}

void print_sizes(const char *name, const Py_ssize_t *values, int ndim) {
  std::printf(" %s=", name);
  if (values == nullptr) {
    std::printf("NULL");
    return;
  }
  std::printf("(");
  for (int i = 0; i < ndim; ++i) std::printf(i ? ",%zd" : "%zd", values[i]);
  std::printf(")");
}

bool demonstrate(PyObject *globals, const Exporter &exporter) {
  std::printf("%s = %s\n", exporter.label, exporter.expression);
  PyObject *obj = PyRun_String(exporter.expression, Py_eval_input, globals, globals);
  if (obj == nullptr) {
    print_exception();
    return false;
  }
  std::printf("  PyObject_CheckBuffer -> %d\n", PyObject_CheckBuffer(obj));
  Py_buffer view;
  if (PyObject_GetBuffer(obj, &view, PyBUF_FULL_RO) != 0) {
    std::printf("  PyObject_GetBuffer(PyBUF_FULL_RO) -> -1\n");
    print_exception();
    Py_DECREF(obj);
    return true;
  }
  std::printf(
      "  PyObject_GetBuffer(PyBUF_FULL_RO) -> 0: len=%zd itemsize=%zd ndim=%d format=%s "
      "readonly=%d",
      view.len, view.itemsize, view.ndim, view.format ? view.format : "NULL", view.readonly);
  print_sizes("shape", view.shape, view.ndim);
  print_sizes("strides", view.strides, view.ndim);
  print_sizes("suboffsets", view.suboffsets, view.ndim);
  std::printf("\n  PyBuffer_IsContiguous C/F/A -> %d/%d/%d\n", PyBuffer_IsContiguous(&view, 'C'),
              PyBuffer_IsContiguous(&view, 'F'), PyBuffer_IsContiguous(&view, 'A'));
  std::vector<unsigned char> bytes(static_cast<size_t>(view.len));
  const int copied = PyBuffer_ToContiguous(bytes.data(), &view, view.len, 'C');
  std::printf("  PyBuffer_ToContiguous('C') -> %d: bytes", copied);
  for (size_t i = 0; i < bytes.size() && i < 24; ++i) std::printf(" %02x", bytes[i]);
  std::printf("%s\n", bytes.size() > 24 ? " ..." : "");
  PyBuffer_Release(&view);
  std::printf("  PyBuffer_Release -> view.obj=%s\n", view.obj ? "set" : "NULL");
  Py_DECREF(obj);
  return copied == 0;
}

}  // namespace

int main() {
  Py_InitializeEx(0);
  std::printf("pybuffer %s serving CPython %s\n", pybuffer_version(), Py_GetVersion());
  const struct {
    const char *name;
    const void *address;
  } bindings[] = {
      {"PyObject_CheckBuffer", reinterpret_cast<const void *>(&PyObject_CheckBuffer)},
      {"PyObject_GetBuffer", reinterpret_cast<const void *>(&PyObject_GetBuffer)},
      {"PyBuffer_IsContiguous", reinterpret_cast<const void *>(&PyBuffer_IsContiguous)},
      {"PyBuffer_ToContiguous", reinterpret_cast<const void *>(&PyBuffer_ToContiguous)},
      {"PyBuffer_Release", reinterpret_cast<const void *>(&PyBuffer_Release)},
  };
  bool served = true;
  for (const auto &binding : bindings) {
    const char *library = library_of(binding.address);
    std::printf("  %-22s bound to %s\n", binding.name, library);
    served = served && std::strncmp(library, "libpybuffer", 11) == 0;
  }
  std::printf("\n");
  PyObject *globals = PyDict_New();
  PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins());
  PyObject *modules = PyRun_String("__import__('array'), __import__('_testbuffer')", Py_eval_input,
                                   globals, globals);
  bool ok = modules != nullptr;
  if (ok) {
    PyDict_SetItemString(globals, "array", PyTuple_GET_ITEM(modules, 0));
    PyDict_SetItemString(globals, "_testbuffer", PyTuple_GET_ITEM(modules, 1));
    Py_DECREF(modules);
    for (const Exporter &exporter : kExporters) ok = demonstrate(globals, exporter) && ok;
  } else {
    print_exception();
  }
  Py_DECREF(globals);
  if (Py_FinalizeEx() < 0) ok = false;
  std::printf("\n%s\n", served && ok ? "every call above was served by pybuffer"
                                     : "FAILED: a call was not served by pybuffer or failed");
  return served && ok ? 0 : 1;
}
