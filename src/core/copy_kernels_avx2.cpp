// The copy kernels at CPU level avx2:
// the SSE2 kernels compiled with AVX2 (-mavx2: cmake/PybufferCpuLevels.cmake), with AVX2
// transposes of 8-byte items (copy_wide_squares.hpp).
#include "cpu_level.hpp"

#if PYBUFFER_X86_LEVELS
#define PYBUFFER_KERNEL_LEVEL avx2
#define PYBUFFER_KERNEL_SIMD 1
#include "copy_kernels_impl.hpp"
#endif
