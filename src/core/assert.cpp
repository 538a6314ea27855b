#include "assert.hpp"

#if defined(PYBUFFER_ASSERTIONS)

#include <cstdio>
#include <cstdlib>

namespace pybuffer::core::detail {
void assertion_failed(const char *file, int line, const char *condition) {
  std::fprintf(stderr, "%s:%d: pybuffer assertion failed: %s\n", file, line, condition);
  std::abort();
}
}  // namespace pybuffer::core::detail

#endif
