// Per-call benchmark: the functions extensions call most, pybuffer's against the host's own,
// in one process on identical inputs. Built once per CPython host (bench/calls/CMakeLists.txt);
// each program embeds that host's interpreter and holds the GIL for the whole run.
//
// Both sides are reached the same way, through a function pointer read with dlsym, so
// neither gets inlined or a direct call the other lacks:
//   <case>/host  dlsym on dlopen(PYBUFFER_BENCH_HOST_LIBRARY, RTLD_NOLOAD): the libpython
//                this program is linked to, already mapped;
//   <case>/ours  dlsym on dlopen(PYBUFFER_BENCH_OURS_LIBRARY, RTLD_LOCAL) under CPython's
//                plain names (PyObject_GetBuffer, ...), the entry points an extension
//                reaches when pybuffer is interposed. RTLD_LOCAL keeps those names out of
//                the global scope, so libpython's own calls are never rerouted to pybuffer.
// Start-up aborts unless every pair is two different functions, each defined in the file
// expected (dladdr), and both answer every case alike.
//
// Run with --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
// --benchmark_enable_random_interleaving=true; bench/results_table.py calls renders the CSVs.
#include <Python.h>

#include <benchmark/benchmark.h>
#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>

#include <cstdio>
#include <cstring>
#include <string>

#ifndef PYBUFFER_BENCH_HOST_ID
#error "PYBUFFER_BENCH_HOST_ID, _HOST_VERSION, _HOST_LIBRARY and _OURS_LIBRARY come from CMake"
#endif

namespace {

// The functions timed, under CPython's names; the pointer types are the host's declarations.
#define BENCH_CALLS_FUNCTIONS(X) \
  X(PyObject_CheckBuffer)        \
  X(PyObject_GetBuffer)          \
  X(PyBuffer_Release)            \
  X(PyBuffer_IsContiguous)       \
  X(PyBuffer_GetPointer)         \
  X(PyBuffer_FillInfo)

struct Api {
  const char *name;  // "ours" or "host": the last part of every benchmark name
#define BENCH_CALLS_MEMBER(fn) decltype(&::fn) fn;
  BENCH_CALLS_FUNCTIONS(BENCH_CALLS_MEMBER)
#undef BENCH_CALLS_MEMBER
};

Api named(const char *name) {
  Api api{};
  api.name = name;
  return api;
}
Api g_ours = named("ours");
Api g_host = named("host");

[[noreturn]] void fail(const std::string &message) {
  std::fprintf(stderr, "bench_calls (host %s): %s\n", PYBUFFER_BENCH_HOST_ID, message.c_str());
  std::fflush(stderr);
  std::abort();
}

std::string real_path(const char *path) {
  char resolved[PATH_MAX];
  return realpath(path, resolved) != nullptr ? std::string(resolved) : std::string(path);
}

// Fills `api` from `handle` and checks that every function is defined in `expected_file`.
void load(Api &api, void *handle, const std::string &expected_file) {
#define BENCH_CALLS_LOAD(fn)                                                                 \
  {                                                                                          \
    void *symbol = dlsym(handle, #fn);                                                       \
    if (symbol == nullptr) fail(std::string(api.name) + ": no " #fn " in " + expected_file); \
    Dl_info where{};                                                                         \
    if (dladdr(symbol, &where) == 0 || where.dli_fname == nullptr) {                         \
      fail(std::string(api.name) + ": dladdr cannot place " #fn);                            \
    }                                                                                        \
    const std::string file = real_path(where.dli_fname);                                     \
    if (file != expected_file) {                                                             \
      fail(std::string(api.name) + ": " #fn " is defined in " + file + ", expected " +       \
           expected_file);                                                                   \
    }                                                                                        \
    api.fn = reinterpret_cast<decltype(api.fn)>(symbol);                                     \
  }
  BENCH_CALLS_FUNCTIONS(BENCH_CALLS_LOAD)
#undef BENCH_CALLS_LOAD
}

void load_apis() {
  const std::string host_file = real_path(PYBUFFER_BENCH_HOST_LIBRARY);
  const std::string ours_file = real_path(PYBUFFER_BENCH_OURS_LIBRARY);
  // RTLD_NOLOAD: a handle to the libpython already serving this process, never a second one.
  void *host = dlopen(PYBUFFER_BENCH_HOST_LIBRARY, RTLD_NOW | RTLD_NOLOAD);
  if (host == nullptr) {
    fail(std::string("the running libpython is not ") + host_file + ": " + dlerror());
  }
  if (dlsym(host, "pybuffer_version") != nullptr) fail(host_file + " exports pybuffer_version");
  void *ours = dlopen(PYBUFFER_BENCH_OURS_LIBRARY, RTLD_NOW | RTLD_LOCAL);
  if (ours == nullptr) fail(std::string("cannot load ") + ours_file + ": " + dlerror());
  if (dlsym(ours, "pybuffer_version") == nullptr) fail(ours_file + " is not libpybuffer");
  load(g_host, host, host_file);
  load(g_ours, ours, ours_file);
#define BENCH_CALLS_DISTINCT(fn)                                                    \
  if (reinterpret_cast<void *>(g_host.fn) == reinterpret_cast<void *>(g_ours.fn)) { \
    fail("ours and host resolve " #fn " to the same function");                     \
  }
  BENCH_CALLS_FUNCTIONS(BENCH_CALLS_DISTINCT)
#undef BENCH_CALLS_DISTINCT
  // The handles stay open for the whole run.
}

// ---------------------------------------------------------------------------------------------
// Inputs, made once by the interpreter and shared by both sides of every pair.

struct Inputs {
  PyObject *bytes = nullptr;          // bytes of 64 items
  PyObject *integer = nullptr;        // an int: its type has no buffer slot
  PyObject *bytearray = nullptr;      // bytearray of 64 items
  PyObject *memoryview = nullptr;     // memoryview of `bytes`
  PyObject *memoryview_2d = nullptr;  // memoryview(bytes(48)).cast('B', (6, 8))
  PyObject *memoryview_3d = nullptr;  // memoryview(bytes(192)).cast('d', (2, 3, 4))
  Py_buffer view_1d{};                // PyBUF_FULL_RO of `memoryview`, by the host
  Py_buffer view_3d{};                // PyBUF_FULL_RO of `memoryview_3d`, by the host
};
Inputs g_in;

PyObject *evaluate(PyObject *globals, const char *expression) {
  PyObject *value = PyRun_String(expression, Py_eval_input, globals, globals);
  if (value == nullptr) {
    PyErr_Print();
    fail(std::string("cannot evaluate ") + expression);
  }
  return value;  // kept for the whole run
}

void make_inputs() {
  PyObject *globals = PyDict_New();
  if (globals == nullptr || PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins())) {
    fail("cannot make a namespace");
  }
  g_in.bytes = evaluate(globals, "bytes(range(64))");
  g_in.integer = evaluate(globals, "10**12");
  g_in.bytearray = evaluate(globals, "bytearray(range(64))");
  g_in.memoryview = PyMemoryView_FromObject(g_in.bytes);
  g_in.memoryview_2d = evaluate(globals, "memoryview(bytes(48)).cast('B', (6, 8))");
  g_in.memoryview_3d = evaluate(globals, "memoryview(bytes(192)).cast('d', (2, 3, 4))");
  if (g_in.memoryview == nullptr ||
      g_host.PyObject_GetBuffer(g_in.memoryview, &g_in.view_1d, PyBUF_FULL_RO) != 0 ||
      g_host.PyObject_GetBuffer(g_in.memoryview_3d, &g_in.view_3d, PyBUF_FULL_RO) != 0) {
    PyErr_Print();
    fail("cannot make the views");
  }
}

// Not const: 3.9 and 3.10 declare PyBuffer_GetPointer's parameters without it.
Py_ssize_t g_indices_3d[3] = {1, 2, 3};

// ---------------------------------------------------------------------------------------------
// The timed loops. Each is one function for both sides, so the machine code around the call
// is identical; only the pointer in `api` differs.

void check_buffer(benchmark::State &state, const Api *api, PyObject *obj) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(api->PyObject_CheckBuffer(obj));
  }
}

void get_release(benchmark::State &state, const Api *api, PyObject *obj, int flags) {
  Py_buffer view;
  int failed = 0;
  for (auto _ : state) {
    failed |= api->PyObject_GetBuffer(obj, &view, flags);
    api->PyBuffer_Release(&view);
    benchmark::ClobberMemory();  // the view was written and read back: keep each round trip
  }
  if (failed != 0) state.SkipWithError("PyObject_GetBuffer failed");
}

void is_contiguous(benchmark::State &state, const Api *api, Py_buffer *view, char order) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(api->PyBuffer_IsContiguous(view, order));
  }
}

void get_pointer(benchmark::State &state, const Api *api, Py_buffer *view, Py_ssize_t *indices) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(api->PyBuffer_GetPointer(view, indices));
  }
}

void fill_release(benchmark::State &state, const Api *api, PyObject *obj, int flags) {
  Py_buffer view;
  char *const buf = PyBytes_AS_STRING(obj);
  const Py_ssize_t len = PyBytes_GET_SIZE(obj);
  int failed = 0;
  for (auto _ : state) {
    failed |= api->PyBuffer_FillInfo(&view, obj, buf, len, 1, flags);
    api->PyBuffer_Release(&view);
    benchmark::ClobberMemory();
  }
  if (failed != 0) state.SkipWithError("PyBuffer_FillInfo failed");
}

// ---------------------------------------------------------------------------------------------
// Agreement before timing: a pair whose two sides answer differently is not compared.

bool same_view(const Py_buffer &a, const Py_buffer &b) {
  return a.buf == b.buf && a.obj == b.obj && a.len == b.len && a.itemsize == b.itemsize &&
         a.readonly == b.readonly && a.ndim == b.ndim &&
         (a.format == nullptr) == (b.format == nullptr) &&
         (a.format == nullptr || std::strcmp(a.format, b.format) == 0) &&
         (a.shape == nullptr) == (b.shape == nullptr) &&
         (a.strides == nullptr) == (b.strides == nullptr) &&
         (a.suboffsets == nullptr) == (b.suboffsets == nullptr);
}

void check_agreement() {
  for (PyObject *obj : {g_in.bytes, g_in.integer}) {
    if (g_ours.PyObject_CheckBuffer(obj) != g_host.PyObject_CheckBuffer(obj)) {
      fail("PyObject_CheckBuffer answers differ");
    }
  }
  const std::pair<PyObject *, int> requests[] = {{g_in.bytes, PyBUF_SIMPLE},
                                                 {g_in.bytearray, PyBUF_SIMPLE},
                                                 {g_in.memoryview, PyBUF_SIMPLE},
                                                 {g_in.memoryview_2d, PyBUF_FULL_RO}};
  for (const auto &[obj, flags] : requests) {
    const Py_ssize_t references = Py_REFCNT(obj);
    Py_buffer ours{}, host{};
    if (g_ours.PyObject_GetBuffer(obj, &ours, flags) != 0 ||
        g_host.PyObject_GetBuffer(obj, &host, flags) != 0) {
      PyErr_Print();
      fail("PyObject_GetBuffer failed on an input");
    }
    const bool same = same_view(ours, host);
    g_ours.PyBuffer_Release(&ours);
    g_host.PyBuffer_Release(&host);
    if (!same) fail("PyObject_GetBuffer views differ");
    if (Py_REFCNT(obj) != references) fail("a GetBuffer/Release round trip leaked a reference");
  }
  for (Py_buffer *view : {&g_in.view_1d, &g_in.view_3d}) {
    for (const char order : {'C', 'F', 'A'}) {
      if (g_ours.PyBuffer_IsContiguous(view, order) != g_host.PyBuffer_IsContiguous(view, order)) {
        fail(std::string("PyBuffer_IsContiguous answers differ for order ") + order);
      }
    }
  }
  if (g_ours.PyBuffer_GetPointer(&g_in.view_3d, g_indices_3d) !=
      g_host.PyBuffer_GetPointer(&g_in.view_3d, g_indices_3d)) {
    fail("PyBuffer_GetPointer answers differ");
  }
  Py_buffer ours{}, host{};
  char *const buf = PyBytes_AS_STRING(g_in.bytes);
  if (g_ours.PyBuffer_FillInfo(&ours, g_in.bytes, buf, 64, 1, PyBUF_FULL_RO) != 0 ||
      g_host.PyBuffer_FillInfo(&host, g_in.bytes, buf, 64, 1, PyBUF_FULL_RO) != 0) {
    fail("PyBuffer_FillInfo failed");
  }
  const bool same = same_view(ours, host);
  g_ours.PyBuffer_Release(&ours);
  g_host.PyBuffer_Release(&host);
  if (!same) fail("PyBuffer_FillInfo views differ");
}

// ---------------------------------------------------------------------------------------------

// Registers `run` twice, as <name>/ours then <name>/host, adjacent in the default order.
template <typename Run, typename... Args>
void add_pair(const std::string &name, Run run, Args... args) {
  for (const Api *api : {&g_ours, &g_host}) {
    benchmark::RegisterBenchmark((name + "/" + api->name).c_str(), run, api, args...)
        ->Unit(benchmark::kNanosecond);
  }
}

void register_benchmarks() {
  add_pair("CheckBuffer/bytes", check_buffer, g_in.bytes);
  add_pair("CheckBuffer/int", check_buffer, g_in.integer);
  add_pair("GetBuffer+Release/SIMPLE/bytes", get_release, g_in.bytes, PyBUF_SIMPLE);
  add_pair("GetBuffer+Release/SIMPLE/bytearray", get_release, g_in.bytearray, PyBUF_SIMPLE);
  add_pair("GetBuffer+Release/SIMPLE/memoryview", get_release, g_in.memoryview, PyBUF_SIMPLE);
  add_pair("GetBuffer+Release/FULL_RO/memoryview-2d", get_release, g_in.memoryview_2d,
           PyBUF_FULL_RO);
  for (const char order : {'C', 'F', 'A'}) {
    add_pair(std::string("IsContiguous/1d/") + order, is_contiguous, &g_in.view_1d, order);
  }
  for (const char order : {'C', 'F', 'A'}) {
    add_pair(std::string("IsContiguous/3d/") + order, is_contiguous, &g_in.view_3d, order);
  }
  add_pair("GetPointer/3d", get_pointer, &g_in.view_3d, g_indices_3d);
  add_pair("FillInfo+Release/FULL_RO/bytes", fill_release, g_in.bytes, PyBUF_FULL_RO);
}

}  // namespace

int main(int argc, char **argv) {
  // With call counting on, every call of ours adds an atomic increment the host does not pay.
  const char *counts = std::getenv("PYBUFFER_CALL_COUNTS");
  if (counts != nullptr && counts[0] != '\0') fail("unset PYBUFFER_CALL_COUNTS to benchmark");
  Py_InitializeEx(0);  // this thread holds the GIL from here to exit
  if (std::strncmp(Py_GetVersion(), PYBUFFER_BENCH_HOST_VERSION ".",
                   std::strlen(PYBUFFER_BENCH_HOST_VERSION ".")) != 0) {
    fail(std::string("the interpreter is ") + Py_GetVersion() + ", expected " +
         PYBUFFER_BENCH_HOST_VERSION);
  }
  load_apis();
  make_inputs();
  check_agreement();

  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::AddCustomContext("host", PYBUFFER_BENCH_HOST_ID);
  benchmark::AddCustomContext("host_version", Py_GetVersion());
  benchmark::AddCustomContext("host_library", real_path(PYBUFFER_BENCH_HOST_LIBRARY));
  benchmark::AddCustomContext("ours_library", real_path(PYBUFFER_BENCH_OURS_LIBRARY));
  benchmark::AddCustomContext("ours_names", "CPython's plain names, dlsym on libpybuffer's handle");
  register_benchmarks();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  // No Py_Finalize: the views and inputs live until exit, and finalising measures nothing.
  return 0;
}
