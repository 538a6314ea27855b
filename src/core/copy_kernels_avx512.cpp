// The copy kernels at CPU level avx512:
// the SSE2 kernels compiled with AVX-512 F/BW/VL (cmake/PybufferCpuLevels.cmake), with
// AVX-512 transposes of 1-, 4- and 8-byte items (copy_wide_squares.hpp).
#include "cpu_level.hpp"

#if PYBUFFER_X86_LEVELS
#define PYBUFFER_KERNEL_LEVEL avx512
#define PYBUFFER_KERNEL_SIMD 1
#include "copy_kernels_impl.hpp"
#endif
