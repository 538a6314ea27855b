// The library's implementation of each exported function: hidden, C linkage (so the types
// of whichever header declared them do not matter), one per row of PYBUFFER_FUNCTIONS.
// exports.cpp publishes each under its CPython name and its pybuffer_ twin; the library's
// own code calls these (or the host/core functions beneath them), never an exported name.
#pragma once

#include <pybuffer/pybuffer.h>

#define PYBUFFER_DECLARE_IMPL(ret, name, params, args) \
  extern "C" __attribute__((visibility("hidden"))) ret pybuffer_impl_##name params;
PYBUFFER_FUNCTIONS(PYBUFFER_DECLARE_IMPL)
#undef PYBUFFER_DECLARE_IMPL
