// CPU levels of the copy kernels (internal, not installed). The kernels of copy_kernels_impl.hpp
// are compiled once per level (copy_kernels_<level>.cpp, each with its own compiler flags), and
// one level is chosen per process, the first time a plan runs:
//
//   portable  plain C++, no intrinsics: every build; the only level off x86-64 or with
//             PYBUFFER_PORTABLE_ONLY
//   sse2      baseline x86-64 (every x86-64 CPU)
//   avx2      the CPU and the OS support AVX2
//   avx512    the CPU and the OS support AVX-512 F, BW and VL
//
// The best level the CPU has is chosen, unless the environment variable PYBUFFER_CPU names
// one: a level this build or CPU lacks falls back to the best one below it, an unknown name
// to the best level, and either is said once on stderr ("pybuffer: PYBUFFER_CPU=... not
// available ..."; the per-level test suites are marked not run on that line).
#pragma once

#include "copy_plan.hpp"

// The x86-64 levels are compiled in (otherwise their files compile to nothing).
#if defined(__x86_64__) && !defined(PYBUFFER_PORTABLE_ONLY)
#define PYBUFFER_X86_LEVELS 1
#else
#define PYBUFFER_X86_LEVELS 0
#endif

namespace pybuffer::core::engine {

enum class CpuLevel : unsigned char { portable, sse2, avx2, avx512 };
inline constexpr int cpu_level_count = 4;

/// "portable", "sse2", "avx2" or "avx512".
const char *cpu_level_name(CpuLevel level);

/// Whether this build compiled the level's kernels.
bool cpu_level_built(CpuLevel level);

/// Whether this build has the level and this CPU (with its OS) can run it.
bool cpu_level_usable(CpuLevel level);

/// The level a request (PYBUFFER_CPU's value; NULL or empty: none) resolves to, given the
/// best usable level and which levels are usable. Sets *complaint to the reason the request
/// was not honoured ("unknown" or "unavailable"), else to NULL.
CpuLevel resolve_cpu_level(const char *request, CpuLevel best, bool (*usable)(CpuLevel),
                           const char **complaint);

/// The level of this process: resolved from PYBUFFER_CPU once, thread-safely.
CpuLevel active_cpu_level();

using RunPlan = void (*)(const Plan &plan, char *dbase, const char *sbase);

/// The run_plan of one level, or NULL when this build lacks it (the tests call each level).
RunPlan run_plan_of(CpuLevel level);

// Each level's run_plan (copy_kernels_<level>.cpp); engine::run_plan calls the active one.
namespace portable {
void run_plan(const Plan &plan, char *dbase, const char *sbase);
}
#if PYBUFFER_X86_LEVELS
namespace sse2 {
void run_plan(const Plan &plan, char *dbase, const char *sbase);
}
namespace avx2 {
void run_plan(const Plan &plan, char *dbase, const char *sbase);
}
namespace avx512 {
void run_plan(const Plan &plan, char *dbase, const char *sbase);
}
#endif

}  // namespace pybuffer::core::engine
