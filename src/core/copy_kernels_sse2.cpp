// The copy kernels at CPU level sse2:
// SSE2 register transposes and streaming stores (baseline x86-64).
#include "cpu_level.hpp"

#if PYBUFFER_X86_LEVELS
#define PYBUFFER_KERNEL_LEVEL sse2
#define PYBUFFER_KERNEL_SIMD 1
#include "copy_kernels_impl.hpp"
#endif
