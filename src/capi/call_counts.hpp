// Per-function call counters, for proving that a host's calls really reached pybuffer.
// Off unless the environment variable PYBUFFER_CALL_COUNTS names a file when the library
// is loaded; then every exported call is counted and the totals are appended to that file
// at process exit as "pybuffer-calls <pid> <function> <count>" lines. When off, the cost
// is one predictable branch on a flag read once.
#pragma once

#include <atomic>

// The variant's functions: every Python 3 variant has all of PYBUFFER_FUNCTIONS and the
// porting layer's buffer-object functions (<pybuffer/legacy.h>); the 2.7 variant has 2.7's
// abstract.c functions and 2.7's constructors only (2.7 has a data symbol and a macro where
// the porting layer has PyBuffer_GetType and PyBuffer_Check). The enum below, the entry
// points (capi/entry_points.hpp) and the header's 2.7 declarations follow these tables, so a
// function the variant does not export has no counter.
#include <pybuffer/legacy.h>
#if defined(PYBUFFER_PROFILE_PY27)
#define PYBUFFER_VARIANT_FUNCTIONS(X) PYBUFFER_PY27_FUNCTIONS(X)
// 2.7's abstract.c also exports two helpers of its copy loops (its abstract.h declares them).
#define PYBUFFER_VARIANT_LEGACY_FUNCTIONS(X)                                            \
  PYBUFFER_LEGACY_CONSTRUCTORS(X)                                                       \
  X(void, _Py_add_one_to_index_F, (int nd, Py_ssize_t *index, const Py_ssize_t *shape), \
    (nd, index, shape))                                                                 \
  X(void, _Py_add_one_to_index_C, (int nd, Py_ssize_t *index, const Py_ssize_t *shape), \
    (nd, index, shape))
#else
#define PYBUFFER_VARIANT_FUNCTIONS(X) PYBUFFER_FUNCTIONS(X)
#define PYBUFFER_VARIANT_LEGACY_FUNCTIONS(X) PYBUFFER_LEGACY_FUNCTIONS(X)
#endif
// Every function the variant exports, each with its counter and its entry point.
#define PYBUFFER_VARIANT_ENTRY_POINTS(X) \
  PYBUFFER_VARIANT_FUNCTIONS(X) PYBUFFER_VARIANT_LEGACY_FUNCTIONS(X)

namespace pybuffer::capi {

enum class Function : unsigned char {
#define PYBUFFER_COUNTER_ENUM(ret, name, params, args) name,
  PYBUFFER_VARIANT_ENTRY_POINTS(PYBUFFER_COUNTER_ENUM)
#undef PYBUFFER_COUNTER_ENUM
      count
};

// Hidden in the declaration too: the per-call test is then one compare on the flag's own
// address (a declaration without it is read through the GOT under -fPIC).
[[gnu::visibility("hidden")]] extern bool counting_enabled;
[[gnu::visibility("hidden")]] extern std::atomic<unsigned long long>
    call_counts[static_cast<int>(Function::count)];

inline void count_call(Function function) {
  if (__builtin_expect(counting_enabled, false)) {
    call_counts[static_cast<int>(function)].fetch_add(1, std::memory_order_relaxed);
  }
}

}  // namespace pybuffer::capi
