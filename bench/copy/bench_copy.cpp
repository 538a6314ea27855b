// Copy engine benchmark. Every case runs three ways in one process:
//   <case>/memcpy    memcpy of the same number of bytes (the bandwidth ceiling); for the
//                    getcontiguous cases into a block mapped fresh for each call (huge pages
//                    advised) and unmapped after, since their result must be new memory
//   <case>/cpython   the running libpython's own function, read with dlsym
//   <case>/pybuffer  pybuffer's twin (pybuffer_PyBuffer_ToContiguous, ...)
// The getcontiguous cases call PyMemoryView_GetContiguous(obj, PyBUF_READ, order) on an
// object exporting the strided view and drop the memoryview it returns: the allocation of
// the copy, the copy and the view's set-up and release are all timed, on both sides.
// Each reports bytes_per_second (bytes copied, not bytes touched) and two ratios measured in
// the same run, which matter on the pybuffer row: x_cpython (CPython's time / ours, so > 1
// is faster) and of_memcpy (memcpy's time / ours, the fraction of memcpy bandwidth reached).
//
// Run it with --benchmark_repetitions=N: the ratios then use the median of CPython's and
// memcpy's repetitions. bench/RESULTS.md has the command used for the committed numbers.
#include <Python.h>

#include <benchmark/benchmark.h>
#include <sys/mman.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "copy_harness.hpp"

namespace {

using copy_harness::CopyFunctions;
using ssize = Py_ssize_t;

constexpr std::size_t MiB = std::size_t{1} << 20;
constexpr std::size_t region_bytes = 136 * MiB;  // the largest case (4096^2 x 8) and slack

CopyFunctions g_real;
CopyFunctions g_ours;
PyObject *g_dest_object = nullptr;
PyObject *g_src_object = nullptr;
char *g_src = nullptr;  // source memory of every case
char *g_dst = nullptr;  // destination memory of every case

char *map_region() {
  void *p = mmap(nullptr, region_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return nullptr;
  std::memset(p, 0x5a, region_bytes);  // fault every page in before timing anything
  return static_cast<char *>(p);
}

enum class Op { to_contiguous, from_contiguous, copy_data, get_contiguous };

/// One benchmark case: a strided view and what it is copied to or from.
struct Case {
  std::string name;
  Op op = Op::to_contiguous;
  std::size_t bytes = 0;  // bytes one call copies
  char order = 'C';
  Py_buffer view{};             // to: the source; from: the destination; copy: the source
  Py_buffer dest{};             // copy: the destination
  char *packed = nullptr;       // to: the destination; from: the source
  long cpython_iterations = 0;  // fixed iteration count for slow CPython runs (0: automatic)
  // Storage the views point into.
  std::vector<ssize> shape, strides, suboffsets, dest_strides;
  std::vector<char *> table;
};

std::vector<std::unique_ptr<Case>> g_cases;

Py_buffer make_view(char *buf, ssize itemsize, const std::vector<ssize> &shape,
                    const std::vector<ssize> &strides, const std::vector<ssize> *suboffsets) {
  Py_buffer v{};
  ssize items = 1;
  for (const ssize extent : shape) items *= extent;
  v.buf = buf;
  v.len = items * itemsize;
  v.itemsize = itemsize;
  v.ndim = static_cast<int>(shape.size());
  v.format = const_cast<char *>("B");
  v.shape = const_cast<ssize *>(shape.data());
  v.strides = const_cast<ssize *>(strides.data());
  v.suboffsets = suboffsets != nullptr ? const_cast<ssize *>(suboffsets->data()) : nullptr;
  return v;
}

std::vector<ssize> c_strides(const std::vector<ssize> &shape, ssize itemsize) {
  std::vector<ssize> strides(shape.size());
  ssize step = itemsize;
  for (std::size_t k = shape.size(); k-- > 0;) {
    strides[k] = step;
    step *= shape[k];
  }
  return strides;
}

std::vector<ssize> f_strides(const std::vector<ssize> &shape, ssize itemsize) {
  std::vector<ssize> strides(shape.size());
  ssize step = itemsize;
  for (std::size_t k = 0; k < shape.size(); ++k) {
    strides[k] = step;
    step *= shape[k];
  }
  return strides;
}

/// A case whose strided side is `strides` over `shape` at `offset` bytes into its region.
/// to: read from g_src, written packed to g_dst; from: read packed from g_src, written to
/// g_dst; copy: the strided source in g_src, a C-contiguous destination in g_dst.
Case &add_case(const std::string &name, Op op, ssize itemsize, std::vector<ssize> shape,
               std::vector<ssize> strides, ssize offset = 0) {
  auto c = std::make_unique<Case>();
  c->name = name;
  c->op = op;
  c->shape = std::move(shape);
  c->strides = std::move(strides);
  char *strided = (op == Op::from_contiguous ? g_dst : g_src) + offset;
  c->view = make_view(strided, itemsize, c->shape, c->strides, nullptr);
  c->bytes = static_cast<std::size_t>(c->view.len);
  c->packed = op == Op::from_contiguous ? g_src : g_dst;
  if (op == Op::copy_data) {
    c->dest_strides = c_strides(c->shape, itemsize);
    c->dest = make_view(g_dst, itemsize, c->shape, c->dest_strides, nullptr);
  }
  g_cases.push_back(std::move(c));
  return *g_cases.back();
}

/// PIL-style: `planes` separately placed blocks of rows x columns items, reached through a
/// table of pointers (suboffsets {0, -1, -1}). Planes are laid out in reverse order with a
/// gap, so the table is not a disguised stride.
Case &add_pil_case(const std::string &name, Op op, ssize itemsize, ssize planes, ssize rows,
                   ssize columns) {
  auto c = std::make_unique<Case>();
  c->name = name;
  c->op = op;
  c->shape = {planes, rows, columns};
  c->strides = {static_cast<ssize>(sizeof(char *)), columns * itemsize, itemsize};
  c->suboffsets = {0, -1, -1};
  char *region = op == Op::from_contiguous ? g_dst : g_src;
  const ssize plane_bytes = rows * columns * itemsize;
  for (ssize p = 0; p < planes; ++p) {
    c->table.push_back(region + (planes - 1 - p) * (plane_bytes + 4096 + 64));
  }
  c->view = make_view(reinterpret_cast<char *>(c->table.data()), itemsize, c->shape, c->strides,
                      &c->suboffsets);
  c->bytes = static_cast<std::size_t>(c->view.len);
  c->packed = op == Op::from_contiguous ? g_src : g_dst;
  g_cases.push_back(std::move(c));
  return *g_cases.back();
}

int call(const Case &c, const CopyFunctions &f) {
  switch (c.op) {
    case Op::to_contiguous:
      return f.to_contiguous(c.packed, &c.view, c.view.len, c.order);
    case Op::from_contiguous:
      return f.from_contiguous(&c.view, c.packed, c.view.len, c.order);
    case Op::copy_data:
      return f.copy_data(g_dest_object, g_src_object);
    case Op::get_contiguous: {
      PyObject *copy = f.get_contiguous(g_src_object, PyBUF_READ, c.order);
      if (copy == nullptr) return -1;
      Py_DECREF(copy);
      return 0;
    }
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------
// Timing shared between the three rows of a case, for the ratios.

enum class Impl { memcpy, cpython, pybuffer };
const char *const impl_names[] = {"memcpy", "cpython", "pybuffer"};

struct Sample {
  benchmark::IterationCount iterations;
  double seconds_per_call;
};
std::map<std::pair<std::string, Impl>, std::vector<Sample>> g_samples;

// The median time per call over the final runs (the repetitions; Google Benchmark's first
// calls only estimate the iteration count and use fewer iterations).
double median_seconds(const std::string &name, Impl impl) {
  const auto found = g_samples.find({name, impl});
  if (found == g_samples.end() || found->second.empty()) return 0;
  benchmark::IterationCount most = 0;
  for (const Sample &s : found->second) most = std::max(most, s.iterations);
  std::vector<double> times;
  for (const Sample &s : found->second) {
    if (s.iterations == most) times.push_back(s.seconds_per_call);
  }
  std::sort(times.begin(), times.end());
  const std::size_t n = times.size();
  return n % 2 == 1 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
}

// The least any GetContiguous of `bytes` can do: map new memory, fill it, give it back.
int memcpy_into_fresh_block(std::size_t bytes) {
  void *block = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (block == MAP_FAILED) return 1;
  madvise(block, bytes, MADV_HUGEPAGE);
  std::memcpy(block, g_src, bytes);
  benchmark::ClobberMemory();
  munmap(block, bytes);
  return 0;
}

void run_benchmark(benchmark::State &state, const Case *c, Impl impl) {
  if (c->op == Op::copy_data) {
    copy_harness::set_layout(g_dest_object, c->dest);
    copy_harness::set_layout(g_src_object, c->view);
  }
  if (c->op == Op::get_contiguous) copy_harness::set_layout(g_src_object, c->view);
  const CopyFunctions &f = impl == Impl::cpython ? g_real : g_ours;
  int failed = 0;
  const auto start = std::chrono::steady_clock::now();
  if (impl == Impl::memcpy && c->op == Op::get_contiguous) {
    for (auto _ : state) failed |= memcpy_into_fresh_block(c->bytes);
  } else if (impl == Impl::memcpy) {
    for (auto _ : state) {
      std::memcpy(g_dst, g_src, c->bytes);
      benchmark::ClobberMemory();
    }
  } else {
    for (auto _ : state) {
      failed |= call(*c, f);
      benchmark::ClobberMemory();
    }
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (failed != 0) {
    PyErr_Print();
    state.SkipWithError("the copy function failed");
    return;
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(c->bytes));
  const double per_call = seconds / static_cast<double>(state.iterations());
  g_samples[{c->name, impl}].push_back(Sample{state.iterations(), per_call});
  // Every row carries both counters (the CSV reporter requires the same columns in every
  // row); they are 0 where the row they compare with has not run yet, and only the pybuffer
  // row, which runs last, has both.
  const double cpython = median_seconds(c->name, Impl::cpython);
  const double memcpy_time = median_seconds(c->name, Impl::memcpy);
  state.counters["x_cpython"] = cpython > 0 ? cpython / per_call : 0;
  state.counters["of_memcpy"] = memcpy_time > 0 ? memcpy_time / per_call : 0;
}

// ---------------------------------------------------------------------------------------------
// The cases

void define_cases() {
  // Contiguous: every implementation is one memcpy; this measures what surrounds it.
  for (const auto &[label, bytes] : {std::pair<const char *, ssize>{"4KiB", 4096},
                                     {"1MiB", static_cast<ssize>(MiB)},
                                     {"64MiB", static_cast<ssize>(64 * MiB)}}) {
    add_case(std::string("contiguous_") + label + "/to", Op::to_contiguous, 1, {bytes}, {1});
  }

  // 2-D transposes of a 4096 x 4096 C array: the view of its transpose to and from packed
  // memory, and CopyData from it into a C-contiguous array.
  for (const ssize itemsize : {1, 4, 8}) {
    const std::string size = "transpose4096_i" + std::to_string(itemsize);
    const ssize n = 4096;
    // CPython copies item by item; a handful of calls is plenty at 16M items per call.
    add_case(size + "/to", Op::to_contiguous, itemsize, {n, n}, {itemsize, n * itemsize})
        .cpython_iterations = 3;
    add_case(size + "/from", Op::from_contiguous, itemsize, {n, n}, {itemsize, n * itemsize})
        .cpython_iterations = 2;
    add_case(size + "/copydata", Op::copy_data, itemsize, {n, n}, {itemsize, n * itemsize})
        .cpython_iterations = 1;
  }

  // 1-D, every other 8-byte item: 2M items, 16 MiB copied out of 32 MiB.
  add_case("stride2_i8/to", Op::to_contiguous, 8, {ssize{1} << 21}, {16});
  add_case("stride2_i8/from", Op::from_contiguous, 8, {ssize{1} << 21}, {16});

  // 3-D with its middle dimension reversed: 64 x 256 x 256 four-byte items, 16 MiB.
  for (const Op op : {Op::to_contiguous, Op::from_contiguous}) {
    add_case(std::string("negstride3d_i4/") + (op == Op::to_contiguous ? "to" : "from"), op, 4,
             {64, 256, 256}, {256 * 256 * 4, -256 * 4, 4}, 255 * 256 * 4);
  }

  // PIL-style: 64 planes of 256 x 256 four-byte items through a pointer table, 16 MiB.
  add_pil_case("pil3d_i4/to", Op::to_contiguous, 4, 64, 256, 256);
  add_pil_case("pil3d_i4/from", Op::from_contiguous, 4, 64, 256, 256);

  // 16 dimensions of 2 and 3 items (1.68M four-byte items), Fortran-ordered, copied in C
  // order: a 16-dimensional transpose.
  std::vector<ssize> shape16;
  for (int i = 0; i < 16; ++i) shape16.push_back(i % 2 == 0 ? 2 : 3);
  add_case("ndim16_i4/to", Op::to_contiguous, 4, shape16, f_strides(shape16, 4));
  add_case("ndim16_i4/from", Op::from_contiguous, 4, shape16, f_strides(shape16, 4));

  // Round 2 (issue 14): an 8192 x 8192 one-byte transpose (64 MiB) both ways; 24 dimensions
  // of extent 2 (16M four-byte items, 64 MiB) Fortran-ordered, to and from C order; odd item
  // sizes (3 and 12 bytes, 48 MiB each) transposed; and CopyData between two transposed views
  // of padded 4096 x 4096 arrays whose row pitches differ (neither side contiguous).
  add_case("transpose8192_i1/to", Op::to_contiguous, 1, {8192, 8192}, {1, 8192})
      .cpython_iterations = 1;
  add_case("transpose8192_i1/from", Op::from_contiguous, 1, {8192, 8192}, {1, 8192})
      .cpython_iterations = 1;
  // A 3072 x 3072 one-byte transpose (9 MiB): a row pitch with 1024 as a factor that is not a
  // power of two, where the square blocks ran at a quarter of memcpy (bench/RESULTS.md).
  add_case("transpose3072_i1/to", Op::to_contiguous, 1, {3072, 3072}, {1, 3072})
      .cpython_iterations = 1;
  const std::vector<ssize> shape24(24, 2);
  add_case("ndim24_i4/to", Op::to_contiguous, 4, shape24, f_strides(shape24, 4))
      .cpython_iterations = 1;
  add_case("ndim24_i4/from", Op::from_contiguous, 4, shape24, f_strides(shape24, 4))
      .cpython_iterations = 1;
  add_case("transpose4096_i3/to", Op::to_contiguous, 3, {4096, 4096}, {3, 4096 * 3})
      .cpython_iterations = 1;
  // The same within the caches (3 MiB), where whole 3-byte tiles go through AVX-512 registers.
  add_case("transpose1024_i3/to", Op::to_contiguous, 3, {1024, 1024}, {3, 1024 * 3})
      .cpython_iterations = 1;
  add_case("transpose2048_i12/to", Op::to_contiguous, 12, {2048, 2048}, {12, 2048 * 12})
      .cpython_iterations = 1;
  {
    Case &both =
        add_case("copydata_transposed_both_i4", Op::copy_data, 4, {4096, 4096}, {4, 4100 * 4});
    both.cpython_iterations = 1;
    both.dest_strides = {4, 4104 * 4};
    both.dest = make_view(g_dst, 4, both.shape, both.dest_strides, nullptr);
  }

  // PyMemoryView_GetContiguous of 64 MiB views that are not contiguous: the transpose of a
  // 4096 x 4096 C array of 4-byte items asked for in C order, and the same array asked for
  // in Fortran order (CPython walks both item by item); every other 8-byte item of a 1-D
  // view (item by item too); and 8 rows of 8 MiB spaced 16 MiB apart, which CPython copies
  // with one memcpy per row.
  add_case("getcontiguous_transpose4096_i4/C", Op::get_contiguous, 4, {4096, 4096}, {4, 4096 * 4})
      .cpython_iterations = 2;
  add_case("getcontiguous_c4096_i4/F", Op::get_contiguous, 4, {4096, 4096}, {4096 * 4, 4}).order =
      'F';
  g_cases.back()->cpython_iterations = 2;
  add_case("getcontiguous_stride2_i8/C", Op::get_contiguous, 8, {ssize{1} << 23}, {16})
      .cpython_iterations = 3;
  add_case("getcontiguous_rows_i1/C", Op::get_contiguous, 1, {8, 8 * static_cast<ssize>(MiB)},
           {16 * static_cast<ssize>(MiB), 1});

  // Tiny buffers: the cost of a call. Contiguous (16 and 64 bytes), transposed (4 x 4 items
  // of 1 and of 4 bytes), and CopyData between two 64-byte objects.
  add_case("tiny16_contiguous/to", Op::to_contiguous, 1, {16}, {1});
  add_case("tiny64_contiguous/to", Op::to_contiguous, 1, {64}, {1});
  add_case("tiny16_transposed/to", Op::to_contiguous, 1, {4, 4}, {1, 4});
  add_case("tiny16_transposed/from", Op::from_contiguous, 1, {4, 4}, {1, 4});
  add_case("tiny64_transposed/to", Op::to_contiguous, 4, {4, 4}, {4, 16});
  add_case("tiny64_transposed/from", Op::from_contiguous, 4, {4, 4}, {4, 16});
  add_case("tiny64_transposed/copydata", Op::copy_data, 4, {4, 4}, {4, 16});
  add_case("tiny64_contiguous/copydata", Op::copy_data, 1, {64}, {1});
}

void register_benchmarks() {
  for (const auto &c : g_cases) {
    for (const Impl impl : {Impl::memcpy, Impl::cpython, Impl::pybuffer}) {
      auto *b =
          benchmark::RegisterBenchmark((c->name + "/" + impl_names[static_cast<int>(impl)]).c_str(),
                                       run_benchmark, c.get(), impl);
      b->UseRealTime()->Unit(benchmark::kMicrosecond);
      if (impl == Impl::cpython && c->cpython_iterations > 0) b->Iterations(c->cpython_iterations);
    }
  }
}

}  // namespace

int main(int argc, char **argv) {
  Py_InitializeEx(0);
  std::string libpython;
  std::string error;
  if (!copy_harness::load_real(&g_real, &libpython, &error)) {
    std::fprintf(stderr, "bench_copy: %s\n", error.c_str());
    return 2;
  }
  g_ours = copy_harness::ours();
  g_dest_object = copy_harness::new_exporter();
  g_src_object = copy_harness::new_exporter();
  g_src = map_region();
  g_dst = map_region();
  if (g_dest_object == nullptr || g_src_object == nullptr || g_src == nullptr || g_dst == nullptr) {
    std::fprintf(stderr, "bench_copy: set-up failed\n");
    return 2;
  }
  benchmark::AddCustomContext("libpython", libpython);
  benchmark::AddCustomContext("cpython", Py_GetVersion());
  benchmark::AddCustomContext("pybuffer", pybuffer_version());
  benchmark::AddCustomContext("compiler", __VERSION__);
  define_cases();
  register_benchmarks();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
