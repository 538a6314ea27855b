// copy_fuzzer: random source and destination views through pybuffer_PyBuffer_ToContiguous,
// _FromContiguous, _PyObject_CopyData and the core copy engine (check_geometry, gather,
// scatter, copy_between), each compared with a naive reference copy that visits items one
// index at a time.
//
// The reference predicts the whole arena after the call: the bytes of the destination items
// (or, for a contiguous fast path, the destination bytes) and nothing else. The arena is
// armed during each call, so reading or writing outside any block is an AddressSanitizer
// report. A destination whose items alias each other has an order-dependent result, which
// pybuffer does not promise; there only the bytes outside its items are compared.
#include "fuzz_support.hpp"

#include <algorithm>
#include <cstring>

#include "core/copy.hpp"
#include "core/layout.hpp"

using namespace pybuffer::fuzz;
namespace core = pybuffer::core;

namespace {

GuardedArena *arena = nullptr;

// A malformed view is refused with ValueError (sizes, ndim, itemsize, overflow) or BufferError
// (len mismatch, missing shape or strides); the message names the function.
void expect_refused(const Raised &raised, const char *function) {
  FUZZ_CHECK(raised.set && (raised.type == PyExc_ValueError || raised.type == PyExc_BufferError) &&
                 raised.message.find(function) != std::string::npos,
             "%s: a malformed view was not refused cleanly (got %s: %s)", function,
             raised.set ? type_name(raised.type) : "nothing", raised.message.c_str());
}

// The arena must equal `predicted`; bytes where `skip` is non-zero are not compared.
void expect_image(const Bytes &predicted, const std::vector<int> *skip, const char *what,
                  const Py_buffer &view) {
  const Bytes now = arena->image();
  FUZZ_CHECK(now.size() == predicted.size(), "%s: arena size changed", what);
  for (std::size_t i = 0; i < now.size(); ++i) {
    if (now[i] == predicted[i] || (skip != nullptr && (*skip)[i] != 0)) continue;
    const bool in_block = arena->in_block(arena->base() + i, 1);
    fail("%s: arena byte %zu is 0x%02x, expected 0x%02x (%s; view %s)", what, i, now[i],
         predicted[i], in_block ? "inside a block" : "in a guard gap",
         describe_view(view, *arena).c_str());
  }
}

void copy_into(Bytes *image, const void *at, const unsigned char *bytes, std::size_t n) {
  std::memcpy(image->data() + arena->offset_of(at), bytes, n);
}

const unsigned char *at(const Bytes &image, const void *pointer) {
  return image.data() + arena->offset_of(pointer);
}

ssize consume_len(FuzzedDataProvider &fdp, ssize view_len, ssize itemsize) {
  const ssize slack = itemsize > 0 && itemsize < 64 ? itemsize : 8;
  switch (fdp.ConsumeIntegralInRange(0, 9)) {
    case 0:
      return view_len > 0
                 ? view_len - fdp.ConsumeIntegralInRange<ssize>(1, std::min(view_len, 2 * slack))
                 : 0;
    case 1:
      return view_len >= 0 ? view_len + fdp.ConsumeIntegralInRange<ssize>(1, 2 * slack) : 0;
    case 2:
      return -fdp.ConsumeIntegralInRange<ssize>(1, 3);
    case 3:
      return 0;
    default:
      return view_len;
  }
}

void fuzz_to_contiguous(FuzzedDataProvider &fdp) {
  GenOptions options;
  options.allow_malformed = true;
  GenView g;
  if (!generate_view(fdp, *arena, options, &g)) return;
  const Py_buffer v = *g.view;
  const char order = consume_order(fdp, true);
  const ssize len = consume_len(fdp, v.len, v.itemsize);
  const bool null_buf = fdp.ConsumeIntegralInRange(0, 15) == 0;
  char *dest =
      null_buf ? nullptr : arena->allocate(static_cast<std::size_t>(std::max<ssize>(len, 0)));
  if (!null_buf && dest == nullptr) return;
  // A second destination for the core engine called directly.
  char *core_dest = arena->allocate(static_cast<std::size_t>(std::max<ssize>(v.len, 0)));
  if (core_dest == nullptr) return;
  const Bytes before = arena->image();
  Bytes predicted = before;

  const char *fn = "PyBuffer_ToContiguous";
  int result;
  {
    Armed armed(*arena);
    result = pybuffer_PyBuffer_ToContiguous(dest, g.view, len, order);
  }
  const Raised raised = take_exception();
  const bool good_order = order == 'C' || order == 'F' || order == 'A';
  if (dest == nullptr && len > 0) {
    expect_raised(raised, PyExc_SystemError, "buf is NULL", fn);
  } else if (!good_order) {
    expect_raised(raised, PyExc_ValueError, "order", fn);
  } else if (len != v.len) {
    expect_raised(raised, PyExc_ValueError, "len != view->len", fn);
  } else if (len < 0) {
    expect_raised(raised, PyExc_ValueError, "len", fn);
  } else if (ref_block_copyable(v, order)) {
    FUZZ_CHECK(!raised.set, "%s raised %s on a contiguous view", fn, raised.message.c_str());
    if (len > 0) copy_into(&predicted, dest, at(before, v.buf), static_cast<std::size_t>(len));
  } else if (!g.well_formed) {
    expect_refused(raised, fn);
  } else {
    FUZZ_CHECK(!raised.set, "%s raised %s: %s", fn, type_name(raised.type), raised.message.c_str());
    const Bytes packed = ref_gather(v, order == 'F');
    if (!packed.empty()) copy_into(&predicted, dest, packed.data(), packed.size());
  }
  FUZZ_CHECK(result == (raised.set ? -1 : 0), "%s returned %d", fn, result);
  expect_image(predicted, nullptr, fn, v);

  // The engine itself, on the same view (its precondition: check_geometry accepted it).
  core::Geometry geometry;
  const core::Status status = core::check_geometry(to_core(v), geometry);
  FUZZ_CHECK(status.ok() == g.well_formed,
             "core::check_geometry = %d (code %d), reference says %d (%s)", status.ok(),
             static_cast<int>(status.code), g.well_formed, describe_view(v, *arena).c_str());
  if (!status.ok() || !good_order) return;
  {
    Armed armed(*arena);
    core::gather(core_dest, geometry, order == 'F' ? 'F' : 'C');
  }
  const Bytes packed = ref_gather(v, order == 'F');
  if (!packed.empty()) copy_into(&predicted, core_dest, packed.data(), packed.size());
  expect_image(predicted, nullptr, "core::gather", v);
}

void fuzz_from_contiguous(FuzzedDataProvider &fdp) {
  GenOptions options;
  options.allow_malformed = true;
  GenView g;
  if (!generate_view(fdp, *arena, options, &g)) return;
  const Py_buffer v = *g.view;
  const char order = consume_order(fdp, true);
  const ssize len = consume_len(fdp, v.len, v.itemsize);
  const bool null_buf = fdp.ConsumeIntegralInRange(0, 15) == 0;
  char *src =
      null_buf ? nullptr : arena->allocate(static_cast<std::size_t>(std::max<ssize>(len, 0)));
  if (!null_buf && src == nullptr) return;
  const Bytes before = arena->image();
  Bytes predicted = before;
  std::vector<int> items_mask;
  const bool disjoint = !g.well_formed || ref_items_disjoint(v, *arena);
  if (!disjoint) ref_mark_items(v, *arena, &items_mask);

  const char *fn = "PyBuffer_FromContiguous";
  int result;
  {
    Armed armed(*arena);
    result = pybuffer_PyBuffer_FromContiguous(g.view, src, len, order);
  }
  const Raised raised = take_exception();
  const bool good_order = order == 'C' || order == 'F' || order == 'A';
  const ssize used = std::min(len, v.len);
  if (src == nullptr && len > 0) {
    expect_raised(raised, PyExc_SystemError, "buf is NULL", fn);
  } else if (!good_order) {
    expect_raised(raised, PyExc_ValueError, "order", fn);
  } else if (len < 0 || v.len < 0) {
    expect_raised(raised, PyExc_ValueError, "len", fn);
  } else if (ref_block_copyable(v, order)) {
    FUZZ_CHECK(!raised.set, "%s raised %s on a contiguous view", fn, raised.message.c_str());
    if (used > 0) copy_into(&predicted, v.buf, at(before, src), static_cast<std::size_t>(used));
  } else if (!g.well_formed) {
    expect_refused(raised, fn);
  } else {
    FUZZ_CHECK(!raised.set, "%s raised %s: %s", fn, type_name(raised.type), raised.message.c_str());
    if (used > 0) {
      ref_scatter(v, *arena, at(before, src), used / v.itemsize, order == 'F', &predicted);
    }
  }
  FUZZ_CHECK(result == (raised.set ? -1 : 0), "%s returned %d", fn, result);
  expect_image(predicted, disjoint ? nullptr : &items_mask, fn, v);

  // The engine itself: scatter of a prefix, from the same packed bytes.
  core::Geometry geometry;
  const core::Status status = core::check_geometry(to_core(v), geometry);
  FUZZ_CHECK(status.ok() == g.well_formed,
             "core::check_geometry = %d (code %d), reference says %d (%s)", status.ok(),
             static_cast<int>(status.code), g.well_formed, describe_view(v, *arena).c_str());
  if (!status.ok() || !good_order || src == nullptr || len < 0) return;
  arena->restore(before);
  predicted = before;
  const ssize count = std::min(len, v.len) / v.itemsize;
  {
    Armed armed(*arena);
    core::scatter(geometry, src, count, order == 'F' ? 'F' : 'C');
  }
  ref_scatter(v, *arena, at(before, src), count, order == 'F', &predicted);
  expect_image(predicted, disjoint ? nullptr : &items_mask, "core::scatter", v);
}

// Two views of one shape, possibly sharing memory, through core::copy_between.
void fuzz_copy_between(FuzzedDataProvider &fdp) {
  GenOptions options;
  char *region = nullptr;
  std::size_t region_bytes = 0;
  if (fdp.ConsumeBool()) {
    region_bytes = fdp.ConsumeIntegralInRange<std::size_t>(64, 4096);
    region = arena->allocate(region_bytes);
    if (region == nullptr) return;
  }
  GenView s;
  GenView d;
  if (!generate_view(fdp, *arena, options, &s, region, region_bytes)) return;
  if (!generate_view_like(fdp, *arena, options, *s.view, &d, region, region_bytes)) return;
  const Py_buffer sv = *s.view;
  const Py_buffer dv = *d.view;
  core::Geometry sg;
  core::Geometry dg;
  FUZZ_CHECK(core::check_geometry(to_core(sv), sg).ok(), "check_geometry refused a good source");
  FUZZ_CHECK(core::check_geometry(to_core(dv), dg).ok(), "check_geometry refused a good dest");
  const Bytes before = arena->image();
  Bytes predicted = before;
  const Bytes packed = ref_gather(sv, false);  // read before any write: as through a temporary
  ref_scatter(dv, *arena, packed.data(), ref_items(sv), false, &predicted);
  std::vector<int> items_mask;
  const bool disjoint = ref_items_disjoint(dv, *arena);
  if (!disjoint) ref_mark_items(dv, *arena, &items_mask);
  core::Status status;
  {
    Armed armed(*arena);
    status = core::copy_between(dg, sg);
  }
  FUZZ_CHECK(status.ok(), "core::copy_between failed (code %d)", static_cast<int>(status.code));
  expect_image(predicted, disjoint ? nullptr : &items_mask, "core::copy_between", dv);
}

// PyObject_CopyData between two exporters of generated views.
void fuzz_copy_data(FuzzedDataProvider &fdp) {
  GenOptions options;
  options.allow_malformed = fdp.ConsumeBool();
  char *region = nullptr;
  std::size_t region_bytes = 0;
  if (fdp.ConsumeIntegralInRange(0, 2) == 0) {
    region_bytes = fdp.ConsumeIntegralInRange<std::size_t>(64, 4096);
    region = arena->allocate(region_bytes);
    if (region == nullptr) return;
  }
  GenView s;
  GenView d;
  if (!generate_view(fdp, *arena, options, &s, region, region_bytes)) return;
  const bool same_shape = s.well_formed && fdp.ConsumeIntegralInRange(0, 3) != 0;
  if (same_shape) {
    GenOptions like = options;
    like.allow_malformed = false;
    if (!generate_view_like(fdp, *arena, like, *s.view, &d, region, region_bytes)) return;
  } else if (!generate_view(fdp, *arena, options, &d, region, region_bytes)) {
    return;
  }
  const bool fail_dest = fdp.ConsumeIntegralInRange(0, 15) == 0;
  const bool fail_src = fdp.ConsumeIntegralInRange(0, 15) == 0;
  const Py_buffer sv = *s.view;
  const Py_buffer dv = *d.view;
  ViewExporter *dest = new_view_exporter(dv);
  ViewExporter *src = new_view_exporter(sv);
  dest->fail = fail_dest;
  src->fail = fail_src;
  const Bytes before = arena->image();
  Bytes predicted = before;
  std::vector<int> items_mask;
  bool disjoint = true;
  // The source's items as they are before the call: the views may share memory.
  const Bytes source_items = s.well_formed ? ref_gather(sv, false) : Bytes{};

  const char *fn = "PyObject_CopyData";
  int result;
  {
    Armed armed(*arena);
    result = pybuffer_PyObject_CopyData(reinterpret_cast<PyObject *>(dest),
                                        reinterpret_cast<PyObject *>(src));
  }
  const Raised raised = take_exception();
  const bool both_c = ref_block_copyable(dv, 'C') && ref_block_copyable(sv, 'C');
  const bool both_f = ref_block_copyable(dv, 'F') && ref_block_copyable(sv, 'F');
  bool same = dv.ndim == sv.ndim;
  if (same && d.well_formed && s.well_formed) {
    for (int i = 0; i < sv.ndim; ++i) same = same && ref_extent(dv, i) == ref_extent(sv, i);
  }
  if (fail_dest || fail_src) {
    expect_raised(raised, PyExc_BufferError, "ViewExporter: refused", fn);
  } else if (dv.len < sv.len) {
    expect_raised(raised, PyExc_BufferError, "destination is too small", fn);
  } else if (both_c || both_f) {
    if (sv.len < 0) {
      expect_raised(raised, PyExc_ValueError, "len", fn);
    } else {
      FUZZ_CHECK(!raised.set, "%s raised %s on contiguous views", fn, raised.message.c_str());
      if (sv.len > 0) {
        const Bytes source(at(before, sv.buf), at(before, sv.buf) + sv.len);  // memmove semantics
        copy_into(&predicted, dv.buf, source.data(), source.size());
      }
    }
  } else if (!d.well_formed || !s.well_formed) {
    expect_refused(raised, fn);
  } else if (!same) {
    expect_raised(raised, PyExc_BufferError, fn, fn);
  } else {
    FUZZ_CHECK(!raised.set, "%s raised %s: %s", fn, type_name(raised.type), raised.message.c_str());
    ref_scatter(dv, *arena, source_items.data(), ref_items(sv), false, &predicted, sv.itemsize);
    disjoint = ref_items_disjoint(dv, *arena);
    if (!disjoint) ref_mark_items(dv, *arena, &items_mask);
  }
  FUZZ_CHECK(result == (raised.set ? -1 : 0), "%s returned %d", fn, result);
  const std::string both = std::string(fn) + " from " + describe_view(sv, *arena);
  expect_image(predicted, disjoint ? nullptr : &items_mask, both.c_str(), dv);
  // Every view taken was released: the exporters' counts balance.
  FUZZ_CHECK(dest->exports == 0 && src->exports == 0, "%s lost a release (%ld, %ld live)", fn,
             dest->exports, src->exports);
  FUZZ_CHECK(Py_REFCNT(dest) == 1 && Py_REFCNT(src) == 1, "%s leaked a reference", fn);
  Py_DECREF(dest);
  Py_DECREF(src);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  start_python("copy_fuzzer");
  view_exporter_type();
  arena = new GuardedArena(1 << 21);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  static constexpr FuzzCase cases[] = {fuzz_to_contiguous, fuzz_from_contiguous, fuzz_copy_between,
                                       fuzz_copy_data};
  FuzzedDataProvider fdp(data, size);
  run_one_case(fdp, *arena, cases);
  return 0;
}
