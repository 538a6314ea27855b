#include "embedded_python.hpp"

#if !PYBUFFER_STRESS_HOSTED
#include "python_start.hpp"
#endif

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace pybuffer::stress {
namespace {

PyObject *globals = nullptr;  // the namespace eval() and run_with() use

long env_long(const char *name, long fallback) {
  const char *text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  char *end = nullptr;
  const long value = std::strtol(text, &end, 10);
  return (end != nullptr && *end == '\0' && value > 0) ? value : fallback;
}

}  // namespace

void PythonEnvironment::SetUp() {
#if defined(PYBUFFER_STRESS_SANITIZED)
  // Python objects from malloc, not from pymalloc's arenas, so AddressSanitizer sees a stale
  // pointer into a freed or moved buffer (a user's setting is kept).
  setenv("PYTHONMALLOC", "malloc", 0);
#endif
#if !PYBUFFER_STRESS_HOSTED
  ASSERT_TRUE(pybuffer_test::start_python());
#endif
  globals = PyDict_New();
  ASSERT_NE(globals, nullptr);
  PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins());
  // _testbuffer is CPython's test module; a runtime without it (PyPy) has None in its place,
  // and the rows that need it are skipped (require_testbuffer()).
  PyObject *done = PyRun_String(
      "import array, struct\ntry:\n  import _testbuffer\nexcept ImportError:\n"
      "  _testbuffer = None\n",
      Py_file_input, globals, globals);
  ASSERT_NE(done, nullptr) << pybuffer_test::take_exception_text();
  Py_DECREF(done);
}

void PythonEnvironment::TearDown() {
  Py_CLEAR(globals);
#if !PYBUFFER_STRESS_HOSTED
  // A failed finalisation means objects or threads were left in a broken state.
  EXPECT_EQ(Py_FinalizeEx(), 0);
#endif
}

bool has_testbuffer() {
  Ref module = eval("_testbuffer");
  return module && module.get() != Py_None;
}

Ref eval(const std::string &expression) {
  PyObject *result = PyRun_String(expression.c_str(), Py_eval_input, globals, globals);
  if (result == nullptr)
    ADD_FAILURE() << expression << " raised " << pybuffer_test::take_exception_text();
  return Ref(result);
}

Raised run_with(PyObject *obj, const std::string &statements) {
  PyDict_SetItemString(globals, "o", obj);
  PyObject *result = PyRun_String(statements.c_str(), Py_file_input, globals, globals);
  Raised raised;
  if (result == nullptr) {
    raised = take_exception();
  } else {
    Py_DECREF(result);
  }
  PyDict_DelItemString(globals, "o");
  return raised;
}

::testing::AssertionResult raised_like(const Raised &raised, PyObject *type, const char *needle) {
  if (pybuffer_test::raised_matches(raised, type, needle)) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "expected " << type_name(type) << " containing \""
                                       << needle << "\", got " << pybuffer_test::describe(raised);
}

std::size_t resident_bytes() {
  std::FILE *statm = std::fopen("/proc/self/statm", "r");
  if (statm == nullptr) return 0;
  unsigned long size = 0;
  unsigned long resident = 0;
  const int fields = std::fscanf(statm, "%lu %lu", &size, &resident);
  std::fclose(statm);
  if (fields != 2) return 0;
  return resident * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

long stress_cycles(long full) {
#if defined(PYBUFFER_STRESS_SANITIZED)
  const long scaled = full / 10;
#else
  const long scaled = full;
#endif
  return env_long("PYBUFFER_STRESS_CYCLES", scaled);
}

double stress_seconds() {
  return static_cast<double>(env_long("PYBUFFER_STRESS_SECONDS", 3));
}

std::size_t rss_slack() {
#if defined(PYBUFFER_STRESS_SANITIZED)
  return std::size_t{64} << 20;
#else
  return std::size_t{2} << 20;
#endif
}

long bytearray_exports(PyObject *bytearray) {
#if defined(PYPY_VERSION)
  // cpyext's PyByteArrayObject has the field, but PyPy counts its exports elsewhere.
  (void)bytearray;
  return -1;
#else
  if (!PyByteArray_Check(bytearray)) return -1;
  return static_cast<long>(reinterpret_cast<PyByteArrayObject *>(bytearray)->ob_exports);
#endif
}

// -----------------------------------------------------------------------------------------------
// CountingExporter

namespace {

void fill_pattern(unsigned char *memory, Py_ssize_t size, int seed) {
  for (Py_ssize_t i = 0; i < size; ++i) memory[i] = static_cast<unsigned char>((i + seed) % 251);
}

int counting_getbuffer(PyObject *self, Py_buffer *view, int flags) {
  auto *exporter = reinterpret_cast<CountingExporter *>(self);
  ++exporter->getbuffers;
  if (exporter->refuse) {
    PyErr_SetString(PyExc_BufferError, "CountingExporter: refused");
    return -1;
  }
  // PyBuffer_FillInfo is itself under test elsewhere; the exporter fills the view by hand so
  // that a mistake there cannot hide one here.
  static char format[] = "B";
  view->buf = exporter->memory;
  view->obj = self;
  Py_INCREF(self);
  view->len = exporter->size;
  view->itemsize = 1;
  view->readonly = 0;
  view->ndim = 1;
  view->format = (flags & PyBUF_FORMAT) == PyBUF_FORMAT ? format : nullptr;
  view->shape = (flags & PyBUF_ND) == PyBUF_ND ? &view->len : nullptr;
  view->strides = (flags & PyBUF_STRIDES) == PyBUF_STRIDES ? &view->itemsize : nullptr;
  view->suboffsets = nullptr;
  view->internal = nullptr;
  ++exporter->exports;
  return 0;
}

void counting_releasebuffer(PyObject *self, Py_buffer *) {
  auto *exporter = reinterpret_cast<CountingExporter *>(self);
  --exporter->exports;
  ++exporter->releases;
}

void counting_dealloc(PyObject *self) {
  auto *exporter = reinterpret_cast<CountingExporter *>(self);
  if (exporter->exports != 0) {
    std::fprintf(stderr, "CountingExporter freed with %ld live exports\n", exporter->exports);
    std::abort();
  }
  std::free(exporter->memory);
  PyTypeObject *type = Py_TYPE(self);
  PyObject_Free(self);
  Py_DECREF(type);  // instances of heap types own a reference to their type
}

PyTypeObject *counting_type() {
  static PyTypeObject *type = nullptr;
  if (type == nullptr) {
    // A heap type from a spec: buffer slots are allowed in specs from 3.9 on.
    static PyType_Slot slots[] = {
        {Py_bf_getbuffer, reinterpret_cast<void *>(counting_getbuffer)},
        {Py_bf_releasebuffer, reinterpret_cast<void *>(counting_releasebuffer)},
        {Py_tp_dealloc, reinterpret_cast<void *>(counting_dealloc)},
        {0, nullptr}};
    static PyType_Spec spec = {"pybuffer_stress.CountingExporter", sizeof(CountingExporter), 0,
                               Py_TPFLAGS_DEFAULT, slots};
    type = reinterpret_cast<PyTypeObject *>(PyType_FromSpec(&spec));
  }
  return type;
}

}  // namespace

CountingExporter *new_counting_exporter(Py_ssize_t size, int seed) {
  PyTypeObject *type = counting_type();
  if (type == nullptr) return nullptr;
  auto *exporter = PyObject_New(CountingExporter, type);
  if (exporter == nullptr) return nullptr;
  exporter->memory = static_cast<unsigned char *>(std::malloc(static_cast<std::size_t>(size)));
  exporter->size = size;
  exporter->exports = 0;
  exporter->getbuffers = 0;
  exporter->releases = 0;
  exporter->refuse = 0;
  fill_pattern(exporter->memory, size, seed);
  return exporter;
}

int counting_exporter_resize(CountingExporter *exporter, Py_ssize_t size, int seed) {
  if (exporter->exports > 0) {
    PyErr_SetString(PyExc_BufferError, "CountingExporter: cannot resize while exported");
    return -1;
  }
  // Free first, then allocate: a stale pointer into the old block is a use after free.
  std::free(exporter->memory);
  exporter->memory = static_cast<unsigned char *>(std::malloc(static_cast<std::size_t>(size)));
  exporter->size = size;
  fill_pattern(exporter->memory, size, seed);
  return 0;
}

bool holds_pattern(const unsigned char *memory, Py_ssize_t size, int seed) {
  for (Py_ssize_t i = 0; i < size; ++i) {
    if (memory[i] != static_cast<unsigned char>((i + seed) % 251)) return false;
  }
  return true;
}

}  // namespace pybuffer::stress
