#include "fuzz_support.hpp"

#include "python_start.hpp"
#include "reference_model.hpp"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>

namespace pybuffer::fuzz {
namespace {

const char *target_name = "fuzzer";
constexpr ssize ssize_max = std::numeric_limits<ssize>::max();

using pybuffer_test::fits_ssize;
using wide = pybuffer_test::Wide;

}  // namespace

void fail(const char *format, ...) {
  std::fprintf(stderr, "%s: ", target_name);
  va_list args;
  va_start(args, format);
  std::vfprintf(stderr, format, args);
  va_end(args);
  std::fprintf(stderr, "\n");
  std::fflush(stderr);
  std::abort();
}

// ---------------------------------------------------------------------------------------------
// The interpreter

void start_python(const char *target) {
  target_name = target;
  if (!pybuffer_test::start_python()) fail("the embedded interpreter did not start");
}

void expect_raised(const Raised &raised, PyObject *type, const char *needle, const char *what) {
  FUZZ_CHECK(pybuffer_test::raised_matches(raised, type, needle),
             "%s: expected %s containing \"%s\", got %s", what, type_name(type), needle,
             pybuffer_test::describe(raised).c_str());
}

// ---------------------------------------------------------------------------------------------
// Generated views

namespace {

// The geometry memory is laid out for: the view before any corruption, with explicit strides
// (a stride-less view is laid out with its implied C strides).
struct Layout {
  int ndim = 0;
  ssize itemsize = 1;
  ssize shape[PYBUFFER_MAX_NDIM] = {};
  ssize strides[PYBUFFER_MAX_NDIM] = {};
  ssize sub[PYBUFFER_MAX_NDIM] = {};
  bool has_sub = false;
  ssize cover = 0;  // the root block also covers [buf, buf + cover): contiguous copies trust len
};

bool indirect(const Layout &l, int dim) {
  return l.has_sub && l.sub[dim] >= 0;
}

// Lays out dimensions [d, ndim) in fresh blocks. A block holds the dimensions up to and
// including the next indirect one (whose entries are pointers to further blocks) or up to the
// last dimension (whose entries are items). Entries reached twice (zero or repeating strides)
// share one pointer and one sub-block, as aliasing pointers would in a real exporter.
class Builder {
 public:
  Builder(GuardedArena &arena, const Layout &layout, char *region, std::size_t region_bytes,
          FuzzedDataProvider &fdp)
      : arena_(arena), l_(layout), region_(region), region_bytes_(region_bytes), fdp_(fdp) {}

  char *build(int d) {
    if (d == l_.ndim) {
      const auto bytes = static_cast<std::size_t>(std::max(l_.itemsize, d == 0 ? l_.cover : 0));
      if (d == 0 && region_ != nullptr) return place(bytes);
      return arena_.allocate(bytes);
    }
    int e = d;
    while (e < l_.ndim - 1 && !indirect(l_, e)) ++e;
    const bool pointers = indirect(l_, e);
    const ssize entry = pointers ? static_cast<ssize>(sizeof(char *)) : l_.itemsize;
    ssize lo = 0;
    ssize hi = 0;
    bool empty = false;
    for (int k = d; k <= e; ++k) {
      if (l_.shape[k] == 0) empty = true;
      const ssize reach = l_.shape[k] > 0 ? (l_.shape[k] - 1) * l_.strides[k] : 0;
      (reach < 0 ? lo : hi) += reach;
    }
    ssize size = hi - lo + entry;
    if (d == 0) size = std::max(size, l_.cover - lo);
    char *block = (d == 0 && region_ != nullptr && !l_.has_sub)
                      ? place(static_cast<std::size_t>(size))
                      : arena_.allocate(static_cast<std::size_t>(size));
    if (block == nullptr) return nullptr;
    char *base = block - lo;
    if (!pointers || empty) return base;
    // Visit every entry of the block's dimensions; each gets (or shares) a sub-block.
    ssize sub_shape[PYBUFFER_MAX_NDIM];
    const int n = e - d + 1;
    for (int k = 0; k < n; ++k) sub_shape[k] = l_.shape[d + k];
    bool ok = true;
    for_each_index(n, sub_shape, false, [&](const ssize *index) {
      if (!ok) return;
      char *position = base;
      for (int k = 0; k < n; ++k) position += index[k] * l_.strides[d + k];
      for (const auto &done : placed_) {
        if (done == position) return;
      }
      char *target = build(e + 1);
      if (target == nullptr) {
        ok = false;
        return;
      }
      // The stored pointer is the sub-block minus the suboffset, so that pointer + suboffset
      // lands on the sub-block: computed as an integer, it may point outside any object.
      const std::uintptr_t value =
          reinterpret_cast<std::uintptr_t>(target) - static_cast<std::uintptr_t>(l_.sub[e]);
      std::memcpy(position, &value, sizeof value);
      placed_.push_back(position);
    });
    return ok ? base : nullptr;
  }

 private:
  // The root block inside the caller's region, at a fuzzer-chosen offset (so that two views
  // can overlap); a block too large for the region gets its own.
  char *place(std::size_t bytes) {
    if (bytes > region_bytes_) return arena_.allocate(bytes);
    const std::size_t slack = region_bytes_ - bytes;
    return region_ + fdp_.ConsumeIntegralInRange<std::size_t>(0, slack);
  }

  GuardedArena &arena_;
  const Layout &l_;
  char *region_;
  std::size_t region_bytes_;
  FuzzedDataProvider &fdp_;
  std::vector<char *> placed_;
};

void packed(const Layout &l, const int *order, ssize unit, int first, int last, ssize *strides) {
  // order[] lists dimensions from slowest to fastest.
  ssize step = unit;
  for (int k = last; k >= first; --k) {
    strides[order[k]] = step;
    step *= std::max<ssize>(l.shape[order[k]], 1);
  }
}

ssize *copy_array(GuardedArena &arena, const ssize *values, int n) {
  char *block = arena.allocate(sizeof(ssize) * static_cast<std::size_t>(n));
  if (block == nullptr) return nullptr;
  if (n > 0) std::memcpy(block, values, sizeof(ssize) * static_cast<std::size_t>(n));
  return reinterpret_cast<ssize *>(block);
}

bool generate(FuzzedDataProvider &fdp, GuardedArena &arena, const GenOptions &options,
              const Py_buffer *like, GenView *out, char *region, std::size_t region_bytes) {
  Layout l;
  // ndim: mostly small; sometimes up to the maximum (then mostly extents of 1).
  if (like != nullptr) {
    l.ndim = like->ndim;
    l.itemsize = like->itemsize;
  } else {
    const int pick = fdp.ConsumeIntegralInRange(0, 15);
    const int max_ndim = std::min(options.max_ndim, PYBUFFER_MAX_NDIM);
    l.ndim = pick < 10   ? fdp.ConsumeIntegralInRange(0, std::min(3, max_ndim))
             : pick < 13 ? fdp.ConsumeIntegralInRange(0, std::min(8, max_ndim))
             : pick < 15 ? fdp.ConsumeIntegralInRange(0, max_ndim)
                         : max_ndim;
    static const ssize itemsizes[] = {1, 1, 2, 4, 8, 3, 16, 0};
    l.itemsize = itemsizes[fdp.ConsumeIntegralInRange(0, 7)];
    if (l.itemsize == 0) l.itemsize = fdp.ConsumeIntegralInRange<ssize>(1, 24);
  }
  ssize items = 1;
  for (int i = 0; i < l.ndim; ++i) {
    ssize extent;
    if (like != nullptr) {
      extent = like->shape != nullptr ? like->shape[i] : like->len / like->itemsize;
      // A template may be well-formed with a huge extent next to a zero one; not laid out.
      if (extent < 0 || extent > options.max_items) return false;
    } else if (l.ndim > 8) {
      extent = fdp.ConsumeIntegralInRange(0, 7) == 0 ? fdp.ConsumeIntegralInRange(0, 3) : 1;
    } else {
      const int v = fdp.ConsumeIntegralInRange(0, 9);
      extent = v == 0 ? 0 : 1 + v % 4;
    }
    if (like == nullptr && items * extent > options.max_items) extent = 1;
    l.shape[i] = extent;
    items *= extent;
  }
  bool has_strides = true;
  bool has_shape = true;
  const int mode = fdp.ConsumeIntegralInRange(0, 7);
  int order[PYBUFFER_MAX_NDIM];
  for (int i = 0; i < l.ndim; ++i) order[i] = i;
  switch (mode) {
    case 0:
    case 7:  // 7: strides NULL, laid out with the implied C strides
      packed(l, order, l.itemsize, 0, l.ndim - 1, l.strides);
      has_strides = mode != 7;
      break;
    case 1:
      std::reverse(order, order + l.ndim);
      packed(l, order, l.itemsize, 0, l.ndim - 1, l.strides);
      break;
    case 2:
    case 3:  // a permutation of packed dimensions; 3 also reverses some of them
      for (int i = l.ndim - 1; i > 0; --i)
        std::swap(order[i], order[fdp.ConsumeIntegralInRange(0, i)]);
      packed(l, order, l.itemsize, 0, l.ndim - 1, l.strides);
      if (mode == 3) {
        for (int i = 0; i < l.ndim; ++i) {
          if (fdp.ConsumeBool()) l.strides[i] = -l.strides[i];
        }
      }
      break;
    case 4:
    case 5:  // whole-item steps, including zero (aliasing) and negative ones
      for (int i = 0; i < l.ndim; ++i)
        l.strides[i] = l.itemsize * fdp.ConsumeIntegralInRange(-4, 4);
      break;
    default:  // any byte step: items may overlap partially
      for (int i = 0; i < l.ndim; ++i) {
        l.strides[i] = fdp.ConsumeIntegralInRange<ssize>(-3 * l.itemsize - 8, 3 * l.itemsize + 8);
      }
      break;
  }
  if (options.allow_suboffsets && l.ndim > 0 && fdp.ConsumeIntegralInRange(0, 3) == 0) {
    l.has_sub = true;
    has_strides = true;
    for (int i = 0; i < l.ndim; ++i) {
      l.sub[i] = fdp.ConsumeIntegralInRange(0, 2) == 0 ? fdp.ConsumeIntegralInRange<ssize>(0, 24)
                                                       : -fdp.ConsumeIntegralInRange<ssize>(1, 3);
    }
    // Dimensions of a block that ends in pointers step by whole, aligned pointers.
    int first = 0;
    for (int e = 0; e < l.ndim; ++e) {
      if (l.sub[e] < 0) continue;
      const int how = fdp.ConsumeIntegralInRange(0, 3);
      for (int k = first; k <= e; ++k) order[k] = k;
      packed(l, order, static_cast<ssize>(sizeof(char *)), first, e, l.strides);
      for (int k = first; k <= e; ++k) {
        if (how == 2 && fdp.ConsumeBool()) l.strides[k] = -l.strides[k];
        if (how == 3) l.strides[k] = 8 * fdp.ConsumeIntegralInRange<ssize>(-2, 2);
      }
      first = e + 1;
    }
  }
  if (l.ndim == 1 && !has_strides && !l.has_sub && options.allow_null_shape &&
      fdp.ConsumeIntegralInRange(0, 3) == 0) {
    has_shape = false;
  }
  int zero_dim_arrays = 0;  // ndim 0: 0 = no arrays, 1 = empty shape and strides, 2 = shape only
  if (l.ndim == 0) {
    zero_dim_arrays = fdp.ConsumeIntegralInRange(0, 2);
    has_shape = zero_dim_arrays != 0;
    has_strides = zero_dim_arrays == 1;
  }
  ssize len = items * l.itemsize;

  // Corruption decided before layout, so that memory covers whatever a contiguous copy of the
  // corrupted view may legitimately touch (it trusts len), and nothing else changes footprint.
  Py_buffer v{};
  v.ndim = l.ndim;
  v.itemsize = l.itemsize;
  v.len = len;
  bool keep_shape = has_shape;
  bool keep_strides = has_strides;
  ssize shape_values[PYBUFFER_MAX_NDIM];
  ssize stride_values[PYBUFFER_MAX_NDIM];
  for (int i = 0; i < l.ndim; ++i) {
    shape_values[i] = l.shape[i];
    stride_values[i] = l.strides[i];
  }
  bool corrupted = false;
  if (options.allow_malformed && fdp.ConsumeIntegralInRange(0, 3) == 0) {
    corrupted = true;
    switch (fdp.ConsumeIntegralInRange(0, 8)) {
      case 0: {
        static const int bad_ndims[] = {
            -1,  65,  66, std::numeric_limits<int>::min(), std::numeric_limits<int>::max(),
            -64, 1000};
        v.ndim = bad_ndims[fdp.ConsumeIntegralInRange(0, 6)];
        break;
      }
      case 1: {
        static const ssize bad_itemsizes[] = {0, -1, -8, std::numeric_limits<ssize>::min()};
        v.itemsize = bad_itemsizes[fdp.ConsumeIntegralInRange(0, 3)];
        break;
      }
      case 2:
        if (l.ndim == 0 || !has_shape) {
          corrupted = false;
          break;
        }
        shape_values[fdp.ConsumeIntegralInRange(0, l.ndim - 1)] =
            fdp.ConsumeBool() ? -fdp.ConsumeIntegralInRange<ssize>(1, 5)
                              : std::numeric_limits<ssize>::min();
        break;
      case 3:  // an extent whose product overflows (harmless when another extent is 0)
        if (l.ndim == 0 || !has_shape) {
          corrupted = false;
          break;
        }
        shape_values[fdp.ConsumeIntegralInRange(0, l.ndim - 1)] =
            ssize_max / 2 + fdp.ConsumeIntegralInRange<ssize>(1, 1000);
        break;
      case 4: {
        const int how = fdp.ConsumeIntegralInRange(0, 3);
        if (how == 0) {
          v.len = len + fdp.ConsumeIntegralInRange<ssize>(1, 64);
          l.cover = v.len;
        } else if (how == 1 && len > 0) {
          v.len = len - fdp.ConsumeIntegralInRange<ssize>(1, len);
        } else if (how == 2) {
          v.len = -fdp.ConsumeIntegralInRange<ssize>(1, 100);
        } else {
          v.len = std::numeric_limits<ssize>::min();
        }
        break;
      }
      case 5:
        if (l.ndim < 2) {
          corrupted = false;
          break;
        }
        keep_shape = false;
        break;
      case 6:
        if (!l.has_sub) {
          corrupted = false;
          break;
        }
        keep_strides = false;
        break;
      case 7: {  // a stride whose reach overflows: only along an extent of 3 or more
        int dim = -1;
        for (int i = 0; i < l.ndim; ++i) {
          if (l.shape[i] >= 3) dim = i;
        }
        if (dim < 0 || !has_strides) {
          corrupted = false;
          break;
        }
        const ssize huge = ssize_max / 2 + fdp.ConsumeIntegralInRange<ssize>(1, 1000);
        stride_values[dim] = fdp.ConsumeBool() ? huge : -huge;
        out->strides_corrupted = true;
        break;
      }
      default:  // an itemsize whose product with the item count overflows
        if (items < 2) {
          corrupted = false;
          break;
        }
        v.itemsize = ssize_max / 2 + 1;
        break;
    }
  }
  if (l.cover < len) l.cover = len;

  // Memory first (its pointer tables need the uncorrupted layout), then the arrays.
  Builder builder(arena, l, region, region_bytes, fdp);
  char *buf = builder.build(0);
  if (buf == nullptr) return false;
  // An empty view may have no memory at all (an exporter of nothing): buf NULL.
  v.buf = len == 0 && v.len == 0 && fdp.ConsumeIntegralInRange(0, 3) == 0 ? nullptr : buf;
  v.format = const_cast<char *>("B");
  const int n = l.ndim;
  v.shape = keep_shape ? copy_array(arena, shape_values, n) : nullptr;
  v.strides = keep_strides ? copy_array(arena, stride_values, n) : nullptr;
  v.suboffsets = l.has_sub ? copy_array(arena, l.sub, n) : nullptr;
  if ((keep_shape && v.shape == nullptr) || (keep_strides && v.strides == nullptr) ||
      (l.has_sub && v.suboffsets == nullptr)) {
    return false;
  }
  char *view_block = arena.allocate(sizeof(Py_buffer));
  if (view_block == nullptr) return false;
  std::memcpy(view_block, &v, sizeof v);
  out->view = reinterpret_cast<Py_buffer *>(view_block);
  out->alloc_ndim = n;
  for (int i = 0; i < n; ++i) out->layout_shape[i] = l.shape[i];
  out->well_formed = ref_well_formed(v);
  // A corruption that left a well-formed view (an extent of 0 elsewhere) must not have moved
  // any item outside memory; if it did, the input is of no use.
  if (corrupted && out->well_formed) {
    bool inside = true;
    ssize shape[PYBUFFER_MAX_NDIM];
    ref_shape(v, shape);
    for_each_index(v.ndim, shape, false, [&](const ssize *index) {
      if (!arena.in_block(ref_address(v, index), static_cast<std::size_t>(v.itemsize))) {
        inside = false;
      }
    });
    if (!inside) return false;
  }
  return true;
}

}  // namespace

bool generate_view(FuzzedDataProvider &fdp, GuardedArena &arena, const GenOptions &options,
                   GenView *out, char *region, std::size_t region_bytes) {
  return generate(fdp, arena, options, nullptr, out, region, region_bytes);
}

bool generate_view_like(FuzzedDataProvider &fdp, GuardedArena &arena, const GenOptions &options,
                        const Py_buffer &like, GenView *out, char *region,
                        std::size_t region_bytes) {
  return generate(fdp, arena, options, &like, out, region, region_bytes);
}

std::string describe_view(const Py_buffer &view, const GuardedArena &arena) {
  std::string text;
  char part[96];
  std::snprintf(part, sizeof part, "ndim %d itemsize %zd len %zd", view.ndim, view.itemsize,
                view.len);
  text += part;
  const int n = view.ndim < 0 ? 0 : view.ndim > PYBUFFER_MAX_NDIM ? PYBUFFER_MAX_NDIM : view.ndim;
  const auto array = [&](const char *name, const ssize *values) {
    text += " ";
    text += name;
    if (values == nullptr) {
      text += " NULL";
      return;
    }
    text += " (";
    for (int i = 0; i < n; ++i) {
      std::snprintf(part, sizeof part, i ? ",%zd" : "%zd", values[i]);
      text += part;
    }
    text += ")";
  };
  array("shape", view.shape);
  array("strides", view.strides);
  array("suboffsets", view.suboffsets);
  return text + " buf " + arena.describe_pointer(view.buf);
}

char consume_order(FuzzedDataProvider &fdp, bool any) {
  static const char orders[] = {'C', 'F', 'A'};
  if (any && fdp.ConsumeIntegralInRange(0, 7) == 0)
    return static_cast<char>(fdp.ConsumeIntegral<unsigned char>());
  return orders[fdp.ConsumeIntegralInRange(0, 2)];
}

// ---------------------------------------------------------------------------------------------
// Naive references

ssize ref_extent(const Py_buffer &view, int i) {
  if (view.shape != nullptr) return view.shape[i];
  return view.itemsize > 0 ? view.len / view.itemsize : 0;
}

ssize ref_stride(const Py_buffer &view, int i) {
  if (view.strides != nullptr) return view.strides[i];
  ssize stride = view.itemsize;
  for (int k = view.ndim - 1; k > i; --k) stride *= ref_extent(view, k);
  return stride;
}

bool ref_well_formed(const Py_buffer &view) {
  if (view.ndim < 0 || view.ndim > PYBUFFER_MAX_NDIM) return false;
  if (view.itemsize <= 0 || view.len < 0) return false;
  if (view.shape == nullptr && view.ndim > 1) return false;
  if (view.suboffsets != nullptr && view.strides == nullptr && view.ndim > 0) return false;
  // Every partial product must be representable, as a running computation would need.
  wide items = 1;
  for (int i = 0; i < view.ndim; ++i) {
    const ssize extent = ref_extent(view, i);
    if (extent < 0) return false;
    items *= extent;
    if (!fits_ssize(items)) return false;
  }
  const wide bytes = items * view.itemsize;
  if (!fits_ssize(bytes) || bytes != view.len) return false;
  if (view.strides == nullptr) {
    // The implied C strides must exist even where a zero extent makes them unused, as
    // FillContiguousStrides demands for the same shape.
    wide stride = view.itemsize;
    for (int i = view.ndim - 1; i > 0; --i) {
      stride *= ref_extent(view, i);
      if (!fits_ssize(stride)) return false;
    }
  } else {
    wide span = 0;
    for (int i = 0; i < view.ndim; ++i) {
      const ssize extent = ref_extent(view, i);
      const wide stride = view.strides[i];
      span += (stride < 0 ? -stride : stride) * (extent > 0 ? extent - 1 : 0);
      if (!fits_ssize(span)) return false;
    }
  }
  return true;
}

ssize ref_items(const Py_buffer &view) {
  ssize items = 1;
  for (int i = 0; i < view.ndim; ++i) items *= ref_extent(view, i);
  return items;
}

void ref_shape(const Py_buffer &view, ssize *shape) {
  for (int i = 0; i < view.ndim; ++i) shape[i] = ref_extent(view, i);
}

char *ref_address(const Py_buffer &view, const ssize *index) {
  char *p = static_cast<char *>(view.buf);
  for (int i = 0; i < view.ndim; ++i) {
    p += ref_stride(view, i) * index[i];
    if (view.suboffsets != nullptr && view.suboffsets[i] >= 0) {
      std::uintptr_t pointer;
      std::memcpy(&pointer, p, sizeof pointer);
      p = reinterpret_cast<char *>(pointer + static_cast<std::uintptr_t>(view.suboffsets[i]));
    }
  }
  return p;
}

bool ref_contiguous_enumerated(const Py_buffer &view, char order) {
  if (view.suboffsets != nullptr) return false;
  if (order != 'C' && order != 'F' && order != 'A') return false;
  if (order == 'A') {
    return ref_contiguous_enumerated(view, 'C') || ref_contiguous_enumerated(view, 'F');
  }
  ssize shape[PYBUFFER_MAX_NDIM];
  ref_shape(view, shape);
  char *expected = static_cast<char *>(view.buf);
  bool contiguous = true;
  for_each_index(view.ndim, shape, order == 'F', [&](const ssize *index) {
    if (ref_address(view, index) != expected) contiguous = false;
    expected += view.itemsize;
  });
  return contiguous;
}

namespace {

// The model's definitions read shape only past their early answers (len 0; no strides for C;
// no strides and ndim <= 1 for Fortran): whether `view` gets that far without one.
bool model_can_read(const Py_buffer &view, bool fortran) {
  if (view.ndim < 0 || view.ndim > PYBUFFER_MAX_NDIM) return false;
  if (view.shape != nullptr || view.ndim == 0 || view.len == 0) return true;
  return view.strides == nullptr && (!fortran || view.ndim <= 1);
}

}  // namespace

bool ref_contiguous_rules(const Py_buffer &view, char order) {
  if (view.suboffsets != nullptr) return false;
  const core::View v = to_core(view);
  const bool c = (order == 'C' || order == 'A') && model_can_read(view, false) &&
                 pybuffer_test::ref_is_c_contiguous(v);
  const bool f = (order == 'F' || order == 'A') && model_can_read(view, true) &&
                 pybuffer_test::ref_is_f_contiguous(v);
  return c || f;
}

bool ref_sizes_agree(const Py_buffer &view) {
  if (view.ndim < 0 || view.ndim > PYBUFFER_MAX_NDIM || view.len < 0) return false;
  if (view.shape == nullptr) return true;  // len flat bytes, whatever ndim and itemsize say
  if (view.itemsize <= 0) return false;
  for (int i = 0; i < view.ndim; ++i) {
    if (view.shape[i] < 0) return false;
  }
  wide bytes = view.itemsize;
  for (int i = 0; i < view.ndim; ++i) {
    bytes *= view.shape[i];
    if (!fits_ssize(bytes)) return false;
  }
  return bytes == view.len;
}

bool ref_block_copyable(const Py_buffer &view, char order) {
  return ref_contiguous_rules(view, order) && ref_sizes_agree(view);
}

void ref_mark_items(const Py_buffer &view, const GuardedArena &arena, std::vector<int> *mask) {
  mask->assign(arena.used(), 0);
  ssize shape[PYBUFFER_MAX_NDIM];
  ref_shape(view, shape);
  for_each_index(view.ndim, shape, false, [&](const ssize *index) {
    const char *item = ref_address(view, index);
    const std::size_t offset = arena.offset_of(item);
    for (ssize b = 0; b < view.itemsize; ++b) (*mask)[offset + static_cast<std::size_t>(b)] += 1;
  });
}

bool ref_items_disjoint(const Py_buffer &view, const GuardedArena &arena) {
  std::vector<int> mask;
  ref_mark_items(view, arena, &mask);
  return std::all_of(mask.begin(), mask.end(), [](int n) { return n <= 1; });
}

Bytes ref_gather(const Py_buffer &view, bool fortran) {
  Bytes out;
  ssize shape[PYBUFFER_MAX_NDIM];
  ref_shape(view, shape);
  for_each_index(view.ndim, shape, fortran, [&](const ssize *index) {
    const auto *item = reinterpret_cast<const unsigned char *>(ref_address(view, index));
    out.insert(out.end(), item, item + view.itemsize);
  });
  return out;
}

void ref_scatter(const Py_buffer &view, const GuardedArena &arena, const unsigned char *packed,
                 ssize count, bool fortran, Bytes *image, ssize item_bytes) {
  if (item_bytes < 0) item_bytes = view.itemsize;
  ssize shape[PYBUFFER_MAX_NDIM];
  ref_shape(view, shape);
  ssize done = 0;
  for_each_index(view.ndim, shape, fortran, [&](const ssize *index) {
    if (done >= count) return;
    const std::size_t offset = arena.offset_of(ref_address(view, index));
    std::memcpy(image->data() + offset, packed + done * item_bytes,
                static_cast<std::size_t>(item_bytes));
    ++done;
  });
}

// ---------------------------------------------------------------------------------------------
// The exporter

namespace {

int exporter_getbuffer(PyObject *self, Py_buffer *view, int flags) {
  (void)flags;  // hands out its whole view whatever was asked: the callers under test ask FULL
  auto *exporter = reinterpret_cast<ViewExporter *>(self);
  if (exporter->fail) {
    PyErr_SetString(PyExc_BufferError, "ViewExporter: refused");
    return -1;
  }
  *view = exporter->templ;
  Py_INCREF(self);
  view->obj = self;
  ++exporter->exports;
  ++exporter->getbuffers;
  return 0;
}

void exporter_releasebuffer(PyObject *self, Py_buffer *view) {
  (void)view;
  auto *exporter = reinterpret_cast<ViewExporter *>(self);
  --exporter->exports;
  ++exporter->releases;
}

void exporter_dealloc(PyObject *self) {
  const long exports = reinterpret_cast<ViewExporter *>(self)->exports;
  if (exports != 0) fail("ViewExporter deallocated with %ld live exports", exports);
  PyTypeObject *type = Py_TYPE(self);
  PyObject_Free(self);
  Py_DECREF(type);  // instances of heap types own a reference to their type
}

PyTypeObject *exporter_type = nullptr;

}  // namespace

PyTypeObject *view_exporter_type() {
  if (exporter_type == nullptr) {
    // A heap type from a spec: buffer slots are allowed in specs from 3.9 on.
    static PyType_Slot slots[] = {
        {Py_bf_getbuffer, reinterpret_cast<void *>(exporter_getbuffer)},
        {Py_bf_releasebuffer, reinterpret_cast<void *>(exporter_releasebuffer)},
        {Py_tp_dealloc, reinterpret_cast<void *>(exporter_dealloc)},
        {0, nullptr}};
    static PyType_Spec spec = {"pybuffer_fuzz.ViewExporter", sizeof(ViewExporter), 0,
                               Py_TPFLAGS_DEFAULT, slots};
    exporter_type = reinterpret_cast<PyTypeObject *>(PyType_FromSpec(&spec));
    if (exporter_type == nullptr) fail("cannot create the ViewExporter type");
  }
  return exporter_type;
}

ViewExporter *new_view_exporter(const Py_buffer &templ) {
  auto *exporter = PyObject_New(ViewExporter, view_exporter_type());
  if (exporter == nullptr) fail("cannot allocate a ViewExporter");
  exporter->templ = templ;
  exporter->templ.obj = nullptr;
  exporter->fail = 0;
  exporter->exports = 0;
  exporter->getbuffers = 0;
  exporter->releases = 0;
  return exporter;
}

}  // namespace pybuffer::fuzz
