// The naive layout model the core is checked against (unit tests and fuzzers): definitions
// written out the slow, obvious way (exact arithmetic, one multi-index at a time), sharing no
// code with src/core.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "core/layout.hpp"

namespace pybuffer_test {

using pybuffer::core::ssize;

/// Exact integers for products of extents and strides. Anything beyond `too_big` in size
/// saturates (keeping its sign): such a value is far outside ssize, which is all the tests
/// need to know about it.
using Wide = __int128;
inline constexpr Wide too_big = Wide{1} << 100;
Wide wide_mul(Wide a, Wide b);  // exact or saturated, any signs
bool fits_ssize(Wide value);

/// product(shape[first..last)), exact or saturated.
Wide extent_product(const ssize *shape, int first, int last);

/// CPython's contiguity definitions. C: len == 0, or no strides, or every extent > 1 has
/// stride itemsize * product(later extents). Fortran: the same with earlier extents; without
/// strides the view is C-ordered, hence Fortran only when at most one extent exceeds 1.
/// The view must be readable (0 <= ndim <= 64, shape present where the rule reads it); an
/// extent or itemsize may be negative (a malformed view): products are exact and signed, as
/// CPython's running product is until it overflows.
bool ref_is_c_contiguous(const pybuffer::core::View &view);
bool ref_is_f_contiguous(const pybuffer::core::View &view);
/// Suboffsets make a view never contiguous; orders other than 'C', 'F', 'A' never match.
bool ref_is_contiguous(const pybuffer::core::View &view, char order);

/// Packed strides of `shape`: Fortran order for 'F', C order for anything else. Exact.
std::vector<Wide> ref_packed_strides(int ndim, const ssize *shape, ssize itemsize, char order);

/// Calls `visit` with every multi-index of `shape`, in C order (last index fastest) or, for
/// 'F', Fortran order (first index fastest). Nothing is visited when an extent is 0.
void for_each_index(int ndim, const ssize *shape, char order,
                    const std::function<void(const ssize *)> &visit);

/// The definition of an item's address: step by index * stride along each dimension and,
/// where suboffsets[i] >= 0, replace the pointer by the one stored there plus suboffsets[i].
char *ref_address(char *buf, int ndim, const ssize *strides, const ssize *suboffsets,
                  const ssize *index);

/// Addresses of all items of a strided side, in `order`.
std::vector<char *> ref_addresses(char *buf, int ndim, const ssize *shape, const ssize *strides,
                                  const ssize *suboffsets, char order);

/// Addresses of `count` packed items starting at `base`.
std::vector<char *> packed_addresses(char *base, ssize count, ssize itemsize);

/// Predicts an arena after copying the first `count` items: item k goes from src[k] to
/// dst[k]. Every source item is read before any is written, which is "as if through a
/// temporary"; for disjoint memory it is simply the plain copy. `dst_base` is the arena
/// whose image is updated: image[p - dst_base] for each destination byte p.
void ref_copy(const std::vector<char *> &dst, const std::vector<char *> &src, std::size_t count,
              ssize itemsize, const char *dst_base, std::vector<unsigned char> &image);

}  // namespace pybuffer_test
