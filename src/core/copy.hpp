// The one N-dimensional copy engine. ToContiguous, FromContiguous and CopyData are front
// ends that describe both sides as strided memory over one index space and call it.
//
// Assumptions: both sides were validated by check_geometry (extents >= 0, no overflow in
// any offset reachable through shape and strides); the index space is the source's shape.
//
// Overlap: copy_all, copy_prefix, gather and scatter require the bytes they write to be
// disjoint from the bytes they read (as CPython's memcpy-based paths do). copy_between is the
// one entry that two Python objects over one buffer can reach with overlapping views; it
// detects that and copies through a temporary.
//
// Order: when the destination provably writes each byte once, items are copied in whatever
// order is fastest. Otherwise (zero or interleaved destination strides) they are copied in the
// request's sequential order, so the last write to a shared byte is the one CPython's loops
// would make last.
#pragma once

#include "layout.hpp"

namespace pybuffer::core {

/// One side of a copy: where index 0 lives and how to step (and dereference) from there.
struct Strided {
  char *base;
  const ssize *strides;
  const ssize *suboffsets;  // NULL, or one per dimension (< 0: no dereference)
};

/// Copies every item of `shape` from src to dst (in C order where the order is observable).
void copy_all(int ndim, const ssize *shape, ssize itemsize, Strided dst, Strided src);

/// Copies the first `count` items of `shape`, counted in C order ('F': Fortran order);
/// 0 <= count <= product(shape).
void copy_prefix(int ndim, const ssize *shape, ssize count, char order, ssize itemsize, Strided dst,
                 Strided src);

/// Writes a packed C ('F': Fortran) layout of `shape` into `strides`. The caller has already
/// proved product(shape) * itemsize representable; where it is 0, strides that would overflow
/// are written as 0 (they address nothing).
void packed_strides(int ndim, const ssize *shape, ssize itemsize, char order, ssize *strides);

/// The whole view copied into packed memory at `dest`, in C order ('F': Fortran order).
void gather(char *dest, const Geometry &src, char order);

/// The first `count` items from packed memory at `src`, in C order ('F': Fortran), into
/// the view.
void scatter(const Geometry &dest, const char *src, ssize count, char order);

/// dest = src for two views of one shape. Overlapping memory is copied as if through a
/// temporary, which is then really allocated (and can fail with no_memory). Where the
/// destination aliases its own items, the result is that of CPython's PyObject_CopyData loop
/// (C order starting at the second item, the first item last).
Status copy_between(const Geometry &dest, const Geometry &src);

}  // namespace pybuffer::core
