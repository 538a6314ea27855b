#include "packed_memory.hpp"

#include <sys/mman.h>

#include <unistd.h>

#include <cstdint>
#include <cstdlib>

namespace pybuffer::core {
namespace {

// From here on a mapping's fixed cost (two system calls) is small against the page faults it
// saves; below it malloc reuses freed memory, which is cheaper still.
constexpr std::size_t mapped_from = std::size_t{4} << 20;

// From here on one populating call measured cheaper than the faults of a fresh destination
// (bench/RESULTS.md, "End to end").
constexpr std::size_t populated_from = std::size_t{8} << 20;

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

void populate_destination(char *dest, std::size_t bytes) {
#if defined(__linux__)
  if (bytes < populated_from) return;
  constexpr int populate_write = 23;  // MADV_POPULATE_WRITE, absent from older headers
  const auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
  const auto begin = (reinterpret_cast<std::uintptr_t>(dest) + page - 1) / page * page;
  const auto end = (reinterpret_cast<std::uintptr_t>(dest) + bytes) / page * page;
  if (end <= begin) return;
  // Populating pages that are already there is not free (about 0.3 us a page here, against
  // about 14 us for a first-touch fault): a destination written before (a reused buffer)
  // would pay it for nothing. A fresh one (a new bytes object: its header page is written,
  // the rest not yet) has its last page absent; that page decides, in one cheap call.
  unsigned char resident = 0;
  if (mincore(reinterpret_cast<void *>(end - page), page, &resident) == 0 && (resident & 1) != 0) {
    return;
  }
  madvise(reinterpret_cast<void *>(begin), end - begin, populate_write);  // advice only
#else
  static_cast<void>(dest);
  static_cast<void>(bytes);
#endif
}

}  // namespace pybuffer::core
