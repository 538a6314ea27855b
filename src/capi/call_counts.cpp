#include <pybuffer/pybuffer.h>

#include "capi/call_counts.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

namespace pybuffer::capi {

bool counting_enabled = false;
std::atomic<unsigned long long> call_counts[static_cast<int>(Function::count)];

namespace {

const char *const function_names[] = {
#define PYBUFFER_COUNTER_NAME(ret, name, params, args) #name,
    PYBUFFER_VARIANT_ENTRY_POINTS(PYBUFFER_COUNTER_NAME)
#undef PYBUFFER_COUNTER_NAME
};

// Read once at load time, before any call can be made, so the flag never changes later.
[[gnu::constructor]] void read_counting_switch() {
  const char *path = std::getenv("PYBUFFER_CALL_COUNTS");
  counting_enabled = path != nullptr && path[0] != '\0';
}

[[gnu::destructor]] void write_call_counts() {
  if (!counting_enabled) return;
  const char *path = std::getenv("PYBUFFER_CALL_COUNTS");
  if (path == nullptr) return;
  std::FILE *out = std::fopen(path, "a");
  if (out == nullptr) return;
  const long pid = static_cast<long>(getpid());
  for (int i = 0; i < static_cast<int>(Function::count); ++i) {
    std::fprintf(out, "pybuffer-calls %ld %s %llu\n", pid, function_names[i],
                 call_counts[i].load(std::memory_order_relaxed));
  }
  std::fclose(out);
}

}  // namespace
}  // namespace pybuffer::capi
