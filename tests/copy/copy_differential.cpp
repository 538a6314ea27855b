// Differential test of the copy engine's three front ends against the host's own libpython.
//
// Every case builds random layouts in one guarded arena (random gaps before every block,
// random bytes everywhere, PIL-style pointer tables where a dimension has a suboffset), takes
// an image of the whole arena, runs CPython's function, keeps the arena it leaves, restores
// the image, runs pybuffer's twin, and requires the same return value, the same exception
// (class and message) and the same arena byte for byte, guard bytes included.
//
// Then two families where pybuffer deliberately differs from CPython are checked against a
// first-principles reference instead: PyObject_CopyData between overlapping views (result of
// copying through a temporary) and between non-contiguous views of different shape
// (BufferError, nothing written).
//
// Inputs stay well-formed: len == product(shape) * itemsize, destinations never write one
// byte twice (zero and interleaved strides only on the reading side). A last, smaller family
// breaks that rule on purpose: destinations whose items share bytes, compared with CPython.
//
// Environment: PYBUFFER_COPY_SEED (default: fixed), PYBUFFER_COPY_CASES (default 100000),
// PYBUFFER_COPY_CASE (run that one case only, to reproduce a failure).
#include <Python.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "copy_harness.hpp"
#include "guarded_arena.hpp"
#include "python_raised.hpp"
#include "python_start.hpp"

namespace {

using copy_harness::CopyFunctions;
using ssize = Py_ssize_t;
using Bytes = std::vector<unsigned char>;

constexpr int max_ndim = 64;
constexpr std::uint64_t default_seed = 0x5eed'c0de'2024'0004ULL;

// ---------------------------------------------------------------------------------------------
// Randomness

struct Rng {
  std::mt19937_64 engine;

  explicit Rng(std::uint64_t seed) : engine(seed) {}
  std::uint64_t next() { return engine(); }
  /// Uniform in [lo, hi].
  ssize uniform(ssize lo, ssize hi) {
    return lo + static_cast<ssize>(next() % static_cast<std::uint64_t>(hi - lo + 1));
  }
  bool chance(int numerator, int denominator) { return uniform(1, denominator) <= numerator; }
};

std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// ---------------------------------------------------------------------------------------------
// The arena (tests/common): every byte a case can touch lives in it, so one image covers
// every guard.

using Arena = pybuffer_test::GuardedArena;

/// A block of `bytes` bytes after a random guard gap of 16-47 bytes, at a random offset from
/// 64-byte alignment (none if `aligned`). NULL when the arena is full.
char *allocate(Rng &rng, Arena &arena, ssize bytes, bool aligned = false) {
  const auto gap = static_cast<std::size_t>(rng.uniform(16, 47));
  const std::size_t misalign = aligned ? 0 : static_cast<std::size_t>(rng.uniform(0, 15));
  return arena.allocate_after(gap, static_cast<std::size_t>(bytes), 64, misalign);
}

// ---------------------------------------------------------------------------------------------
// Layouts

enum class Side { read, write };  // write: no byte may belong to two items

struct Layout {
  int ndim = 0;
  ssize itemsize = 1;
  ssize shape[max_ndim] = {};
  ssize strides[max_ndim] = {};
  ssize suboffsets[max_ndim] = {};
  bool indirect = false;
  char *buf = nullptr;

  ssize items() const {
    ssize n = 1;
    for (int i = 0; i < ndim; ++i) n *= shape[i];
    return n;
  }
  ssize len() const { return items() * itemsize; }

  Py_buffer view() const {
    Py_buffer v{};
    v.buf = buf;
    v.obj = nullptr;
    v.len = len();
    v.itemsize = itemsize;
    v.readonly = 0;
    v.ndim = ndim;
    v.format = const_cast<char *>("B");
    v.shape = const_cast<ssize *>(shape);
    v.strides = const_cast<ssize *>(strides);
    v.suboffsets = indirect ? const_cast<ssize *>(suboffsets) : nullptr;
    return v;
  }

  /// The address of the item at `index`, as PyBuffer_GetPointer defines it.
  char *address(const ssize *index) const {
    char *p = buf;
    for (int i = 0; i < ndim; ++i) {
      p += strides[i] * index[i];
      if (indirect && suboffsets[i] >= 0) {
        char *next;
        std::memcpy(&next, p, sizeof next);
        p = next + suboffsets[i];
      }
    }
    return p;
  }

  /// Every item's address in C order.
  std::vector<char *> addresses() const {
    std::vector<char *> out;
    const ssize n = items();
    if (n == 0) return out;
    out.reserve(static_cast<std::size_t>(n));
    ssize index[max_ndim] = {};
    for (ssize k = 0; k < n; ++k) {
      out.push_back(address(index));
      for (int i = ndim - 1; i >= 0; --i) {
        if (++index[i] < shape[i]) break;
        index[i] = 0;
      }
    }
    return out;
  }

  std::string describe() const {
    std::ostringstream out;
    out << "ndim=" << ndim << " itemsize=" << itemsize << " shape=(";
    for (int i = 0; i < ndim; ++i) out << (i ? "," : "") << shape[i];
    out << ") strides=(";
    for (int i = 0; i < ndim; ++i) out << (i ? "," : "") << strides[i];
    out << ")";
    if (indirect) {
      out << " suboffsets=(";
      for (int i = 0; i < ndim; ++i) out << (i ? "," : "") << suboffsets[i];
      out << ")";
    }
    return out.str();
  }
};

/// A random shape of `ndim` extents, at most `max_items` items. Extents 0-7, plus now and then
/// longer ones so that merged axes and whole register-transpose squares occur.
void random_shape(Rng &rng, int ndim, ssize max_items, bool long_extents, ssize *shape) {
  for (int i = 0; i < ndim; ++i) {
    if (ndim > 8) {
      shape[i] = rng.chance(1, 8) ? rng.uniform(2, 3) : 1;
    } else if (long_extents) {
      shape[i] = rng.chance(1, 2) ? rng.uniform(8, 70) : rng.uniform(1, 7);
    } else {
      shape[i] = rng.uniform(1, 7);
    }
    if (rng.chance(1, 40)) shape[i] = 0;
  }
  for (;;) {
    ssize items = 1;
    for (int i = 0; i < ndim; ++i) items *= shape[i];
    if (items <= max_items) return;
    const int i = static_cast<int>(rng.uniform(0, ndim - 1));
    shape[i] = (shape[i] + 1) / 2;
  }
}

/// Span [low, high) of items of `item` bytes over dimensions [first, end).
void span_of(const Layout &l, int first, int end, ssize item, ssize *low, ssize *high) {
  *low = 0;
  *high = item;
  for (int i = first; i < end; ++i) {
    const ssize reach = (l.shape[i] > 0 ? l.shape[i] - 1 : 0) * l.strides[i];
    if (reach < 0) {
      *low += reach;
    } else {
      *high += reach;
    }
  }
}

/// Strides for dimensions [first, end) of items of `item` bytes. Writable layouts are packed
/// in some dimension order, perhaps with padding between items and rows, some dimensions
/// reflected; readable ones may also repeat items (zero strides) or step by any byte count.
void random_strides(Rng &rng, Layout &l, int first, int end, ssize item, Side side) {
  const int n = end - first;
  if (n <= 0) return;
  int order[max_ndim];
  for (int k = 0; k < n; ++k) order[k] = first + k;
  const int kind = static_cast<int>(rng.uniform(0, side == Side::read ? 5 : 3));
  if (kind == 1) std::reverse(order, order + n);  // Fortran
  if (kind >= 2) std::shuffle(order, order + n, rng.engine);
  if (kind == 5) {  // anything, overlapping items included
    for (int i = first; i < end; ++i) l.strides[i] = rng.uniform(-3 * item - 5, 3 * item + 5);
  } else {
    const bool padded = kind == 3 || kind == 4;
    ssize step = padded ? item + rng.uniform(0, 9) : item;
    for (int k = n - 1; k >= 0; --k) {
      const int i = order[k];
      l.strides[i] = step;
      const ssize extent = std::max<ssize>(l.shape[i], 1);
      step *= padded && n <= 8 && rng.chance(1, 2) ? extent + rng.uniform(1, 2) : extent;
    }
    if (kind == 4) {  // broadcast some dimensions
      for (int i = first; i < end; ++i) {
        if (rng.chance(1, 3)) l.strides[i] = 0;
      }
    }
  }
  for (int i = first; i < end; ++i) {
    if (rng.chance(1, 3)) l.strides[i] = -l.strides[i];
  }
}

/// A block holding dimensions [first, end) of items of `item` bytes; returns the address of
/// index 0 (which a reflected dimension puts inside the block, not at its start).
char *place(Rng &rng, Arena &arena, const Layout &l, int first, int end, ssize item) {
  ssize low = 0;
  ssize high = 0;
  span_of(l, first, end, item, &low, &high);
  char *block = allocate(rng, arena, high - low);
  return block == nullptr ? nullptr : block - low;
}

struct Builder {
  Rng &rng;
  Arena &arena;
  Layout &layout;
  int segment_end[max_ndim + 1];  // segment s covers [start, segment_end[s]]; last: data
  int segments;
  bool share;  // readable: a pointer table may point all its slots at one block

  // Builds segment s starting at dimension `first`; returns the address of its index 0.
  char *build(int s, int first) {
    if (s == segments - 1) return place(rng, arena, layout, first, layout.ndim, layout.itemsize);
    const int last = segment_end[s];  // a dimension with a suboffset
    char *table = place(rng, arena, layout, first, last + 1, static_cast<ssize>(sizeof(char *)));
    if (table == nullptr) return nullptr;
    ssize index[max_ndim] = {};
    ssize slots = 1;
    for (int i = first; i <= last; ++i) slots *= layout.shape[i];
    char *shared = nullptr;
    for (ssize k = 0; k < slots; ++k) {
      char *slot = table;
      for (int i = first; i <= last; ++i) slot += index[i] * layout.strides[i];
      char *child = share && shared != nullptr ? shared : build(s + 1, last + 1);
      if (child == nullptr) return nullptr;
      shared = child;
      char *pointer = child - layout.suboffsets[last];  // the gap before each block covers it
      std::memcpy(slot, &pointer, sizeof pointer);
      for (int i = last; i >= first; --i) {
        if (++index[i] < layout.shape[i]) break;
        index[i] = 0;
      }
    }
    return table;
  }
};

/// A random layout of the given shape in the arena; false when the arena is full.
bool build_layout(Rng &rng, Arena &arena, int ndim, const ssize *shape, ssize itemsize,
                  bool indirect, Side side, Layout &l) {
  l.ndim = ndim;
  l.itemsize = itemsize;
  std::copy(shape, shape + ndim, l.shape);
  l.indirect = indirect && ndim > 0;
  Builder builder{rng, arena, l, {}, 0, side == Side::read && rng.chance(1, 4)};
  if (l.indirect) {
    // PIL-style most often: the first dimension through a pointer table; otherwise any set.
    bool any = false;
    for (int i = 0; i < ndim; ++i) {
      const bool through = rng.chance(1, 2) ? i == 0 : rng.chance(1, 3);
      l.suboffsets[i] = through ? rng.uniform(0, 16) : -rng.uniform(1, 3);
      any = any || through;
    }
    if (!any) l.suboffsets[0] = 0;
    for (int i = 0; i < ndim; ++i) {
      if (l.suboffsets[i] >= 0) builder.segment_end[builder.segments++] = i;
    }
  }
  builder.segment_end[builder.segments++] = ndim;  // the data
  int first = 0;
  for (int s = 0; s < builder.segments; ++s) {
    const int end = s == builder.segments - 1 ? ndim : builder.segment_end[s] + 1;
    const bool data = s == builder.segments - 1;
    random_strides(rng, l, first, end, data ? itemsize : static_cast<ssize>(sizeof(char *)),
                   data ? side : Side::write);
    first = end;
  }
  l.buf = builder.build(0, 0);
  return l.buf != nullptr;
}

// ---------------------------------------------------------------------------------------------
// Running one function on both implementations

struct Outcome {
  int result = 0;
  PyObject *error_type = nullptr;  // borrowed class, compared by identity
  std::string message;
};

Outcome take_outcome(int result) {
  const pybuffer_test::Raised raised = pybuffer_test::take_exception();
  return Outcome{result, raised.type, raised.message};
}

std::string describe(const Outcome &o) {
  if (o.error_type == nullptr) return "returned " + std::to_string(o.result);
  return "returned " + std::to_string(o.result) + " with " +
         reinterpret_cast<PyTypeObject *>(o.error_type)->tp_name + ": " + o.message;
}

struct Stats {
  long cases = 0;
  long failures = 0;
  long by_op[3] = {};
  long indirect = 0;
  long errors_compared = 0;
  long overlap_cases = 0;
  long overlapping = 0;
  long mismatch_cases = 0;
  long aliasing_cases = 0;
  long large_cases = 0;
  long large_runs = 0;
};

enum Op { to_contiguous, from_contiguous, copy_data };
const char *const op_names[] = {"PyBuffer_ToContiguous", "PyBuffer_FromContiguous",
                                "PyObject_CopyData"};

struct Context {
  CopyFunctions real;
  CopyFunctions ours;
  Arena arena{std::size_t{8} << 20};
  PyObject *dest_object = nullptr;
  PyObject *src_object = nullptr;
  Stats stats;
  std::uint64_t seed = default_seed;
};

/// Runs `call(functions)` on both implementations from the same image of `arena` and compares.
template <class Call>
bool compare_in(Context &c, Arena &arena, long number, const std::string &what, const Call &call) {
  const Bytes before = arena.image();
  const Outcome expected = take_outcome(call(c.real));
  const Bytes after_real = arena.image();
  arena.restore(before);
  const Outcome got = take_outcome(call(c.ours));
  const bool same_outcome = expected.result == got.result &&
                            expected.error_type == got.error_type &&
                            expected.message == got.message;
  const bool same_bytes = arena.matches(after_real);
  if (expected.error_type != nullptr) ++c.stats.errors_compared;
  if (same_outcome && same_bytes) return true;
  ++c.stats.failures;
  if (c.stats.failures <= 10) {
    std::fprintf(stderr, "FAIL case %ld (seed %" PRIu64 "): %s\n  CPython: %s\n  pybuffer: %s\n",
                 number, c.seed, what.c_str(), describe(expected).c_str(), describe(got).c_str());
    if (!same_bytes) {
      std::fprintf(stderr, "  memory differs first at arena offset %ld\n",
                   arena.first_difference(after_real));
    }
  }
  return false;
}

template <class Call>
bool compare(Context &c, long number, const std::string &what, const Call &call) {
  return compare_in(c, c.arena, number, what, call);
}

char random_order(Rng &rng) {
  const char orders[] = {'C', 'F', 'A'};
  return orders[rng.uniform(0, 2)];
}

/// ndim 0-8 mostly, now and then up to 64.
int random_ndim(Rng &rng) {
  return rng.chance(1, 40) ? static_cast<int>(rng.uniform(9, max_ndim))
                           : static_cast<int>(rng.uniform(0, 8));
}

ssize random_itemsize(Rng &rng) {
  const ssize common[] = {1, 2, 4, 8, 16};
  return rng.chance(2, 3) ? common[rng.uniform(0, 4)] : rng.uniform(1, 16);
}

// One random differential case; false when the arena could not hold it (then it is redrawn).
bool run_case(Context &c, long number) {
  Rng rng(mix(c.seed ^ mix(static_cast<std::uint64_t>(number))));
  c.arena.reset(rng.next());
  const Op op = static_cast<Op>(rng.uniform(0, 2));
  const int ndim = random_ndim(rng);
  ssize shape[max_ndim];
  // One draw per statement: the order in which arguments are evaluated is unspecified, and
  // the cases of a seed must not depend on the compiler.
  const ssize max_items = rng.chance(1, 8) ? 4096 : 600;
  const bool long_extents = rng.chance(1, 6);
  random_shape(rng, ndim, max_items, long_extents, shape);
  const ssize itemsize = random_itemsize(rng);
  const char order = random_order(rng);
  const bool indirect = ndim > 0 && rng.chance(1, 4);

  Layout view;
  std::ostringstream what;
  what << op_names[op] << " order " << order << "\n";
  if (op == to_contiguous || op == from_contiguous) {
    const Side side = op == to_contiguous ? Side::read : Side::write;
    if (!build_layout(rng, c.arena, ndim, shape, itemsize, indirect, side, view)) return false;
    const Py_buffer pyview = view.view();
    ssize len = pyview.len;
    if (op == to_contiguous && rng.chance(1, 50)) len += rng.uniform(-2, 2);  // error path
    if (op == from_contiguous) {
      const int kind = static_cast<int>(rng.uniform(0, 3));
      if (kind == 1) len = rng.uniform(0, pyview.len);                        // a prefix, any bytes
      if (kind == 2) len = rng.uniform(0, pyview.len / itemsize) * itemsize;  // whole items
      if (kind == 3) len = pyview.len + rng.uniform(1, 40);                   // more than the view
    }
    char *packed = allocate(rng, c.arena, std::max<ssize>(len, 0));
    if (packed == nullptr) return false;
    what << "  view: " << view.describe() << "\n  len " << len;
    if (op == to_contiguous) {
      compare(c, number, what.str(),
              [&](const CopyFunctions &f) { return f.to_contiguous(packed, &pyview, len, order); });
    } else {
      compare(c, number, what.str(), [&](const CopyFunctions &f) {
        return f.from_contiguous(&pyview, packed, len, order);
      });
    }
  } else {
    // Destination items may be wider than the source's (only the source's bytes are
    // copied into each) or, now and then, narrower: then the destination is too small.
    ssize dest_itemsize = itemsize;
    if (rng.chance(1, 10)) dest_itemsize = itemsize + rng.uniform(1, 4);
    if (rng.chance(1, 40) && itemsize > 1) dest_itemsize = itemsize - 1;
    Layout dest;
    if (!build_layout(rng, c.arena, ndim, shape, itemsize, indirect, Side::read, view)) {
      return false;
    }
    if (!build_layout(rng, c.arena, ndim, shape, dest_itemsize, rng.chance(1, 4), Side::write,
                      dest)) {
      return false;
    }
    copy_harness::set_layout(c.src_object, view.view());
    copy_harness::set_layout(c.dest_object, dest.view());
    what << "  dest: " << dest.describe() << "\n  src: " << view.describe();
    compare(c, number, what.str(),
            [&](const CopyFunctions &f) { return f.copy_data(c.dest_object, c.src_object); });
    if (dest.indirect) ++c.stats.indirect;
  }
  if (view.indirect) ++c.stats.indirect;
  ++c.stats.by_op[op];
  ++c.stats.cases;
  return true;
}

// One large case: `op` between the view and packed memory (CopyData: into a C-contiguous
// view of the packed memory, through the two exporter objects).
void compare_large(Context &c, Arena &arena, long number, const std::string &what, Op op,
                   const Layout &view, char *packed) {
  const Py_buffer pyview = view.view();
  const auto check = [&](const auto &call) { compare_in(c, arena, number, what, call); };
  if (op == to_contiguous) {
    check(
        [&](const CopyFunctions &f) { return f.to_contiguous(packed, &pyview, pyview.len, 'C'); });
  } else if (op == from_contiguous) {
    check([&](const CopyFunctions &f) {
      return f.from_contiguous(&pyview, packed, pyview.len, 'C');
    });
  } else {
    Layout dest = view;
    dest.buf = packed;
    ssize step = view.itemsize;
    for (int i = view.ndim - 1; i >= 0; --i) {
      dest.strides[i] = step;
      step *= view.shape[i];
    }
    copy_harness::set_layout(c.src_object, view.view());
    copy_harness::set_layout(c.dest_object, dest.view());
    check([&](const CopyFunctions &f) { return f.copy_data(c.dest_object, c.src_object); });
  }
}

// Large transposes (8 MiB and more), where the engine writes whole destination lines with
// streaming stores when they are 16-byte aligned: every item size with register transposes,
// aligned and unaligned, whole tiles and ragged edges, in the three directions.
void run_large_cases(Context &c, Arena &arena) {
  struct Large {
    ssize itemsize, rows, columns;
    bool aligned;
  };
  const Large cases[] = {{1, 3008, 2999, true}, {2, 2048, 2101, false}, {4, 1504, 1520, true},
                         {8, 1040, 1031, true}, {8, 1033, 1040, false}, {4, 2047, 1100, false}};
  long number = 0;
  for (const Large &large : cases) {
    for (const Op op : {to_contiguous, from_contiguous, copy_data}) {
      Rng rng(mix(c.seed ^ mix(0x1a49eULL + static_cast<std::uint64_t>(number))));
      arena.reset(rng.next());
      // The transpose of a C-contiguous rows x columns array.
      Layout view;
      view.ndim = 2;
      view.itemsize = large.itemsize;
      view.shape[0] = large.columns;
      view.shape[1] = large.rows;
      view.strides[0] = large.itemsize;
      view.strides[1] = large.columns * large.itemsize;
      view.buf = allocate(rng, arena, view.len(), large.aligned);
      char *packed = allocate(rng, arena, view.len(), large.aligned);
      std::ostringstream what;
      what << op_names[op] << ", large transpose " << number << "\n  view: " << view.describe();
      compare_large(c, arena, number, what.str(), op, view, packed);
      ++c.stats.large_cases;
      ++number;
    }
  }
}

// Large strided runs into packed memory (8 MiB and more), where the engine gathers 4- and
// 8-byte items into 16-byte streaming stores once the destination is 16-byte aligned: packed
// memory at every offset from 16-byte alignment that matters (0, 4, 8, 3: aligned at once,
// after some items, never), 1-D and under an outer axis, forwards and backwards.
void run_large_runs(Context &c, Arena &arena) {
  struct Run {
    ssize itemsize, rows, items, step;  // step: source stride in items (negative: backwards)
    ssize misalign;                     // packed memory's offset from 16-byte alignment
  };
  const Run cases[] = {{8, 1, 1100000, 2, 0}, {8, 1, 1100001, 2, 8},   {8, 1, 1048577, 3, 3},
                       {4, 1, 2200003, 2, 4}, {4, 1, 2100000, -2, 12}, {8, 1031, 1100, 2, 8},
                       {4, 1100, 2047, 3, 0}};
  long number = 0;
  for (const Run &run : cases) {
    for (const Op op : {to_contiguous, from_contiguous, copy_data}) {
      Rng rng(mix(c.seed ^ mix(0x5e7a9ULL + static_cast<std::uint64_t>(number))));
      arena.reset(rng.next());
      // Rows are padded, so that an outer axis never merges with the run.
      const ssize pitch = run.items * (run.step < 0 ? -run.step : run.step) * run.itemsize + 24;
      Layout view;
      view.itemsize = run.itemsize;
      view.ndim = run.rows > 1 ? 2 : 1;
      view.shape[view.ndim - 1] = run.items;
      view.strides[view.ndim - 1] = run.step * run.itemsize;
      if (view.ndim == 2) {
        view.shape[0] = run.rows;
        view.strides[0] = pitch;
      }
      char *region = allocate(rng, arena, pitch * run.rows, true);
      view.buf = run.step < 0 ? region + pitch - 24 - run.itemsize : region;
      char *packed = allocate(rng, arena, view.len() + 16, true) + run.misalign;
      std::ostringstream what;
      what << op_names[op] << ", large strided run " << number << " (packed side " << run.misalign
           << " bytes past 16-byte alignment)\n  view: " << view.describe();
      compare_large(c, arena, number, what.str(), op, view, packed);
      ++c.stats.large_runs;
      ++number;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Where pybuffer deliberately differs: checked against first principles

// PyObject_CopyData between views of one shape over one region, the destination placed at a
// random byte distance from the source. Expected: every source item read (in C order) before
// any destination item is written.
bool run_overlap_case(Context &c, long number) {
  Rng rng(mix(c.seed ^ mix(0x0fe7'1a90ULL + static_cast<std::uint64_t>(number))));
  c.arena.reset(rng.next());
  const int ndim = static_cast<int>(rng.uniform(0, 5));
  ssize shape[max_ndim];
  random_shape(rng, ndim, 600, rng.chance(1, 6), shape);
  const ssize itemsize = random_itemsize(rng);
  Layout src;
  Layout dest;
  src.ndim = dest.ndim = ndim;
  src.itemsize = dest.itemsize = itemsize;
  std::copy(shape, shape + ndim, src.shape);
  std::copy(shape, shape + ndim, dest.shape);
  random_strides(rng, src, 0, ndim, itemsize, Side::read);
  random_strides(rng, dest, 0, ndim, itemsize, Side::write);
  if (rng.chance(1, 3)) {  // the same strides, or the same reflected: the common overlaps
    std::copy(src.strides, src.strides + ndim, dest.strides);
    for (int i = 0; i < ndim; ++i) {
      if (rng.chance(1, 2) && shape[i] > 1) dest.strides[i] = -dest.strides[i];
    }
  }
  ssize slow, shigh, dlow, dhigh;
  span_of(src, 0, ndim, itemsize, &slow, &shigh);
  span_of(dest, 0, ndim, itemsize, &dlow, &dhigh);
  const ssize reach = std::max(shigh - slow, dhigh - dlow) + 8;
  char *region = allocate(rng, c.arena, 3 * reach);
  if (region == nullptr) return false;
  src.buf = region + reach - slow;
  ssize delta = rng.uniform(-reach + 8, reach - 8);
  if (rng.chance(1, 3)) delta = itemsize * rng.uniform(-2, 2);
  dest.buf = region + reach - dlow + delta;
  // Borrowed source strides may repeat or interleave items: keep only destinations whose
  // items are disjoint.
  std::vector<char *> to = dest.addresses();
  std::vector<char *> sorted = to;
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t i = 1; i < sorted.size(); ++i) {
    if (sorted[i] - sorted[i - 1] < itemsize) return false;
  }
  const std::vector<char *> from = src.addresses();
  // The reference: read everything, then write everything.
  Bytes expected = c.arena.image();
  std::vector<unsigned char> temporary;
  for (char *p : from) temporary.insert(temporary.end(), p, p + itemsize);
  for (std::size_t k = 0; k < to.size(); ++k) {
    const std::size_t offset = c.arena.offset_of(to[k]);
    std::memcpy(&expected[offset], &temporary[k * static_cast<std::size_t>(itemsize)],
                static_cast<std::size_t>(itemsize));
  }
  if (!to.empty()) {
    const auto [s_low, s_high] = std::minmax_element(from.begin(), from.end());
    const auto [d_low, d_high] = std::minmax_element(to.begin(), to.end());
    if (*d_low < *s_high + itemsize && *s_low < *d_high + itemsize) ++c.stats.overlapping;
  }
  copy_harness::set_layout(c.src_object, src.view());
  copy_harness::set_layout(c.dest_object, dest.view());
  const Outcome got = take_outcome(c.ours.copy_data(c.dest_object, c.src_object));
  ++c.stats.overlap_cases;
  if (got.result == 0 && got.error_type == nullptr && c.arena.matches(expected)) return true;
  ++c.stats.failures;
  if (c.stats.failures <= 10) {
    std::fprintf(stderr,
                 "FAIL overlap case %ld (seed %" PRIu64
                 "): PyObject_CopyData %s\n  dest: %s\n"
                 "  src: %s\n  delta %zd; first difference at arena offset %ld\n",
                 number, c.seed, describe(got).c_str(), dest.describe().c_str(),
                 src.describe().c_str(), delta, c.arena.first_difference(expected));
  }
  return true;
}

bool both_contiguous(const Layout &a, const Layout &b, char order) {
  const Py_buffer va = a.view();
  const Py_buffer vb = b.view();
  return PyBuffer_IsContiguous(&va, order) && PyBuffer_IsContiguous(&vb, order);
}

// PyObject_CopyData between views of different shape, the destination large enough. Where
// both are C- or both Fortran-contiguous CPython copies the bytes and so must pybuffer (that
// is compared with CPython); otherwise pybuffer raises BufferError and writes nothing.
bool run_mismatch_case(Context &c, long number) {
  Rng rng(mix(c.seed ^ mix(0x05a9'e000ULL + static_cast<std::uint64_t>(number))));
  c.arena.reset(rng.next());
  const ssize itemsize = random_itemsize(rng);
  const int src_ndim = static_cast<int>(rng.uniform(1, 5));
  ssize src_shape[max_ndim];
  random_shape(rng, src_ndim, 300, false, src_shape);
  int dest_ndim = src_ndim;
  ssize dest_shape[max_ndim];
  std::copy(src_shape, src_shape + src_ndim, dest_shape);
  if (rng.chance(1, 2)) {
    dest_ndim = static_cast<int>(rng.uniform(1, 5));
    random_shape(rng, dest_ndim, 600, false, dest_shape);
  } else {
    const int i = static_cast<int>(rng.uniform(0, src_ndim - 1));
    dest_shape[i] += rng.uniform(1, 3);
  }
  Layout src;
  Layout dest;
  if (!build_layout(rng, c.arena, src_ndim, src_shape, itemsize, rng.chance(1, 5), Side::read,
                    src) ||
      !build_layout(rng, c.arena, dest_ndim, dest_shape, itemsize, rng.chance(1, 5), Side::write,
                    dest)) {
    return false;
  }
  bool same_shape = dest_ndim == src_ndim;
  for (int i = 0; same_shape && i < src_ndim; ++i) same_shape = dest_shape[i] == src_shape[i];
  if (same_shape || dest.len() < src.len()) return false;  // not this family
  copy_harness::set_layout(c.src_object, src.view());
  copy_harness::set_layout(c.dest_object, dest.view());
  std::ostringstream what;
  what << "PyObject_CopyData, shapes differ\n  dest: " << dest.describe()
       << "\n  src: " << src.describe();
  ++c.stats.mismatch_cases;
  if (both_contiguous(dest, src, 'C') || both_contiguous(dest, src, 'F')) {
    compare(c, number, what.str(),
            [&](const CopyFunctions &f) { return f.copy_data(c.dest_object, c.src_object); });
    return true;
  }
  const Bytes before = c.arena.image();
  const Outcome got = take_outcome(c.ours.copy_data(c.dest_object, c.src_object));
  if (got.result == -1 && got.error_type == PyExc_BufferError && c.arena.matches(before)) {
    return true;
  }
  ++c.stats.failures;
  if (c.stats.failures <= 10) {
    std::fprintf(stderr, "FAIL mismatch case %ld (seed %" PRIu64 "): %s\n  %s\n", number, c.seed,
                 what.str().c_str(), describe(got).c_str());
  }
  return true;
}

// Destinations whose items share bytes (zero or interleaved strides): not well-formed, but
// CPython's loops still define the result (the item written last wins), and so does pybuffer:
// compared with CPython. Fortran order only for direct views (pybuffer walks pointer tables in
// C order).
bool run_aliasing_case(Context &c, long number) {
  Rng rng(mix(c.seed ^ mix(0xa11a'5000ULL + static_cast<std::uint64_t>(number))));
  c.arena.reset(rng.next());
  const bool copy = rng.chance(1, 2);
  const char order = random_order(rng);
  const int ndim = static_cast<int>(rng.uniform(1, 6));
  ssize shape[max_ndim];
  random_shape(rng, ndim, 600, rng.chance(1, 6), shape);
  const ssize itemsize = random_itemsize(rng);
  const bool indirect = (copy || order != 'F') && rng.chance(1, 4);
  Layout dest;
  if (!build_layout(rng, c.arena, ndim, shape, itemsize, indirect, Side::read, dest)) return false;
  std::ostringstream what;
  const Py_buffer pydest = dest.view();
  if (copy) {
    Layout src;
    if (!build_layout(rng, c.arena, ndim, shape, itemsize, rng.chance(1, 4), Side::read, src)) {
      return false;
    }
    copy_harness::set_layout(c.src_object, src.view());
    copy_harness::set_layout(c.dest_object, pydest);
    what << "PyObject_CopyData into an aliasing destination\n  dest: " << dest.describe()
         << "\n  src: " << src.describe();
    compare(c, number, what.str(),
            [&](const CopyFunctions &f) { return f.copy_data(c.dest_object, c.src_object); });
  } else {
    const ssize len = rng.chance(1, 2) ? pydest.len : rng.uniform(0, pydest.len);
    char *packed = allocate(rng, c.arena, len);
    if (packed == nullptr) return false;
    what << "PyBuffer_FromContiguous order " << order << " len " << len
         << " into an aliasing view\n  view: " << dest.describe();
    compare(c, number, what.str(),
            [&](const CopyFunctions &f) { return f.from_contiguous(&pydest, packed, len, order); });
  }
  ++c.stats.aliasing_cases;
  return true;
}

long env_long(const char *name, long fallback) {
  const char *text = std::getenv(name);
  return text != nullptr && *text != '\0' ? std::strtol(text, nullptr, 0) : fallback;
}

}  // namespace

int main() {
  if (!pybuffer_test::start_python()) return 2;
  Context c;
  std::string libpython;
  std::string error;
  if (!copy_harness::load_real(&c.real, &libpython, &error)) {
    std::fprintf(stderr, "copy differential: %s\n", error.c_str());
    return 2;
  }
  c.ours = copy_harness::ours();
  c.dest_object = copy_harness::new_exporter();
  c.src_object = copy_harness::new_exporter();
  if (c.dest_object == nullptr || c.src_object == nullptr) {
    PyErr_Print();
    return 2;
  }
  c.seed = static_cast<std::uint64_t>(env_long("PYBUFFER_COPY_SEED", default_seed));
  const long cases = env_long("PYBUFFER_COPY_CASES", 100000);
  const long only = env_long("PYBUFFER_COPY_CASE", -1);
  std::printf("copy differential: CPython %s from %s\nseed %" PRIu64
              " (PYBUFFER_COPY_SEED), %ld cases\n",
              Py_GetVersion(), libpython.c_str(), c.seed, cases);
  std::fflush(stdout);

  const auto start = std::chrono::steady_clock::now();
  long drawn = 0;
  if (only >= 0) {
    run_case(c, only);
  } else {
    for (long number = 0; c.stats.cases < cases; ++number, ++drawn) run_case(c, number);
    const long special = std::max(cases / 20, 100L);
    for (long number = 0; c.stats.overlap_cases < special; ++number) run_overlap_case(c, number);
    for (long number = 0; c.stats.mismatch_cases < special; ++number) {
      run_mismatch_case(c, number);
    }
    for (long number = 0; c.stats.aliasing_cases < special; ++number) {
      run_aliasing_case(c, number);
    }
    Arena large(std::size_t{48} << 20);
    run_large_cases(c, large);
    run_large_runs(c, large);
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "%ld differential cases (%ld ToContiguous, %ld FromContiguous, %ld CopyData; %ld layouts "
      "with suboffsets; %ld error outcomes compared; %ld redrawn)\n"
      "%ld overlap cases (%ld really overlapping), %ld shape-mismatch cases, %ld cases with "
      "aliasing destinations, %ld large transposes, %ld large strided runs\n"
      "%ld failures, %.1f s\n",
      c.stats.cases, c.stats.by_op[0], c.stats.by_op[1], c.stats.by_op[2], c.stats.indirect,
      c.stats.errors_compared, drawn - c.stats.cases, c.stats.overlap_cases, c.stats.overlapping,
      c.stats.mismatch_cases, c.stats.aliasing_cases, c.stats.large_cases, c.stats.large_runs,
      c.stats.failures, seconds);
  Py_DECREF(c.dest_object);
  Py_DECREF(c.src_object);
  return c.stats.failures == 0 ? 0 : 1;
}
