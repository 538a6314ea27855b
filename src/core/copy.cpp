#include "copy.hpp"

#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace pybuffer::core {
namespace {

bool has_indirection(const Strided &side, int ndim) {
  if (side.suboffsets == nullptr) return false;
  for (int i = 0; i < ndim; ++i) {
    if (side.suboffsets[i] >= 0) return true;
  }
  return false;
}

char *step_into(char *pointer, const Strided &side, int dim) {
  if (side.suboffsets != nullptr && side.suboffsets[dim] >= 0) {
    return *reinterpret_cast<char **>(pointer) + side.suboffsets[dim];
  }
  return pointer;
}

template <std::size_t N>
void copy_items_of(char *d, ssize dstep, const char *s, ssize sstep, ssize n) {
  for (ssize i = 0; i < n; ++i, d += dstep, s += sstep) std::memcpy(d, s, N);
}

// One run of n items along one dimension; packed runs are a single block move.
void copy_run(char *d, ssize dstep, const char *s, ssize sstep, ssize n, ssize itemsize) {
  if (dstep == itemsize && sstep == itemsize) {
    std::memmove(d, s, static_cast<std::size_t>(n * itemsize));
    return;
  }
  switch (itemsize) {
    case 1:
      return copy_items_of<1>(d, dstep, s, sstep, n);
    case 2:
      return copy_items_of<2>(d, dstep, s, sstep, n);
    case 4:
      return copy_items_of<4>(d, dstep, s, sstep, n);
    case 8:
      return copy_items_of<8>(d, dstep, s, sstep, n);
    case 16:
      return copy_items_of<16>(d, dstep, s, sstep, n);
    default:
      for (ssize i = 0; i < n; ++i, d += dstep, s += sstep) {
        std::memcpy(d, s, static_cast<std::size_t>(itemsize));
      }
  }
}

struct Dim {
  ssize extent;
  ssize dstep;
  ssize sstep;
};

// Direct memory on both sides: drop extent-1 dimensions, merge neighbours that are packed
// relative to each other on both sides, then walk the outer dimensions with an odometer.
void copy_direct(int ndim, const ssize *lo, const ssize *extent, ssize itemsize, const Strided &dst,
                 const Strided &src) {
  char *d = dst.base;
  const char *s = src.base;
  Dim dims[max_ndim];
  int n = 0;
  for (int i = 0; i < ndim; ++i) {
    d += lo[i] * dst.strides[i];
    s += lo[i] * src.strides[i];
    if (extent[i] == 0) return;
    if (extent[i] == 1) continue;
    const Dim next{extent[i], dst.strides[i], src.strides[i]};
    if (n > 0) {
      Dim &outer = dims[n - 1];
      if (outer.dstep == next.extent * next.dstep && outer.sstep == next.extent * next.sstep) {
        outer = Dim{outer.extent * next.extent, next.dstep, next.sstep};
        continue;
      }
    }
    dims[n++] = next;
  }
  if (n == 0) {
    std::memmove(d, s, static_cast<std::size_t>(itemsize));
    return;
  }
  const Dim inner = dims[n - 1];
  ssize index[max_ndim] = {};
  for (;;) {
    copy_run(d, inner.dstep, s, inner.sstep, inner.extent, itemsize);
    int k = n - 2;
    for (; k >= 0; --k) {
      if (++index[k] < dims[k].extent) {
        d += dims[k].dstep;
        s += dims[k].sstep;
        break;
      }
      index[k] = 0;
      d -= (dims[k].extent - 1) * dims[k].dstep;
      s -= (dims[k].extent - 1) * dims[k].sstep;
    }
    if (k < 0) return;
  }
}

// PIL-style memory on at least one side: pointers are dereferenced once per outer index;
// only a suboffset on the last dimension forces per-item work.
void copy_indirect(int dim, int ndim, const ssize *lo, const ssize *extent, ssize itemsize, char *d,
                   const Strided &dst, char *s, const Strided &src) {
  const ssize dstep = dst.strides[dim];
  const ssize sstep = src.strides[dim];
  const ssize first = lo[dim];
  const ssize end = lo[dim] + extent[dim];
  if (dim == ndim - 1) {
    const bool plain = (dst.suboffsets == nullptr || dst.suboffsets[dim] < 0) &&
                       (src.suboffsets == nullptr || src.suboffsets[dim] < 0);
    if (plain) {
      copy_run(d + first * dstep, dstep, s + first * sstep, sstep, end - first, itemsize);
      return;
    }
    for (ssize i = first; i < end; ++i) {
      std::memmove(step_into(d + i * dstep, dst, dim), step_into(s + i * sstep, src, dim),
                   static_cast<std::size_t>(itemsize));
    }
    return;
  }
  for (ssize i = first; i < end; ++i) {
    copy_indirect(dim + 1, ndim, lo, extent, itemsize, step_into(d + i * dstep, dst, dim), dst,
                  step_into(s + i * sstep, src, dim), src);
  }
}

void copy_box(int ndim, const ssize *lo, const ssize *extent, ssize itemsize, const Strided &dst,
              const Strided &src) {
  if (ndim == 0) {
    std::memmove(dst.base, src.base, static_cast<std::size_t>(itemsize));
    return;
  }
  if (!has_indirection(dst, ndim) && !has_indirection(src, ndim)) {
    copy_direct(ndim, lo, extent, itemsize, dst, src);
    return;
  }
  for (int i = 0; i < ndim; ++i) {
    if (extent[i] == 0) return;
  }
  copy_indirect(0, ndim, lo, extent, itemsize, dst.base, dst, src.base, src);
}

// [low, high) bytes reachable through a direct (suboffset-free) layout.
void byte_range(const Geometry &g, std::uintptr_t *low, std::uintptr_t *high) {
  ssize down = 0;
  ssize up = g.itemsize;
  for (int i = 0; i < g.ndim; ++i) {
    const ssize reach = (g.shape[i] - 1) * g.strides[i];
    if (reach < 0) {
      down += reach;
    } else {
      up += reach;
    }
  }
  const auto base = reinterpret_cast<std::uintptr_t>(g.buf);
  *low = base + static_cast<std::uintptr_t>(down);
  *high = base + static_cast<std::uintptr_t>(up);
}

bool may_overlap(const Geometry &a, const Geometry &b) {
  if (a.items == 0 || b.items == 0) return false;
  // Through suboffsets the memory touched cannot be bounded; CPython copies such views
  // directly too.
  if (a.suboffsets != nullptr || b.suboffsets != nullptr) return false;
  std::uintptr_t alow, ahigh, blow, bhigh;
  byte_range(a, &alow, &ahigh);
  byte_range(b, &blow, &bhigh);
  return alow < bhigh && blow < ahigh;
}

}  // namespace

void packed_strides(int ndim, const ssize *shape, ssize itemsize, char order, ssize *strides) {
  ssize step = itemsize;
  for (int k = 0; k < ndim; ++k) {
    const int i = order == 'F' ? k : ndim - 1 - k;
    strides[i] = step;
    step *= shape[i];
  }
}

void copy_all(int ndim, const ssize *shape, ssize itemsize, Strided dst, Strided src) {
  const ssize zeros[max_ndim] = {};
  copy_box(ndim, zeros, shape, itemsize, dst, src);
}

void copy_prefix(int ndim, const ssize *shape, ssize count, char order, ssize itemsize, Strided dst,
                 Strided src) {
  if (count <= 0) return;
  // The first `count` items in C order are ndim boxes: box d fixes dimensions before d to
  // the digits of `count` in the mixed radix of shape, takes [0, digit_d) along d and all
  // of the later dimensions. Fortran order is the same read from the last dimension.
  ssize lo[max_ndim] = {};
  ssize extent[max_ndim];
  for (int i = 0; i < ndim; ++i) extent[i] = shape[i];
  ssize remaining = count;
  for (int k = 0; k < ndim && remaining > 0; ++k) {
    const int d = order == 'F' ? ndim - 1 - k : k;
    ssize inner = 1;
    for (int j = k + 1; j < ndim; ++j) inner *= shape[order == 'F' ? ndim - 1 - j : j];
    const ssize digit = remaining / inner;
    remaining %= inner;
    if (digit > 0) {
      extent[d] = digit;
      copy_box(ndim, lo, extent, itemsize, dst, src);
    }
    lo[d] = digit;
    extent[d] = 1;
  }
  if (ndim == 0) copy_box(0, lo, extent, itemsize, dst, src);
}

void gather(char *dest, const Geometry &src, char order) {
  ssize packed[max_ndim];
  packed_strides(src.ndim, src.shape, src.itemsize, order, packed);
  copy_all(src.ndim, src.shape, src.itemsize, Strided{dest, packed, nullptr},
           Strided{src.buf, src.strides, src.suboffsets});
}

void scatter(const Geometry &dest, const char *src, ssize count, char order) {
  ssize packed[max_ndim];
  packed_strides(dest.ndim, dest.shape, dest.itemsize, order, packed);
  copy_prefix(dest.ndim, dest.shape, count, order, dest.itemsize,
              Strided{dest.buf, dest.strides, dest.suboffsets},
              Strided{const_cast<char *>(src), packed, nullptr});
}

Status copy_between(const Geometry &dest, const Geometry &src) {
  const Strided to{dest.buf, dest.strides, dest.suboffsets};
  if (!may_overlap(dest, src)) {
    copy_all(src.ndim, src.shape, src.itemsize, to, Strided{src.buf, src.strides, src.suboffsets});
    return ok_status();
  }
  const auto bytes = static_cast<std::size_t>(src.items * src.itemsize);
  char *temporary = static_cast<char *>(std::malloc(bytes));
  if (temporary == nullptr) return {Code::no_memory};
  gather(temporary, src, 'C');
  ssize packed[max_ndim];
  packed_strides(src.ndim, src.shape, src.itemsize, 'C', packed);
  copy_all(src.ndim, src.shape, src.itemsize, to, Strided{temporary, packed, nullptr});
  std::free(temporary);
  return ok_status();
}

}  // namespace pybuffer::core
