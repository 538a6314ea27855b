// Overflow-checked arithmetic on Py_ssize_t-sized integers. Each helper returns true when
// the exact result is not representable (and then leaves *out unspecified).
#pragma once

#include <cstddef>
#include <limits>

namespace pybuffer::core {

inline bool mul_overflows(std::ptrdiff_t a, std::ptrdiff_t b, std::ptrdiff_t *out) {
  return __builtin_mul_overflow(a, b, out);
}

inline bool add_overflows(std::ptrdiff_t a, std::ptrdiff_t b, std::ptrdiff_t *out) {
  return __builtin_add_overflow(a, b, out);
}

/// |a|, or the maximum (which makes any later multiplication by > 1 overflow) for the
/// one value whose magnitude is not representable.
inline std::ptrdiff_t abs_or_overflow(std::ptrdiff_t a) {
  if (a == std::numeric_limits<std::ptrdiff_t>::min()) {
    return std::numeric_limits<std::ptrdiff_t>::max();
  }
  return a < 0 ? -a : a;
}

}  // namespace pybuffer::core
