// Publishes every implementation under CPython's name and under its pybuffer_ twin. This
// file sees only pybuffer.h, never Python.h, so the exported signatures are the 3.11-3.13
// spellings whichever CPython the library was compiled against.
#include <pybuffer/pybuffer.h>

#include "capi/call_counts.hpp"
#include "capi/entry_points.hpp"

#define PYBUFFER_DEFINE_EXPORTS(ret, name, params, args)        \
  extern "C" PYBUFFER_API ret name params {                     \
    pybuffer::capi::count_call(pybuffer::capi::Function::name); \
    return pybuffer_impl_##name args;                           \
  }                                                             \
  extern "C" PYBUFFER_API ret pybuffer_##name params {          \
    pybuffer::capi::count_call(pybuffer::capi::Function::name); \
    return pybuffer_impl_##name args;                           \
  }
PYBUFFER_FUNCTIONS(PYBUFFER_DEFINE_EXPORTS)
#undef PYBUFFER_DEFINE_EXPORTS
