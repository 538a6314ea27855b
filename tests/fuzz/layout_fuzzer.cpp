// layout_fuzzer: random views, well-formed and malformed, through the exported layout queries
// (pybuffer_PyBuffer_IsContiguous, _GetPointer, _FillContiguousStrides, _FillInfo) and the
// core functions beneath them, against first-principles references.
//
// Every call runs with the arena armed, so any access outside the view's blocks is an
// AddressSanitizer report; afterwards the whole arena must equal its predicted image (the
// queries write nothing, FillContiguousStrides exactly the strides, FillInfo exactly the view).
// The core is linked into this program a second time, instrumented for coverage, so the
// fuzzer is guided by the branches of the algorithms and not only of this harness.
#include "fuzz_support.hpp"
#include "reference_model.hpp"

#include <cstring>
#include <limits>

#include "core/layout.hpp"

using namespace pybuffer::fuzz;
namespace core = pybuffer::core;

namespace {

GuardedArena *arena = nullptr;

void expect_unchanged(const Bytes &before, const char *what) {
  const long at = first_difference(before, arena->image());
  FUZZ_CHECK(at < 0, "%s wrote arena byte %ld", what, at);
}

// IsContiguous for every order, then GetPointer at one index, on one generated view.
void fuzz_queries(FuzzedDataProvider &fdp) {
  GenOptions options;
  options.allow_malformed = true;
  GenView g;
  if (!generate_view(fdp, *arena, options, &g)) return;
  const Py_buffer v = *g.view;

  // Indices inside the memory laid out; possibly one pushed outside the (current) shape.
  const int n = g.alloc_ndim;
  ssize *indices = nullptr;
  const bool null_indices = fdp.ConsumeIntegralInRange(0, 7) == 0;
  int pushed = -1;
  if (!null_indices) {
    indices =
        reinterpret_cast<ssize *>(arena->allocate(sizeof(ssize) * static_cast<std::size_t>(n)));
    if (indices == nullptr) return;
    for (int i = 0; i < n; ++i) {
      indices[i] =
          g.layout_shape[i] > 0 ? fdp.ConsumeIntegralInRange<ssize>(0, g.layout_shape[i] - 1) : 0;
    }
    // Out-of-range indices are only checkable against a shape; without one, nothing bounds them.
    if (n > 0 && v.shape != nullptr && fdp.ConsumeIntegralInRange(0, 3) == 0) {
      pushed = fdp.ConsumeIntegralInRange(0, n - 1);
      const int how = fdp.ConsumeIntegralInRange(0, 3);
      indices[pushed] = how == 0   ? -fdp.ConsumeIntegralInRange<ssize>(1, 3)
                        : how == 1 ? v.shape[pushed]
                        : how == 2 ? v.shape[pushed] + 1
                                   : std::numeric_limits<ssize>::max();
    }
  }
  const Bytes before = arena->image();

  const char orders[] = {'C', 'F', 'A', consume_order(fdp, true)};
  for (const char order : orders) {
    int got;
    {
      Armed armed(*arena);
      got = pybuffer_PyBuffer_IsContiguous(g.view, order);
    }
    const bool rules = ref_contiguous_rules(v, order);
    if (g.well_formed) {
      // The rules are CPython's; for well-formed views they must agree with enumeration.
      FUZZ_CHECK(rules == ref_contiguous_enumerated(v, order),
                 "reference disagreement: rules %d, enumeration %d (order %c)", rules, !rules,
                 order);
    }
    FUZZ_CHECK(got == static_cast<int>(rules),
               "PyBuffer_IsContiguous(order 0x%02x) = %d, expected %d (ndim %d, len %zd, well "
               "formed %d)",
               static_cast<unsigned char>(order), got, rules, v.ndim, v.len, g.well_formed);
    FUZZ_CHECK(!PyErr_Occurred(), "PyBuffer_IsContiguous raised");
    bool core_got;
    {
      Armed armed(*arena);
      core_got = core::is_contiguous(to_core(v), order);
    }
    FUZZ_CHECK(core_got == rules, "core::is_contiguous differs from the exported function");
  }
  expect_unchanged(before, "PyBuffer_IsContiguous");

  // GetPointer. An index may only be used when it lies in the memory laid out, or when the
  // function must refuse before stepping by it.
  const bool ndim_ok = v.ndim >= 0 && v.ndim <= PYBUFFER_MAX_NDIM;
  const bool refuses_early =
      !ndim_ok || (v.ndim > 0 && (indices == nullptr || v.strides == nullptr));
  // The function steps (and dereferences) dimension by dimension, so every dimension before
  // the first bad one (a negative extent, or an index outside the shape) must lie in memory.
  int first_bad = -1;
  bool bad_extent = false;
  if (ndim_ok && indices != nullptr && v.shape != nullptr) {
    for (int i = 0; i < v.ndim && first_bad < 0; ++i) {
      if (v.shape[i] < 0 || indices[i] < 0 || indices[i] >= v.shape[i]) {
        first_bad = i;
        bad_extent = v.shape[i] < 0;
      }
    }
  }
  const bool out_of_range = first_bad >= 0;
  if (!refuses_early) {
    const int checked = out_of_range ? first_bad : v.ndim;
    for (int i = 0; i < checked; ++i) {
      if (indices[i] < 0 || indices[i] >= g.layout_shape[i]) return;
    }
    // A stride made to overflow is a lie about memory that GetPointer does not check.
    if (g.strides_corrupted) return;
  }
  void *got;
  {
    Armed armed(*arena);
    got = pybuffer_PyBuffer_GetPointer(g.view, indices);
  }
  const Raised raised = take_exception();
  expect_unchanged(before, "PyBuffer_GetPointer");
  void *core_got = nullptr;
  core::Status status;
  {
    Armed armed(*arena);
    status = core::pointer_at(to_core(v), indices, &core_got);
  }
  FUZZ_CHECK(status.ok() == (got != nullptr), "core::pointer_at differs from the export");
  if (!ndim_ok) {
    FUZZ_CHECK(got == nullptr, "GetPointer accepted ndim %d", v.ndim);
    expect_raised(raised, PyExc_ValueError, "ndim", "GetPointer(bad ndim)");
  } else if (v.ndim > 0 && indices == nullptr) {
    FUZZ_CHECK(got == nullptr, "GetPointer accepted NULL indices");
    expect_raised(raised, PyExc_SystemError, "indices is NULL", "GetPointer(NULL indices)");
  } else if (v.ndim > 0 && v.strides == nullptr) {
    FUZZ_CHECK(got == nullptr, "GetPointer accepted a view without strides");
    expect_raised(raised, PyExc_BufferError, "strides", "GetPointer(no strides)");
  } else if (out_of_range && bad_extent) {
    FUZZ_CHECK(got == nullptr, "GetPointer accepted a negative extent (dim %d)", first_bad);
    expect_raised(raised, PyExc_ValueError, "must be >= 0", "GetPointer(negative extent)");
  } else if (out_of_range) {
    FUZZ_CHECK(got == nullptr, "GetPointer accepted an index outside the shape (dim %d)", pushed);
    expect_raised(raised, PyExc_IndexError, "indices[", "GetPointer(index out of range)");
  } else {
    FUZZ_CHECK(!raised.set, "GetPointer raised %s", raised.message.c_str());
    char *expected = ref_address(v, indices);
    FUZZ_CHECK(got == expected, "GetPointer = %p, expected %p (ndim %d)", got,
               static_cast<void *>(expected), v.ndim);
  }
}

// FillContiguousStrides with any ndims, shape values, itemsize and order.
void fuzz_fill_strides(FuzzedDataProvider &fdp) {
  int ndims;
  const int pick = fdp.ConsumeIntegralInRange(0, 9);
  if (pick < 7) {
    ndims = fdp.ConsumeIntegralInRange(0, 8);
  } else if (pick == 7) {
    ndims = fdp.ConsumeIntegralInRange(0, PYBUFFER_MAX_NDIM);
  } else if (pick == 8) {
    static const int bad[] = {
        -1, 65, 66, std::numeric_limits<int>::min(), std::numeric_limits<int>::max(), -7, 100};
    ndims = bad[fdp.ConsumeIntegralInRange(0, 6)];
  } else {
    ndims = PYBUFFER_MAX_NDIM;
  }
  const int n = ndims < 0 ? 0 : ndims > 70 ? 70 : ndims;
  const bool null_shape = fdp.ConsumeIntegralInRange(0, 9) == 0;
  const bool null_strides = fdp.ConsumeIntegralInRange(0, 9) == 0;
  ssize *shape =
      null_shape ? nullptr : reinterpret_cast<ssize *>(arena->allocate(sizeof(ssize) * n));
  ssize *strides =
      null_strides ? nullptr : reinterpret_cast<ssize *>(arena->allocate(sizeof(ssize) * n));
  if ((!null_shape && shape == nullptr) || (!null_strides && strides == nullptr)) return;
  static const ssize huge[] = {ssize{1} << 31,
                               ssize{1} << 40,
                               std::numeric_limits<ssize>::max() / 3,
                               std::numeric_limits<ssize>::max(),
                               std::numeric_limits<ssize>::min(),
                               -(ssize{1} << 40)};
  for (int i = 0; shape != nullptr && i < n; ++i) {
    shape[i] = fdp.ConsumeIntegralInRange(0, 9) == 0 ? huge[fdp.ConsumeIntegralInRange(0, 5)]
                                                     : fdp.ConsumeIntegralInRange<ssize>(-1, 5);
  }
  static const int itemsizes[] = {
      1, 2, 4, 8, 16, 3, 0, -1, std::numeric_limits<int>::max(), std::numeric_limits<int>::min()};
  const int itemsize = fdp.ConsumeIntegralInRange(0, 11) < 10
                           ? itemsizes[fdp.ConsumeIntegralInRange(0, 9)]
                           : fdp.ConsumeIntegral<int>();
  const char order = consume_order(fdp, true);
  const Bytes before = arena->image();
  {
    Armed armed(*arena);
    pybuffer_PyBuffer_FillContiguousStrides(ndims, shape, strides, itemsize, order);
  }
  const Raised raised = take_exception();

  // The strides stored, in the order they are produced: each is itemsize times the extents
  // stepped over, and every one of them must be representable.
  ssize expected[PYBUFFER_MAX_NDIM];
  bool overflow = false;
  const bool fortran = order == 'F';
  if (ndims >= 1 && ndims <= PYBUFFER_MAX_NDIM && shape != nullptr) {
    pybuffer_test::Wide step = itemsize;
    for (int k = 0; k < ndims; ++k) {
      const int i = fortran ? k : ndims - 1 - k;
      if (!pybuffer_test::fits_ssize(step)) {
        overflow = true;
        break;
      }
      expected[i] = static_cast<ssize>(step);
      step *= shape[i];
    }
  }
  const char *what = "PyBuffer_FillContiguousStrides";
  if (ndims < 0 || ndims > PYBUFFER_MAX_NDIM) {
    expect_raised(raised, PyExc_ValueError, "ndim", what);
    expect_unchanged(before, what);
  } else if (ndims == 0) {
    FUZZ_CHECK(!raised.set, "%s(ndims 0) raised %s", what, raised.message.c_str());
    expect_unchanged(before, what);
  } else if (shape == nullptr || strides == nullptr) {
    expect_raised(raised, PyExc_SystemError, shape == nullptr ? "shape is NULL" : "strides is NULL",
                  what);
    expect_unchanged(before, what);
  } else if (overflow) {
    expect_raised(raised, PyExc_ValueError, "overflow", what);
    expect_unchanged(before, what);
  } else {
    FUZZ_CHECK(!raised.set, "%s raised %s", what, raised.message.c_str());
    Bytes predicted = before;
    std::memcpy(predicted.data() + arena->offset_of(strides), expected,
                sizeof(ssize) * static_cast<std::size_t>(ndims));
    const long at = first_difference(predicted, arena->image());
    FUZZ_CHECK(at < 0, "%s: arena byte %ld differs from the prediction (ndims %d, order %c)", what,
               at, ndims, order);
  }
  // The core function on a private copy must agree.
  if (ndims >= 0 && ndims <= PYBUFFER_MAX_NDIM && shape != nullptr) {
    ssize core_strides[PYBUFFER_MAX_NDIM] = {};
    const core::Status status =
        core::fill_contiguous_strides(ndims, shape, core_strides, itemsize, order);
    FUZZ_CHECK(status.ok() == (!overflow), "core::fill_contiguous_strides disagrees on overflow");
    if (status.ok()) {
      FUZZ_CHECK(std::memcmp(core_strides, expected, sizeof(ssize) * ndims) == 0,
                 "core::fill_contiguous_strides wrote different strides");
    }
  }
}

// FillInfo with any arguments; then Release of whatever it filled.
void fuzz_fill_info(FuzzedDataProvider &fdp) {
  Py_buffer *view = fdp.ConsumeIntegralInRange(0, 9) == 0
                        ? nullptr
                        : reinterpret_cast<Py_buffer *>(arena->allocate(sizeof(Py_buffer)));
  char *memory = arena->allocate(16);
  if (memory == nullptr) return;
  PyObject *obj = fdp.ConsumeBool() ? PyList_New(0) : nullptr;  // no buffer slots: Release
                                                                // only drops the reference
  void *buf = fdp.ConsumeBool() ? static_cast<void *>(memory) : nullptr;
  static const ssize lens[] = {
      0, 1, 16, -1, std::numeric_limits<ssize>::min(), std::numeric_limits<ssize>::max()};
  const ssize len = lens[fdp.ConsumeIntegralInRange(0, 5)];
  static const int readonlys[] = {0, 1, -1, 2};
  const int readonly = fdp.ConsumeIntegralInRange(0, 4) < 4
                           ? readonlys[fdp.ConsumeIntegralInRange(0, 3)]
                           : fdp.ConsumeIntegral<int>();
  static const int flag_values[] = {PyBUF_SIMPLE,  PyBUF_WRITABLE,     PyBUF_FORMAT, PyBUF_ND,
                                    PyBUF_STRIDES, PyBUF_C_CONTIGUOUS, PyBUF_FULL,   PyBUF_FULL_RO,
                                    PyBUF_RECORDS, PyBUF_CONTIG_RO,    PyBUF_READ,   PyBUF_WRITE};
  const int flags = fdp.ConsumeIntegralInRange(0, 4) < 4
                        ? flag_values[fdp.ConsumeIntegralInRange(0, 11)]
                        : fdp.ConsumeIntegral<int>();
  const Bytes before = arena->image();
  const Py_ssize_t refs = obj != nullptr ? Py_REFCNT(obj) : 0;
  int result;
  {
    Armed armed(*arena);
    result = pybuffer_PyBuffer_FillInfo(view, obj, buf, len, readonly, flags);
  }
  const Raised raised = take_exception();
  const char *what = "PyBuffer_FillInfo";
  const bool host_rejects_rw =
      pybuffer_host_version_hex() >= 0x030D0000UL && (flags == PyBUF_READ || flags == PyBUF_WRITE);
  bool success = false;
  if (view == nullptr) {
    expect_raised(raised, PyExc_BufferError, "view==NULL", what);
  } else if (host_rejects_rw) {
    expect_raised(raised, PyExc_SystemError, "", what);
  } else if ((flags & PyBUF_WRITABLE) == PyBUF_WRITABLE && readonly == 1) {
    expect_raised(raised, PyExc_BufferError, "Object is not writable.", what);
  } else if (len < 0) {
    expect_raised(raised, PyExc_ValueError, "len", what);
  } else {
    success = true;
  }
  FUZZ_CHECK(result == (success ? 0 : -1), "%s returned %d", what, result);
  if (!success) {
    expect_unchanged(before, what);
    FUZZ_CHECK(obj == nullptr || Py_REFCNT(obj) == refs, "%s kept a reference on failure", what);
    Py_XDECREF(obj);
    return;
  }
  FUZZ_CHECK(!raised.set, "%s succeeded with an exception set: %s", what, raised.message.c_str());
  FUZZ_CHECK(view->obj == obj && view->buf == buf && view->len == len &&
                 view->readonly == readonly && view->itemsize == 1 && view->ndim == 1 &&
                 view->suboffsets == nullptr && view->internal == nullptr,
             "%s filled wrong fields", what);
  const bool want_format = (flags & PyBUF_FORMAT) == PyBUF_FORMAT;
  FUZZ_CHECK(want_format ? (view->format != nullptr && std::strcmp(view->format, "B") == 0)
                         : view->format == nullptr,
             "%s: wrong format", what);
  FUZZ_CHECK(view->shape == ((flags & PyBUF_ND) == PyBUF_ND ? &view->len : nullptr),
             "%s: wrong shape pointer", what);
  FUZZ_CHECK(
      view->strides == ((flags & PyBUF_STRIDES) == PyBUF_STRIDES ? &view->itemsize : nullptr),
      "%s: wrong strides pointer", what);
  // Nothing outside the view may have changed.
  Bytes predicted = before;
  std::memcpy(predicted.data() + arena->offset_of(view), view, sizeof(Py_buffer));
  FUZZ_CHECK(first_difference(predicted, arena->image()) < 0, "%s wrote outside the view", what);
  FUZZ_CHECK(obj == nullptr || Py_REFCNT(obj) == refs + 1, "%s: obj not referenced once", what);
  {
    Armed armed(*arena);
    pybuffer_PyBuffer_Release(view);
  }
  FUZZ_CHECK(view->obj == nullptr, "PyBuffer_Release left view->obj set");
  FUZZ_CHECK(obj == nullptr || Py_REFCNT(obj) == refs, "PyBuffer_Release did not drop obj");
  FUZZ_CHECK(!PyErr_Occurred(), "PyBuffer_Release raised");
  Py_XDECREF(obj);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  start_python("layout_fuzzer");
  arena = new GuardedArena(1 << 20);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  static constexpr FuzzCase cases[] = {fuzz_queries, fuzz_queries, fuzz_fill_strides,
                                       fuzz_fill_info};
  FuzzedDataProvider fdp(data, size);
  run_one_case(fdp, *arena, cases);
  return 0;
}
