// PYBUFFER_ASSERT(condition): the core's debug-only check of a stated assumption ("Assumptions:"
// in a comment, a precondition in a header). With PYBUFFER_ASSERTIONS defined (the asan and
// fuzz presets), a false condition prints file, line and the condition to stderr and aborts;
// otherwise the macro compiles to nothing and never evaluates the condition (sizeof only
// names it, so variables used in assertions alone are still "used").
#pragma once

#if defined(PYBUFFER_ASSERTIONS)

namespace pybuffer::core::detail {
// Out of line, in assert.cpp, compiled for the baseline CPU: an inline definition would be
// emitted by every kernel file too, and the linker could keep one built with AVX flags.
[[noreturn, gnu::cold, gnu::noinline]] void assertion_failed(const char *file, int line,
                                                             const char *condition);
}  // namespace pybuffer::core::detail

#define PYBUFFER_ASSERT(condition)    \
  ((condition) ? static_cast<void>(0) \
               : ::pybuffer::core::detail::assertion_failed(__FILE__, __LINE__, #condition))

#else

#define PYBUFFER_ASSERT(condition) static_cast<void>(sizeof((condition) ? 1 : 0))

#endif
