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
// Every case has three rows: <case>/ours and <case>/host, each Google Benchmark's loop around
// the one call, and <case>/paired, where the two alternate in short batches and the counters
// ours_ns, host_ns and ratio (ours / host) come from the same stretch of machine time. On a
// shared machine the paired ratio is the one to trust; the separate rows show the spread.
//
// Run with --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
// --benchmark_enable_random_interleaving=true; bench/results_table.py calls renders the CSVs.
#include <Python.h>

#include <benchmark/benchmark.h>
#include <dlfcn.h>
#include <limits.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#ifndef PYBUFFER_BENCH_HOST_ID
#error "PYBUFFER_BENCH_HOST_ID, _HOST_VERSION, _HOST_LIBRARY and _OURS_LIBRARY come from CMake"
#endif

// Before 3.8, PyObject_CheckBuffer is a macro in the host's headers, not a libpython function:
// the host side then times the macro, through host_check_buffer_macro, and the name is
// declared as 3.8 declares it (for its type only: the one called is found by dlsym).
#ifdef PyObject_CheckBuffer
static constexpr bool host_check_buffer_is_macro = true;
static int host_check_buffer_macro(PyObject *obj) {
  return PyObject_CheckBuffer(obj);
}
#undef PyObject_CheckBuffer
extern "C" int PyObject_CheckBuffer(PyObject *obj);
#else
static constexpr bool host_check_buffer_is_macro = false;
static int host_check_buffer_macro(PyObject *) {
  return -1;
}
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

// `name` from `handle`, checked to be defined in `expected_file`; the host's
// PyObject_CheckBuffer is host_check_buffer_macro where the host has only the macro.
void *find(const Api &api, void *handle, const char *name, const std::string &expected_file) {
  if (&api == &g_host && host_check_buffer_is_macro &&
      std::strcmp(name, "PyObject_CheckBuffer") == 0) {
    return reinterpret_cast<void *>(&host_check_buffer_macro);
  }
  void *symbol = dlsym(handle, name);
  if (symbol == nullptr) fail(std::string(api.name) + ": no " + name + " in " + expected_file);
  Dl_info where{};
  if (dladdr(symbol, &where) == 0 || where.dli_fname == nullptr) {
    fail(std::string(api.name) + ": dladdr cannot place " + name);
  }
  const std::string file = real_path(where.dli_fname);
  if (file != expected_file) {
    fail(std::string(api.name) + ": " + name + " is defined in " + file + ", expected " +
         expected_file);
  }
  return symbol;
}

// Fills `api` from `handle`.
void load(Api &api, void *handle, const std::string &expected_file) {
#define BENCH_CALLS_LOAD(fn) \
  api.fn = reinterpret_cast<decltype(api.fn)>(find(api, handle, #fn, expected_file));
  BENCH_CALLS_FUNCTIONS(BENCH_CALLS_LOAD)
#undef BENCH_CALLS_LOAD
}

void load_apis() {
  const std::string host_file = real_path(PYBUFFER_BENCH_HOST_LIBRARY);
  const std::string ours_file = real_path(PYBUFFER_BENCH_OURS_LIBRARY);
  // RTLD_NOLOAD: a handle to the libpython already serving this process, never a second one.
  void *host = dlopen(PYBUFFER_BENCH_HOST_LIBRARY, RTLD_NOW | RTLD_NOLOAD);
  // (A refused RTLD_NOLOAD leaves no dlerror() text.)
  if (host == nullptr) fail(host_file + " is not loaded: the running libpython is another");
  if (dlsym(host, "pybuffer_version") != nullptr) fail(host_file + " exports pybuffer_version");
  void *ours = dlopen(PYBUFFER_BENCH_OURS_LIBRARY, RTLD_NOW | RTLD_LOCAL);
  if (ours == nullptr) {
    const char *why = dlerror();
    fail("cannot load " + ours_file + ": " + (why != nullptr ? why : "?"));
  }
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
// The calls timed: one functor per kind of case, inlined into the loops below, so the machine
// code around the call is the same for both sides; only the pointer in `api` differs. Each
// returns what the call returned, for DoNotOptimize. check_agreement() has already shown that
// every call succeeds on these inputs.

struct CheckBuffer {
  PyObject *obj;
  int operator()(const Api *api) const { return api->PyObject_CheckBuffer(obj); }
};

struct GetRelease {
  PyObject *obj;
  int flags;
  int operator()(const Api *api) const {
    Py_buffer view;
    const int result = api->PyObject_GetBuffer(obj, &view, flags);
    if (result == 0) api->PyBuffer_Release(&view);
    benchmark::ClobberMemory();  // the view was written and read back: keep each round trip
    return result;
  }
};

struct IsContiguous {
  Py_buffer *view;
  char order;
  int operator()(const Api *api) const { return api->PyBuffer_IsContiguous(view, order); }
};

struct GetPointer {
  Py_buffer *view;
  Py_ssize_t *indices;
  void *operator()(const Api *api) const { return api->PyBuffer_GetPointer(view, indices); }
};

struct FillRelease {
  PyObject *obj;  // a bytes object, exporting its own storage
  int flags;
  int operator()(const Api *api) const {
    Py_buffer view;
    const int result =
        api->PyBuffer_FillInfo(&view, obj, PyBytes_AS_STRING(obj), PyBytes_GET_SIZE(obj), 1, flags);
    if (result == 0) api->PyBuffer_Release(&view);
    benchmark::ClobberMemory();
    return result;
  }
};

// Every row carries the paired counters (the CSV reporter wants the same columns in every
// row); only <case>/paired fills them.
void set_paired_counters(benchmark::State &state, double ours_ns, double host_ns) {
  state.counters["ours_ns"] = ours_ns;
  state.counters["host_ns"] = host_ns;
  state.counters["ratio"] = host_ns > 0 ? ours_ns / host_ns : 0;
}

// <case>/ours and <case>/host: Google Benchmark's own loop around one call.
template <typename Call>
void timed(benchmark::State &state, const Api *api, Call call) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(call(api));
  }
  set_paired_counters(state, 0, 0);
}

// <case>/paired: ours and the host alternate in batches of a few microseconds, the side
// going first swapped every round, so both see the same machine (the other engineers' jobs,
// the VM's neighbours, frequency). Each side's time per call is its median batch, which
// drops batches hit by a preemption; ratio is ours over host. The row's own time is that of
// a round (two batches) and means nothing.
template <typename Call>
void paired(benchmark::State &state, Call call) {
  using Clock = std::chrono::steady_clock;
  constexpr int batch = 256;
  std::vector<double> batches[2];  // nanoseconds per batch: ours, host
  for (auto &side : batches) side.reserve(static_cast<std::size_t>(state.max_iterations));
  const Api *const apis[2] = {&g_ours, &g_host};
  int first = 0;
  for (auto _ : state) {
    for (int k = 0; k < 2; ++k) {
      const int side = first ^ k;
      const Api *const api = apis[side];
      const auto start = Clock::now();
      for (int i = 0; i < batch; ++i) {
        benchmark::DoNotOptimize(call(api));
      }
      const auto stop = Clock::now();
      batches[side].push_back(std::chrono::duration<double, std::nano>(stop - start).count());
    }
    first ^= 1;
  }
  double per_call[2] = {0, 0};
  for (int side = 0; side < 2; ++side) {
    std::vector<double> &times = batches[side];
    if (times.empty()) continue;
    std::nth_element(times.begin(), times.begin() + times.size() / 2, times.end());
    per_call[side] = times[times.size() / 2] / batch;
  }
  set_paired_counters(state, per_call[0], per_call[1]);
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

// The cases in registration order, for the report (random interleaving shuffles the rows).
std::string g_case_order;

// Registers <name>/ours, <name>/host and <name>/paired, adjacent in the default order.
template <typename Call>
void add_case(const std::string &name, Call call) {
  g_case_order += (g_case_order.empty() ? "" : " ") + name;
  for (const Api *api : {&g_ours, &g_host}) {
    benchmark::RegisterBenchmark((name + "/" + api->name).c_str(), timed<Call>, api, call)
        ->Unit(benchmark::kNanosecond);
  }
  benchmark::RegisterBenchmark((name + "/paired").c_str(), paired<Call>, call)
      ->Unit(benchmark::kNanosecond);
}

void register_benchmarks() {
  add_case("CheckBuffer/bytes", CheckBuffer{g_in.bytes});
  add_case("CheckBuffer/int", CheckBuffer{g_in.integer});
  add_case("GetBuffer+Release/SIMPLE/bytes", GetRelease{g_in.bytes, PyBUF_SIMPLE});
  add_case("GetBuffer+Release/SIMPLE/bytearray", GetRelease{g_in.bytearray, PyBUF_SIMPLE});
  add_case("GetBuffer+Release/SIMPLE/memoryview", GetRelease{g_in.memoryview, PyBUF_SIMPLE});
  add_case("GetBuffer+Release/FULL_RO/memoryview-2d",
           GetRelease{g_in.memoryview_2d, PyBUF_FULL_RO});
  for (Py_buffer *view : {&g_in.view_1d, &g_in.view_3d}) {
    for (const char order : {'C', 'F', 'A'}) {
      add_case(std::string("IsContiguous/") + (view == &g_in.view_1d ? "1d/" : "3d/") + order,
               IsContiguous{view, order});
    }
  }
  add_case("GetPointer/3d", GetPointer{&g_in.view_3d, g_indices_3d});
  add_case("FillInfo+Release/FULL_RO/bytes", FillRelease{g_in.bytes, PyBUF_FULL_RO});
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
  std::string version = Py_GetVersion();  // 3.9's spans two lines
  for (char &c : version) c = c == '\n' ? ' ' : c;
  benchmark::AddCustomContext("host_version", version);
  benchmark::AddCustomContext("host_library", real_path(PYBUFFER_BENCH_HOST_LIBRARY));
  benchmark::AddCustomContext("ours_library", real_path(PYBUFFER_BENCH_OURS_LIBRARY));
  benchmark::AddCustomContext("ours_names", "CPython's plain names, dlsym on libpybuffer's handle");
  register_benchmarks();
  benchmark::AddCustomContext("cases", g_case_order);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  // No Py_Finalize: the views and inputs live until exit, and finalising measures nothing.
  return 0;
}
