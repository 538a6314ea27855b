// The integer vocabulary every core module shares.
#pragma once

#include <cstddef>

namespace pybuffer::core {

/// Py_ssize_t's representation (src/capi/views.hpp checks that they agree).
using ssize = std::ptrdiff_t;

/// The most dimensions a view may have (CPython's PyBUF_MAX_NDIM).
inline constexpr int max_ndim = 64;

}  // namespace pybuffer::core
