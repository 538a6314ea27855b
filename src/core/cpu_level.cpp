// Choosing the copy kernels' CPU level once per process (cpu_level.hpp), and engine::run_plan,
// which calls the chosen level's kernels through a cached pointer.
#include "cpu_level.hpp"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace pybuffer::core::engine {
namespace {

constexpr const char *names[cpu_level_count] = {"portable", "sse2", "avx2", "avx512"};

bool cpu_supports(CpuLevel level) {
#if PYBUFFER_X86_LEVELS
  // libgcc's and compiler-rt's feature bits include the OS's consent (XGETBV) for the AVX
  // registers; init first, in case this runs before their constructor.
  __builtin_cpu_init();
  switch (level) {
    case CpuLevel::portable:
    case CpuLevel::sse2:
      return true;
    case CpuLevel::avx2:
      return __builtin_cpu_supports("avx2");
    case CpuLevel::avx512:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
             __builtin_cpu_supports("avx512vl");
  }
  return false;
#else
  return level == CpuLevel::portable;
#endif
}

CpuLevel best_usable() {
  CpuLevel best = CpuLevel::portable;
  for (int i = 0; i < cpu_level_count; ++i) {
    if (cpu_level_usable(static_cast<CpuLevel>(i))) best = static_cast<CpuLevel>(i);
  }
  return best;
}

// The level, chosen on first use. Threads that race here all compute the same level (from
// the same environment and CPU); an atomic exchange lets exactly one of them print the
// complaint. (No function-local static: its guard would need the C++ runtime's
// __cxa_guard_*, which the library does not link.)
std::atomic<int> chosen{-1};
std::atomic<bool> complained{false};

CpuLevel choose_from_environment() {
  const char *request = std::getenv("PYBUFFER_CPU");
  const char *complaint = nullptr;
  const CpuLevel level = resolve_cpu_level(request, best_usable(), cpu_level_usable, &complaint);
  if (complaint != nullptr && !complained.exchange(true)) {
    std::fprintf(stderr,
                 "pybuffer: PYBUFFER_CPU=%s not available (%s; levels: portable, sse2, avx2, "
                 "avx512); using %s\n",
                 request, complaint, cpu_level_name(level));
  }
  return level;
}

CpuLevel chosen_level() {
  const int known = chosen.load(std::memory_order_acquire);
  if (known >= 0) return static_cast<CpuLevel>(known);
  const CpuLevel level = choose_from_environment();
  chosen.store(static_cast<int>(level), std::memory_order_release);
  return level;
}

// Its kernels, cached: NULL until the first plan runs. Two threads storing in a race store the
// same pointer.
std::atomic<RunPlan> active_run_plan{nullptr};

RunPlan choose_run_plan() {
  const RunPlan run = run_plan_of(chosen_level());
  active_run_plan.store(run, std::memory_order_release);
  return run;
}

}  // namespace

const char *cpu_level_name(CpuLevel level) {
  return names[static_cast<int>(level)];
}

bool cpu_level_built(CpuLevel level) {
  return run_plan_of(level) != nullptr;
}

bool cpu_level_usable(CpuLevel level) {
  return cpu_level_built(level) && cpu_supports(level);
}

CpuLevel resolve_cpu_level(const char *request, CpuLevel best, bool (*usable)(CpuLevel),
                           const char **complaint) {
  *complaint = nullptr;
  if (request == nullptr || request[0] == '\0') return best;
  for (int i = 0; i < cpu_level_count; ++i) {
    if (std::strcmp(request, names[i]) != 0) continue;
    for (int k = i; k >= 0; --k) {  // the level asked for, else the best below it
      if (usable(static_cast<CpuLevel>(k))) {
        if (k != i) *complaint = "this build or CPU lacks it";
        return static_cast<CpuLevel>(k);
      }
    }
    break;  // not even portable: cannot happen, portable is always usable
  }
  *complaint = "unknown level";
  return best;
}

CpuLevel active_cpu_level() {
  return chosen_level();
}

RunPlan run_plan_of(CpuLevel level) {
  switch (level) {
    case CpuLevel::portable:
      return portable::run_plan;
#if PYBUFFER_X86_LEVELS
    case CpuLevel::sse2:
      return sse2::run_plan;
    case CpuLevel::avx2:
      return avx2::run_plan;
    case CpuLevel::avx512:
      return avx512::run_plan;
#else
    default:
      break;
#endif
  }
  return nullptr;
}

void run_plan(const Plan &plan, char *dbase, const char *sbase) {
  RunPlan run = active_run_plan.load(std::memory_order_acquire);
  if (run == nullptr) run = choose_run_plan();
  run(plan, dbase, sbase);
}

}  // namespace pybuffer::core::engine
