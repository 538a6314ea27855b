// Layout vocabulary of a buffer view, free of Python: contiguity, pointer arithmetic and the
// validation every copy does before touching memory.
//
// Invariants of a well-formed view (what check_geometry establishes):
//   0 <= ndim <= 64; itemsize > 0; every extent >= 0;
//   len == product(shape) * itemsize, with no overflow on the way;
//   strides may be negative or zero: buf may point anywhere inside the block;
//   suboffsets[i] >= 0 means "dereference a pointer after stepping along dimension i".
#pragma once

#include <cstddef>

#include "status.hpp"

namespace pybuffer::core {

using ssize = std::ptrdiff_t;
inline constexpr int max_ndim = 64;

/// The geometry of a Py_buffer, field for field, without the object and the format.
struct View {
  char *buf;
  ssize len;
  ssize itemsize;
  int ndim;
  const ssize *shape;
  const ssize *strides;
  const ssize *suboffsets;
};

/// A checked view with explicit shape and strides: what the copy engine consumes.
struct Geometry {
  char *buf;
  ssize itemsize;
  ssize items;  // product(shape)
  int ndim;
  const ssize *suboffsets;  // NULL when the view has none
  ssize shape[max_ndim];
  ssize strides[max_ndim];
};

/// CPython's contiguity rules, exactly (a zero-length view is contiguous in every order).
/// Like CPython's they read only shape and strides, never len; a view they cannot read
/// (ndim outside 0..64, shape missing where needed) is reported as not contiguous.
/// Copies must also pass check_sizes before trusting a contiguous answer.
bool is_c_contiguous(const View &view);
bool is_f_contiguous(const View &view);
bool is_contiguous(const View &view, char order);

/// The size fields agree: 0 <= ndim <= 64, len >= 0 and, when the view has a shape,
/// itemsize > 0, every extent >= 0 and len == product(shape) * itemsize without overflow.
/// A view without shape is `len` flat bytes whatever its ndim and itemsize (NumPy answers
/// shapeless requests with ndim 0), so nothing more is asked of it.
Status check_sizes(const View &view);

/// Validates a view for copying and fills out its explicit shape and strides.
Status check_geometry(const View &view, Geometry &out);

/// The address of the item at `indices`, following suboffsets.
Status pointer_at(const View &view, const ssize *indices, void **out);

/// Contiguous strides for `shape` in Fortran order for 'F' and C order for anything else.
/// Nothing is written unless the whole result is representable.
Status fill_contiguous_strides(int ndim, const ssize *shape, ssize *strides, ssize itemsize,
                               char order);

inline bool is_copy_order(char order) {
  return order == 'C' || order == 'F' || order == 'A';
}

}  // namespace pybuffer::core
