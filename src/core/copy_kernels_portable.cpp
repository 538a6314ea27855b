// The copy kernels at CPU level portable:
// plain C++, no intrinsics (every build; the only level off x86-64).
#define PYBUFFER_KERNEL_LEVEL portable
#define PYBUFFER_KERNEL_SIMD 0
#include "copy_kernels_impl.hpp"
