// differential_fuzzer: the same generated inputs through CPython's own functions (looked up
// with dlsym in the loaded libpython) and through pybuffer's twins, restricted to inputs where
// CPython is well-defined: well-formed views whose memory lies in the arena, indices inside
// the shape, copies whose destination items do not alias and do not overlap the source, and
// none of the arguments README's "Deliberate differences" lists. Everything observable is
// compared: return values, exception type and message, every byte of the arena (which holds
// the views, their arrays and all memory they reach), filled Py_buffer fields, reference
// counts and the exporters' getbuffer/releasebuffer counts.
//
// The program links libpython ahead of libpybuffer, so that the plain names, and CPython's
// internal calls through them, stay CPython's; LLVMFuzzerInitialize checks that this holds.
#include "fuzz_support.hpp"
#include "reference_model.hpp"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>

using namespace pybuffer::fuzz;

namespace {

GuardedArena *arena = nullptr;
// PYBUFFER_FUZZ_ALIASING=1 also compares FromContiguous into destinations whose items alias
// (zero or overlapping strides). There the last write wins, so the result depends on the
// order items are visited; pybuffer does not follow CPython's order (see README), so these
// inputs are outside the default domain.
bool aliasing = false;
// PYBUFFER_FUZZ_TRACE=1 prints each comparison before it runs (to see what CPython crashed on).
bool trace = false;

struct Api {
#define FUZZ_API_MEMBER(ret, name, params, args) ret(*name) params;
  PYBUFFER_FUNCTIONS(FUZZ_API_MEMBER)
#undef FUZZ_API_MEMBER
};
Api real;  // CPython's definitions
Api ours;  // pybuffer's twins

void load_apis() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void *>(&Py_Initialize), &info) == 0 || info.dli_fname == nullptr) {
    fail("cannot find the file that defines Py_Initialize");
  }
  void *python = dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD);
  if (python == nullptr) fail("dlopen(%s, RTLD_NOLOAD) failed: %s", info.dli_fname, dlerror());
  const auto from_python = [&](const char *name) {
    void *symbol = dlsym(python, name);
    Dl_info where{};
    if (symbol == nullptr || dladdr(symbol, &where) == 0 || where.dli_fbase != info.dli_fbase) {
      fail("%s has no definition of %s", info.dli_fname, name);
    }
    return symbol;
  };
#define FUZZ_API_LOAD(ret, name, params, args)                     \
  real.name = reinterpret_cast<ret(*) params>(from_python(#name)); \
  ours.name = &pybuffer_##name;
  PYBUFFER_FUNCTIONS(FUZZ_API_LOAD)
#undef FUZZ_API_LOAD
  // CPython's functions call each other through the plain names; they must reach CPython.
  Dl_info global{};
  void *plain = dlsym(RTLD_DEFAULT, "PyBuffer_IsContiguous");
  if (plain == nullptr || dladdr(plain, &global) == 0 || global.dli_fbase != info.dli_fbase) {
    fail("the plain names bind to %s, not to libpython: link libpython ahead of libpybuffer",
         global.dli_fname != nullptr ? global.dli_fname : "(nothing)");
  }
  std::fprintf(stderr, "differential_fuzzer: CPython from %s, version %s\n", info.dli_fname,
               Py_GetVersion());
}

void same_exception(const Raised &r, const Raised &o, const char *what) {
  FUZZ_CHECK(r.set == o.set && r.type == o.type && r.message == o.message,
             "%s: CPython %s \"%s\", pybuffer %s \"%s\"", what,
             r.set ? type_name(r.type) : "no exception", r.message.c_str(),
             o.set ? type_name(o.type) : "no exception", o.message.c_str());
}

void same_image(const Bytes &r, const Bytes &o, const char *what, const Py_buffer &view) {
  const long at = first_difference(r, o);
  FUZZ_CHECK(at < 0, "%s: arena byte %ld is 0x%02x after CPython, 0x%02x after pybuffer (view %s)",
             what, at, r[at], o[at], describe_view(view, *arena).c_str());
}

// Runs `call(api)` for CPython, then on the restored arena for pybuffer, and compares the
// result, the exception and the arena.
template <typename Call>
void compare_on_arena(const char *what, const Py_buffer &view, Call &&call) {
  if (trace) std::fprintf(stderr, "trace: %s on %s\n", what, describe_view(view, *arena).c_str());
  const Bytes before = arena->image();
  long r_result;
  {
    Armed armed(*arena);
    r_result = call(real);
  }
  const Raised r_raised = take_exception();
  const Bytes r_image = arena->image();
  arena->restore(before);
  long o_result;
  {
    Armed armed(*arena);
    o_result = call(ours);
  }
  const Raised o_raised = take_exception();
  FUZZ_CHECK(r_result == o_result, "%s: CPython returned %ld, pybuffer %ld", what, r_result,
             o_result);
  same_exception(r_raised, o_raised, what);
  same_image(r_image, arena->image(), what, view);
}

bool good_view(FuzzedDataProvider &fdp, GenView *g, char *region = nullptr,
               std::size_t region_bytes = 0) {
  GenOptions options;
  if (!generate_view(fdp, *arena, options, g, region, region_bytes) || !g->well_formed) {
    return false;
  }
  // CPython follows the pointer tables of the leading dimensions before it meets a zero
  // extent: an empty PIL-style view without memory (buf NULL) crashes it.
  return !(g->view->buf == nullptr && g->view->suboffsets != nullptr);
}

// Whether CPython's contiguity rules are well-defined on a view, well-formed or not: they
// never read len beyond comparing it with 0 (so a len that disagrees with the shape is fine),
// but they need 0 <= ndim <= 64, a shape wherever they read one, and a running product
// itemsize * shape[0] * ... that never overflows (CPython's is unchecked).
bool contiguity_defined(const Py_buffer &v) {
  if (v.suboffsets != nullptr) return true;  // answered before any other field is read
  if (v.ndim < 0 || v.ndim > PYBUFFER_MAX_NDIM) return false;
  if (v.len == 0) return true;
  const bool reads_shape = v.strides != nullptr ? v.ndim > 0 : v.ndim > 1;
  if (!reads_shape) return true;
  if (v.shape == nullptr) return false;
  pybuffer_test::Wide product = v.itemsize;
  for (int i = 0; i < v.ndim; ++i) {
    product *= v.shape[i];
    if (!pybuffer_test::fits_ssize(product)) return false;
  }
  return true;
}

// IsContiguous also on malformed views (a corrupted len, itemsize or extent) wherever
// CPython's answer is well-defined: since it reads only shape and strides, so does pybuffer's.
void diff_is_contiguous(FuzzedDataProvider &fdp) {
  GenView g;
  GenOptions options;
  options.allow_malformed = true;
  if (!generate_view(fdp, *arena, options, &g) || !contiguity_defined(*g.view)) return;
  const char orders[] = {'C', 'F', 'A', consume_order(fdp, true)};
  for (const char order : orders) {
    compare_on_arena("PyBuffer_IsContiguous", *g.view,
                     [&](const Api &api) { return api.PyBuffer_IsContiguous(g.view, order); });
  }
}

void diff_get_pointer(FuzzedDataProvider &fdp) {
  GenView g;
  if (!good_view(fdp, &g)) return;
  const Py_buffer &v = *g.view;
  if (v.ndim > 0 && v.strides == nullptr) return;  // CPython steps by strides[i]
  auto *indices = reinterpret_cast<ssize *>(arena->allocate(sizeof(ssize) * v.ndim));
  if (indices == nullptr) return;
  for (int i = 0; i < v.ndim; ++i) {
    const ssize extent = ref_extent(v, i);
    if (extent == 0) return;  // no index inside the shape
    indices[i] = fdp.ConsumeIntegralInRange<ssize>(0, extent - 1);
  }
  compare_on_arena("PyBuffer_GetPointer", v, [&](const Api &api) {
    return static_cast<long>(reinterpret_cast<std::intptr_t>(api.PyBuffer_GetPointer(&v, indices)));
  });
}

void diff_fill_strides(FuzzedDataProvider &fdp) {
  const int ndims = fdp.ConsumeIntegralInRange(0, 9) == 0
                        ? fdp.ConsumeIntegralInRange(0, PYBUFFER_MAX_NDIM)
                        : fdp.ConsumeIntegralInRange(0, 6);
  auto *shape = reinterpret_cast<ssize *>(arena->allocate(sizeof(ssize) * ndims));
  auto *strides = reinterpret_cast<ssize *>(arena->allocate(sizeof(ssize) * ndims));
  if (shape == nullptr || strides == nullptr) return;
  for (int i = 0; i < ndims; ++i) {
    shape[i] = fdp.ConsumeIntegralInRange(0, 15) == 0 ? fdp.ConsumeIntegral<std::int32_t>()
                                                      : fdp.ConsumeIntegralInRange<ssize>(-2, 6);
  }
  const int itemsize = fdp.ConsumeIntegralInRange(0, 7) == 0 ? fdp.ConsumeIntegral<int>()
                                                             : fdp.ConsumeIntegralInRange(-2, 16);
  const char order = consume_order(fdp, true);
  // CPython multiplies by every extent, in the order it fills strides and the last one
  // included, with no overflow check: every partial product must be representable.
  pybuffer_test::Wide product = itemsize;
  for (int k = 0; k < ndims; ++k) {
    product *= shape[order == 'F' ? k : ndims - 1 - k];
    if (!pybuffer_test::fits_ssize(product)) return;
  }
  compare_on_arena("PyBuffer_FillContiguousStrides", Py_buffer{}, [&](const Api &api) {
    api.PyBuffer_FillContiguousStrides(ndims, shape, strides, itemsize, order);
    return 0L;
  });
}

// A filled view with its pointers made comparable between two runs: relative to the view
// itself, to the arena, or to the object that was exported (a fresh object in each run).
std::string describe_fill(const Py_buffer *view, const PyObject *self) {
  const auto where = [view](const void *p) -> std::string {
    if (p == nullptr) return "NULL";
    if (p == &view->len) return "&len";
    if (p == &view->itemsize) return "&itemsize";
    return arena->contains(p, 1) ? arena->describe_pointer(p) : "elsewhere";
  };
  const char *obj = view->obj == nullptr ? "NULL" : view->obj == self ? "self" : "other";
  char text[320];
  std::snprintf(text, sizeof text,
                "buf=%s obj=%s len=%zd itemsize=%zd readonly=%d ndim=%d format=%s shape=%s "
                "strides=%s suboffsets=%s internal=%p",
                where(view->buf).c_str(), obj, view->len, view->itemsize, view->readonly,
                view->ndim, view->format ? view->format : "NULL", where(view->shape).c_str(),
                where(view->strides).c_str(), where(view->suboffsets).c_str(), view->internal);
  return text;
}

void diff_fill_info(FuzzedDataProvider &fdp) {
  char *memory = arena->allocate(16);
  auto *view = reinterpret_cast<Py_buffer *>(arena->allocate(sizeof(Py_buffer)));
  if (memory == nullptr || view == nullptr) return;
  PyObject *obj = fdp.ConsumeBool() ? PyList_New(0) : nullptr;  // Release only drops it
  void *buf = fdp.ConsumeBool() ? static_cast<void *>(memory) : nullptr;
  const ssize len = fdp.ConsumeIntegralInRange(0, 3) == 0
                        ? fdp.ConsumeIntegral<ssize>()
                        : fdp.ConsumeIntegralInRange<ssize>(0, 16);
  if (len < 0) {
    Py_XDECREF(obj);
    return;  // deliberate difference: CPython builds a view with a negative shape
  }
  const int readonly = fdp.ConsumeIntegralInRange(0, 3) == 0 ? fdp.ConsumeIntegral<int>()
                                                             : fdp.ConsumeIntegralInRange(0, 1);
  const int flags = fdp.ConsumeIntegralInRange(0, 3) == 0 ? fdp.ConsumeIntegral<int>()
                                                          : fdp.ConsumeIntegralInRange(0, 0x3FF);
  const Py_ssize_t refs = obj != nullptr ? Py_REFCNT(obj) : 0;
  const Bytes before = arena->image();
  std::string filled[2];
  Bytes images[2];
  Raised raised[2];
  int results[2];
  Py_ssize_t refs_after[2];
  for (int k = 0; k < 2; ++k) {
    const Api &api = k == 0 ? real : ours;
    arena->restore(before);
    {
      Armed armed(*arena);
      results[k] = api.PyBuffer_FillInfo(view, obj, buf, len, readonly, flags);
    }
    raised[k] = take_exception();
    refs_after[k] = obj != nullptr ? Py_REFCNT(obj) : 0;
    if (results[k] == 0) {
      filled[k] = describe_fill(view, obj);
      {
        Armed armed(*arena);
        api.PyBuffer_Release(view);
      }
      // Each library points format at its own "B" literal: the text is compared above, the
      // address (which differs) is blanked before the images are compared.
      view->format = nullptr;
    }
    images[k] = arena->image();
    FUZZ_CHECK(obj == nullptr || Py_REFCNT(obj) == refs, "FillInfo+Release unbalanced obj");
  }
  FUZZ_CHECK(results[0] == results[1], "PyBuffer_FillInfo: CPython %d, pybuffer %d", results[0],
             results[1]);
  same_exception(raised[0], raised[1], "PyBuffer_FillInfo");
  FUZZ_CHECK(filled[0] == filled[1], "PyBuffer_FillInfo fields: CPython {%s}, pybuffer {%s}",
             filled[0].c_str(), filled[1].c_str());
  FUZZ_CHECK(refs_after[0] == refs_after[1], "PyBuffer_FillInfo: refcounts differ");
  same_image(images[0], images[1], "PyBuffer_FillInfo", Py_buffer{});
  Py_XDECREF(obj);
}

void diff_to_contiguous(FuzzedDataProvider &fdp) {
  GenView g;
  if (!good_view(fdp, &g)) return;
  const Py_buffer &v = *g.view;
  // CPython's general path assumes ndim >= 1; a 0-d view is only safe when contiguous.
  if (v.ndim == 0 && v.suboffsets != nullptr) return;
  const char order = consume_order(fdp, false);
  const ssize len =
      fdp.ConsumeIntegralInRange(0, 7) == 0 ? v.len + fdp.ConsumeIntegralInRange(-2, 2) : v.len;
  char *dest = arena->allocate(static_cast<std::size_t>(std::max<ssize>(len, 0)));
  if (dest == nullptr) return;
  char what[96];
  std::snprintf(what, sizeof what, "PyBuffer_ToContiguous(len %zd, order %c)", len, order);
  compare_on_arena(what, v, [&](const Api &api) {
    return static_cast<long>(api.PyBuffer_ToContiguous(dest, &v, len, order));
  });
}

void diff_from_contiguous(FuzzedDataProvider &fdp) {
  GenView g;
  if (!good_view(fdp, &g)) return;
  const Py_buffer &v = *g.view;
  const char order = consume_order(fdp, false);
  // CPython's general path steps by strides[i] (GetPointer): a stride-less view must be
  // contiguous in the order asked.
  if (v.ndim > 0 && v.strides == nullptr && !ref_contiguous_enumerated(v, order)) return;
  const ssize len =
      std::max<ssize>(0, v.len + fdp.ConsumeIntegralInRange<ssize>(-2 * v.itemsize, 8));
  char *src = arena->allocate(static_cast<std::size_t>(len));
  if (src == nullptr) return;
  if (!aliasing && !ref_items_disjoint(v, *arena)) return;
  char what[96];
  std::snprintf(what, sizeof what, "PyBuffer_FromContiguous(len %zd, order %c, items %s)", len,
                order, ref_items_disjoint(v, *arena) ? "disjoint" : "aliasing");
  compare_on_arena(what, v, [&](const Api &api) {
    return static_cast<long>(api.PyBuffer_FromContiguous(&v, src, len, order));
  });
}

void diff_copy_data(FuzzedDataProvider &fdp) {
  GenView s;
  GenView d;
  if (!good_view(fdp, &s)) return;
  const bool like = fdp.ConsumeIntegralInRange(0, 3) != 0;
  if (like ? !(generate_view_like(fdp, *arena, GenOptions{}, *s.view, &d) && d.well_formed)
           : !good_view(fdp, &d)) {
    return;
  }
  const Py_buffer &sv = *s.view;
  const Py_buffer &dv = *d.view;
  const bool fast = (ref_contiguous_enumerated(dv, 'C') && ref_contiguous_enumerated(sv, 'C')) ||
                    (ref_contiguous_enumerated(dv, 'F') && ref_contiguous_enumerated(sv, 'F'));
  if (!fast && dv.len >= sv.len) {
    // CPython indexes both views with the source's indices and steps by strides.
    if (dv.ndim != sv.ndim) return;
    for (int i = 0; i < sv.ndim; ++i) {
      if (ref_extent(dv, i) != ref_extent(sv, i)) return;
    }
    if (sv.ndim > 0 && (sv.strides == nullptr || dv.strides == nullptr)) return;
    if (!ref_items_disjoint(dv, *arena)) return;  // CPython's order of writes is its own
  }
  const bool fail_dest = fdp.ConsumeIntegralInRange(0, 15) == 0;
  const bool fail_src = fdp.ConsumeIntegralInRange(0, 15) == 0;
  const Bytes before = arena->image();
  Bytes images[2];
  Raised raised[2];
  int results[2];
  long counts[2][4];
  for (int k = 0; k < 2; ++k) {
    arena->restore(before);
    ViewExporter *dest = new_view_exporter(dv);
    ViewExporter *src = new_view_exporter(sv);
    dest->fail = fail_dest;
    src->fail = fail_src;
    {
      Armed armed(*arena);
      results[k] = (k == 0 ? real : ours)
                       .PyObject_CopyData(reinterpret_cast<PyObject *>(dest),
                                          reinterpret_cast<PyObject *>(src));
    }
    raised[k] = take_exception();
    images[k] = arena->image();
    counts[k][0] = dest->getbuffers;
    counts[k][1] = dest->releases;
    counts[k][2] = src->getbuffers;
    counts[k][3] = src->releases;
    FUZZ_CHECK(Py_REFCNT(dest) == 1 && Py_REFCNT(src) == 1, "CopyData (%s) leaked a reference",
               k == 0 ? "CPython" : "pybuffer");
    Py_DECREF(dest);
    Py_DECREF(src);
  }
  FUZZ_CHECK(results[0] == results[1], "PyObject_CopyData: CPython %d, pybuffer %d", results[0],
             results[1]);
  same_exception(raised[0], raised[1], "PyObject_CopyData");
  FUZZ_CHECK(std::memcmp(counts[0], counts[1], sizeof counts[0]) == 0,
             "PyObject_CopyData: exporter calls differ (CPython %ld/%ld %ld/%ld, pybuffer "
             "%ld/%ld %ld/%ld)",
             counts[0][0], counts[0][1], counts[0][2], counts[0][3], counts[1][0], counts[1][1],
             counts[1][2], counts[1][3]);
  same_image(images[0], images[1], "PyObject_CopyData", dv);
}

// The object-level functions on an exporter of a generated view, a list (no buffer) and bytes.
void diff_objects(FuzzedDataProvider &fdp) {
  GenView g;
  if (!good_view(fdp, &g)) return;
  auto *view = reinterpret_cast<Py_buffer *>(arena->allocate(sizeof(Py_buffer)));
  if (view == nullptr) return;
  const int which = fdp.ConsumeIntegralInRange(0, 2);
  const bool refuse = fdp.ConsumeIntegralInRange(0, 3) == 0;
  const int flags = fdp.ConsumeIntegralInRange(0, 3) == 0 ? fdp.ConsumeIntegral<int>()
                                                          : fdp.ConsumeIntegralInRange(0, 0x3FF);
  const int function = fdp.ConsumeIntegralInRange(0, 5);
  const Bytes before = arena->image();
  std::string outcome[2];
  Bytes images[2];
  for (int k = 0; k < 2; ++k) {
    const Api &api = k == 0 ? real : ours;
    arena->restore(before);
    PyObject *obj;
    if (which == 0) {
      ViewExporter *exporter = new_view_exporter(*g.view);
      exporter->fail = refuse;
      obj = reinterpret_cast<PyObject *>(exporter);
    } else if (which == 1) {
      obj = PyList_New(0);
    } else {
      obj = PyBytes_FromStringAndSize("pybuffer", 8);
    }
    long result = 0;
    const void *pointer = nullptr;
    Py_ssize_t length = -7;
    std::string fields;
    {
      Armed armed(*arena);
      switch (function) {
        case 0:
          result = api.PyObject_CheckBuffer(obj);
          break;
        case 1:
          result = api.PyObject_GetBuffer(obj, view, flags);
          if (result == 0) {
            fields = describe_fill(view, obj);
            api.PyBuffer_Release(view);
          }
          break;
        case 2:
          result = api.PyObject_CheckReadBuffer(obj);
          break;
        case 3:
          result = api.PyObject_AsReadBuffer(obj, &pointer, &length);
          break;
        case 4: {
          const char *chars = nullptr;
          result = api.PyObject_AsCharBuffer(obj, &chars, &length);
          pointer = chars;
          break;
        }
        default: {
          void *writable = nullptr;
          result = api.PyObject_AsWriteBuffer(obj, &writable, &length);
          pointer = writable;
          break;
        }
      }
    }
    const Raised raised = take_exception();
    char text[512];
    long counts[2] = {0, 0};
    if (which == 0) {
      counts[0] = reinterpret_cast<ViewExporter *>(obj)->getbuffers;
      counts[1] = reinterpret_cast<ViewExporter *>(obj)->releases;
    }
    // bytes' own pointer is the same object's in both runs only by chance: compare it
    // relative to the object.
    const long relative =
        pointer == nullptr ? -1
        : which == 2       ? static_cast<const char *>(pointer) - PyBytes_AS_STRING(obj)
                           : static_cast<const char *>(pointer) - static_cast<char *>(g.view->buf);
    std::snprintf(text, sizeof text,
                  "result %ld exception %s \"%s\" pointer %ld len %zd calls "
                  "%ld/%ld refcnt %zd fields {%s}",
                  result, raised.set ? type_name(raised.type) : "none", raised.message.c_str(),
                  relative, length, counts[0], counts[1], Py_REFCNT(obj),
                  which == 2 ? "bytes" : fields.c_str());
    outcome[k] = text;
    images[k] = arena->image();
    Py_DECREF(obj);
  }
  FUZZ_CHECK(outcome[0] == outcome[1], "function %d on object kind %d: CPython {%s}, pybuffer {%s}",
             function, which, outcome[0].c_str(), outcome[1].c_str());
  same_image(images[0], images[1], "object functions", *g.view);
}

void diff_size_from_format(FuzzedDataProvider &fdp) {
  const std::string format = fdp.ConsumeRandomLengthString(24);
  long results[2];
  Raised raised[2];
  for (int k = 0; k < 2; ++k) {
    results[k] = (k == 0 ? real : ours).PyBuffer_SizeFromFormat(format.c_str());
    raised[k] = take_exception();
  }
  FUZZ_CHECK(results[0] == results[1], "PyBuffer_SizeFromFormat(\"%s\"): CPython %ld, pybuffer %ld",
             format.c_str(), results[0], results[1]);
  same_exception(raised[0], raised[1], "PyBuffer_SizeFromFormat");
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  start_python("differential_fuzzer");
  const char *knob = std::getenv("PYBUFFER_FUZZ_ALIASING");
  aliasing = knob != nullptr && std::strcmp(knob, "1") == 0;
  const char *tracing = std::getenv("PYBUFFER_FUZZ_TRACE");
  trace = tracing != nullptr && std::strcmp(tracing, "1") == 0;
  load_apis();
  view_exporter_type();
  arena = new GuardedArena(1 << 21);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  static constexpr FuzzCase cases[] = {
      diff_is_contiguous, diff_get_pointer,   diff_fill_strides,
      diff_fill_info,     diff_to_contiguous, diff_from_contiguous,
      diff_copy_data,     diff_objects,       diff_size_from_format};
  FuzzedDataProvider fdp(data, size);
  run_one_case(fdp, *arena, cases);
  return 0;
}
