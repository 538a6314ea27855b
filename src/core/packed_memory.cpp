#include "packed_memory.hpp"

#include <sys/mman.h>

#include <cstdlib>

namespace pybuffer::core {
namespace {

// From here on a mapping's fixed cost (two system calls) is small against the page faults it
// saves; below it malloc reuses freed memory, which is cheaper still.
constexpr std::size_t mapped_from = std::size_t{4} << 20;

}  // namespace

void *allocate_packed(std::size_t bytes) {
  if (bytes < mapped_from) return std::malloc(bytes > 0 ? bytes : 1);
  void *block = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (block == MAP_FAILED) return nullptr;
#ifdef MADV_HUGEPAGE
  madvise(block, bytes, MADV_HUGEPAGE);  // advice only: without huge pages it still works
#endif
  return block;
}

void free_packed(void *block, std::size_t bytes) {
  if (block == nullptr) return;
  if (bytes < mapped_from) {
    std::free(block);
  } else {
    munmap(block, bytes);
  }
}

}  // namespace pybuffer::core
