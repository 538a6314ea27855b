// PyBuffer_SizeFromFormat: pybuffer's (through its pybuffer_ twin) against the running
// libpython's own (read with dlsym on libpython's handle, since the plain name may bind to
// pybuffer), on typical formats, in one run:
//   cpython/<format>    libpython's function (struct.calcsize through the interpreter)
//   pybuffer/<format>   pybuffer's, with counters
//                         speedup        CPython's CPU ns per call / pybuffer's, against
//                                        the median of the cpython/<format> repetitions
//                         allocs         malloc calls per call (must be 0)
// Run with --benchmark_repetitions=N to get medians; bench/RESULTS.md has the command.
#include <Python.h>

#include <pybuffer/pybuffer.h>

#include <benchmark/benchmark.h>
#include <dlfcn.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include <time.h>

// Counts malloc calls made while `counting` is set, to show that the success path
// allocates nothing. Sanitizer runtimes own malloc, so the count is off under them.
#if defined(__SANITIZE_ADDRESS__)
#define PYBUFFER_BENCH_COUNT_MALLOC 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PYBUFFER_BENCH_COUNT_MALLOC 0
#endif
#endif
#ifndef PYBUFFER_BENCH_COUNT_MALLOC
#define PYBUFFER_BENCH_COUNT_MALLOC 1
#endif

namespace {
std::atomic<bool> counting{false};
std::atomic<long> mallocs{0};
}  // namespace

#if PYBUFFER_BENCH_COUNT_MALLOC
extern "C" void *__libc_malloc(size_t size);
extern "C" void *malloc(size_t size) {
  if (counting.load(std::memory_order_relaxed)) mallocs.fetch_add(1, std::memory_order_relaxed);
  return __libc_malloc(size);
}
#endif

namespace {

using SizeFromFormat = Py_ssize_t (*)(const char *);

SizeFromFormat cpython_function = nullptr;
std::map<std::string, std::vector<double>> cpython_ns;  // per format, one per repetition

// Formats exporters and C extensions actually pass: single codes, byte orders, records.
const char *const kFormats[] = {
    "B",   "i",     "d",     "<i",     ">d", "=q", "16s",     "3d",
    "iHd", "<iHdq", "@c3xi", "2i4h8s", "?",  "P",  "10s5i2d", "xcbB?hHiIlLqQnNefdspP"};

double thread_cpu_ns() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e9 + static_cast<double>(now.tv_nsec);
}

// CPU time per call of this thread: the ratio must not depend on what else the machine runs.
template <typename Call>
double time_loop(benchmark::State &state, Call call) {
  const double start = thread_cpu_ns();
  for (auto _ : state) benchmark::DoNotOptimize(call());
  return (thread_cpu_ns() - start) / static_cast<double>(state.iterations());
}

void bench_cpython(benchmark::State &state, const char *format) {
  const double ns = time_loop(state, [format] { return cpython_function(format); });
  cpython_ns[format].push_back(ns);
}

void bench_pybuffer(benchmark::State &state, const char *format) {
  if (pybuffer_PyBuffer_SizeFromFormat(format) != cpython_function(format)) {
    state.SkipWithError("pybuffer and CPython disagree on this format");
    return;
  }
  mallocs = 0;
  counting = true;
  const double ns = time_loop(state, [format] { return pybuffer_PyBuffer_SizeFromFormat(format); });
  counting = false;
  std::vector<double> reference = cpython_ns[format];
  if (!reference.empty()) {
    std::nth_element(reference.begin(), reference.begin() + reference.size() / 2, reference.end());
    state.counters["speedup"] = reference[reference.size() / 2] / ns;
  }
  state.counters["allocs"] =
      static_cast<double>(mallocs.load()) / static_cast<double>(state.iterations());
}

// libpython's own definition: the library holding Py_Initialize, asked by handle.
SizeFromFormat find_cpython_function() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void *>(&Py_Initialize), &info) == 0) return nullptr;
  void *handle = dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD);
  if (handle == nullptr) return nullptr;
  void *symbol = dlsym(handle, "PyBuffer_SizeFromFormat");
  Dl_info where{};
  if (symbol == nullptr || dladdr(symbol, &where) == 0 || where.dli_fbase != info.dli_fbase) {
    return nullptr;
  }
  return reinterpret_cast<SizeFromFormat>(symbol);
}

}  // namespace

int main(int argc, char **argv) {
  Py_Initialize();
  cpython_function = find_cpython_function();
  if (cpython_function == nullptr) {
    std::fprintf(stderr, "libpython's own PyBuffer_SizeFromFormat not found\n");
    return 1;
  }
  std::printf("CPython %s\n", Py_GetVersion());
  for (const char *format : kFormats) {
    benchmark::RegisterBenchmark(("cpython/" + std::string(format)).c_str(), bench_cpython, format);
    benchmark::RegisterBenchmark(("pybuffer/" + std::string(format)).c_str(), bench_pybuffer,
                                 format);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
