// Shared machinery of the libFuzzer targets: a view generator driven by the fuzzer's bytes,
// naive first-principles references, and a small exporter type that hands out any generated
// view. The guarded arena, the interpreter's start-up, exception capture and the contiguity
// model come from tests/common.
//
// Ownership: everything a generated view points at (shape, strides, suboffsets, item blocks,
// pointer tables, the Py_buffer itself) lives in one GuardedArena, so a single image of the
// arena before and after a call shows every byte the call wrote. Guard gaps between blocks are
// poisoned for AddressSanitizer while a call under test runs (Armed), so a read or write
// outside any block is reported at once, with the stack of the offending access.
#pragma once

#include <Python.h>

#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <pybuffer/pybuffer.h>

#include "core/layout.hpp"
#include "guarded_arena.hpp"
#include "python_raised.hpp"

namespace pybuffer::fuzz {

using ssize = Py_ssize_t;
using pybuffer_test::Armed;
using pybuffer_test::Bytes;
using pybuffer_test::first_difference;
using pybuffer_test::GuardedArena;

// ---------------------------------------------------------------------------------------------
// Reporting

/// Prints "layout_fuzzer: <message>" and aborts, which libFuzzer records as a crash with the
/// input that caused it.
[[noreturn]] void fail(const char *format, ...) __attribute__((format(printf, 1, 2)));

#define FUZZ_CHECK(condition, ...)         \
  do {                                     \
    if (!(condition)) {                    \
      ::pybuffer::fuzz::fail(__VA_ARGS__); \
    }                                      \
  } while (0)

// ---------------------------------------------------------------------------------------------
// The interpreter

/// Starts the embedded interpreter once (LLVMFuzzerInitialize; pybuffer_test::start_python)
/// and names the target in failure messages.
void start_python(const char *target);

using pybuffer_test::Raised;
using pybuffer_test::take_exception;
using pybuffer_test::type_name;

/// Fails unless `raised` is an exception of exactly `type` whose message contains `needle`
/// (pybuffer_test::raised_matches).
void expect_raised(const Raised &raised, PyObject *type, const char *needle, const char *what);

using FuzzCase = void (*)(FuzzedDataProvider &);

/// One fuzz input: the arena re-seeded from the input's first bytes, one of `cases` chosen by
/// the next (a case listed twice is drawn twice as often), and no exception left pending.
template <int N>
void run_one_case(FuzzedDataProvider &fdp, GuardedArena &arena, const FuzzCase (&cases)[N]) {
  arena.reset(fdp.ConsumeIntegral<std::uint32_t>());
  cases[fdp.ConsumeIntegralInRange(0, N - 1)](fdp);
  FUZZ_CHECK(!PyErr_Occurred(), "an exception was left pending");
}

// ---------------------------------------------------------------------------------------------
// Generated views

struct GenOptions {
  bool allow_malformed = false;  // corrupt a field after building (never memory-unsafe)
  bool allow_suboffsets = true;  // PIL-style pointer tables
  bool allow_null_shape = true;  // PyBUF_SIMPLE-style views (ndim 1, shape NULL)
  int max_items = 256;           // cap on product(shape)
  int max_ndim = 64;
};

/// A view built inside the arena. `view` is itself a block of the arena.
struct GenView {
  Py_buffer *view = nullptr;
  int alloc_ndim = 0;              // entries allocated for shape/strides/suboffsets
  bool well_formed = false;        // by ref_well_formed, after any corruption
  bool strides_corrupted = false;  // a stride was made to overflow (offsets not representable)
  ssize layout_shape[PYBUFFER_MAX_NDIM] = {};  // extents memory was laid out for
};

/// Builds one view from the fuzzer's bytes. `region`, when given, is a block of the arena that
/// a suboffset-free view must be placed inside (to make two views share memory). Returns false
/// when the input cannot be turned into a view (arena full).
bool generate_view(FuzzedDataProvider &fdp, GuardedArena &arena, const GenOptions &options,
                   GenView *out, char *region = nullptr, std::size_t region_bytes = 0);

/// Builds a second view with the shape and itemsize of `like` but its own strides and
/// suboffsets (same generator otherwise).
bool generate_view_like(FuzzedDataProvider &fdp, GuardedArena &arena, const GenOptions &options,
                        const Py_buffer &like, GenView *out, char *region = nullptr,
                        std::size_t region_bytes = 0);

/// The geometry fields of a Py_buffer as the core reads them.
inline core::View to_core(const Py_buffer &v) {
  return core::View{
      static_cast<char *>(v.buf), v.len, v.itemsize, v.ndim, v.shape, v.strides, v.suboffsets};
}

/// "ndim 2 itemsize 4 len 24 shape (2,3) strides (12,4) suboffsets NULL buf arena+96", for
/// failure messages.
std::string describe_view(const Py_buffer &view, const GuardedArena &arena);

/// An order character: mostly 'C', 'F', 'A'; with `any`, sometimes any byte.
char consume_order(FuzzedDataProvider &fdp, bool any);

// ---------------------------------------------------------------------------------------------
// Naive references (first principles; none of them calls pybuffer)

/// Is the view well-formed: 0 <= ndim <= 64, itemsize > 0, len >= 0, shape present when
/// ndim > 1, extents >= 0, len == product(shape) * itemsize exactly, strides present when
/// suboffsets are, no offset reachable through strides overflows and, without strides, the
/// implied C strides representable (check_geometry's rules).
bool ref_well_formed(const Py_buffer &view);

/// Extent of dimension i, including the implied one of a shape-less 1-d view.
ssize ref_extent(const Py_buffer &view, int i);
/// Stride of dimension i, including the implied C strides of a stride-less view.
ssize ref_stride(const Py_buffer &view, int i);

/// Number of items (product of extents) of a well-formed view.
ssize ref_items(const Py_buffer &view);

/// Visits every index of `shape` (ndim entries), C order (last index fastest) or Fortran.
template <typename Visit>
void for_each_index(int ndim, const ssize *shape, bool fortran, Visit &&visit) {
  ssize index[PYBUFFER_MAX_NDIM] = {};
  for (int i = 0; i < ndim; ++i) {
    if (shape[i] <= 0) return;
  }
  for (;;) {
    visit(static_cast<const ssize *>(index));
    int k = 0;
    for (; k < ndim; ++k) {
      const int d = fortran ? k : ndim - 1 - k;
      if (++index[d] < shape[d]) break;
      index[d] = 0;
    }
    if (k == ndim) return;
  }
}

/// The address of the item at `index` (read through pointer tables with memcpy).
char *ref_address(const Py_buffer &view, const ssize *index);

/// The extents of a well-formed view, written to shape[0..ndim).
void ref_shape(const Py_buffer &view, ssize *shape);

/// Contiguity by enumeration: the items, visited in C (Fortran) order, sit at buf,
/// buf + itemsize, buf + 2 * itemsize, ... Only for well-formed views. CPython's rule that a
/// view with suboffsets is never contiguous is applied first.
bool ref_contiguous_enumerated(const Py_buffer &view, char order);

/// The documented contiguity rules, also for malformed views (README "Deliberate
/// differences"): the reference model's definitions (tests/common/reference_model.hpp) where
/// they can read the view, "not contiguous" where a view lacks what the rule needs (ndim
/// outside 0..64, shape missing).
bool ref_contiguous_rules(const Py_buffer &view, char order);

/// Whether the size fields agree as a copy needs before trusting contiguity: 0 <= ndim <= 64,
/// len >= 0 and, when there is a shape, itemsize > 0, extents >= 0 and every partial product
/// itemsize * shape[0] * ... * shape[i] representable, the whole equal to len.
bool ref_sizes_agree(const Py_buffer &view);

/// Whether a copy may move the view as one block of len bytes: contiguous by the rules and
/// sizes that agree (contiguity alone never looks at len, as in CPython).
bool ref_block_copyable(const Py_buffer &view, char order);

/// Whether the view's items occupy pairwise disjoint bytes (a destination whose result does
/// not depend on the order of writes).
bool ref_items_disjoint(const Py_buffer &view, const GuardedArena &arena);

/// Marks, in `mask` (one entry per arena byte), every byte of every item of the view.
void ref_mark_items(const Py_buffer &view, const GuardedArena &arena, std::vector<int> *mask);

/// The items of the view, gathered in C (Fortran) order into one packed string.
Bytes ref_gather(const Py_buffer &view, bool fortran);

/// Writes `count` packed items of `item_bytes` bytes (default: the view's itemsize) from
/// `packed` to the view's item addresses in C (Fortran) order, one after another (later writes
/// win where items alias), into the arena image `image`.
void ref_scatter(const Py_buffer &view, const GuardedArena &arena, const unsigned char *packed,
                 ssize count, bool fortran, Bytes *image, ssize item_bytes = -1);

// ---------------------------------------------------------------------------------------------
// An exporter of generated views

/// A Python object whose bf_getbuffer hands out a copy of a template Py_buffer (with obj set
/// to itself) and counts exports, so CopyData and friends can run on generated views.
struct ViewExporter {
  PyObject_HEAD Py_buffer templ;
  int fail;      // bf_getbuffer raises BufferError("ViewExporter: refused") when set
  long exports;  // live exports (getbuffer minus releasebuffer)
  long getbuffers;
  long releases;
};

/// The exporter type, readied on first use.
PyTypeObject *view_exporter_type();
/// A new exporter for `templ` (its pointers must outlive the object).
ViewExporter *new_view_exporter(const Py_buffer &templ);

}  // namespace pybuffer::fuzz
