// Py_buffer <-> core::View: the same fields under core's Python-free names.
#pragma once

#include <Python.h>

#include <type_traits>

#include "core/layout.hpp"

namespace pybuffer::capi {

static_assert(sizeof(Py_ssize_t) == sizeof(core::ssize) &&
                  std::is_signed_v<Py_ssize_t> == std::is_signed_v<core::ssize>,
              "core's ssize must be Py_ssize_t");

inline const core::ssize *as_core(const Py_ssize_t *values) {
  return reinterpret_cast<const core::ssize *>(values);
}
inline core::ssize *as_core(Py_ssize_t *values) {
  return reinterpret_cast<core::ssize *>(values);
}

inline core::View to_core(const Py_buffer &view) {
  return core::View{static_cast<char *>(view.buf),
                    view.len,
                    view.itemsize,
                    view.ndim,
                    as_core(view.shape),
                    as_core(view.strides),
                    as_core(view.suboffsets)};
}

}  // namespace pybuffer::capi
