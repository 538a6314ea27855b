// Memory for a packed copy of a whole view (PyMemoryView_GetContiguous's copies).
//
// A large block comes straight from the kernel as an anonymous mapping advised to use
// transparent huge pages: a fresh 64 MiB block in 4 KiB pages costs 16384 page faults, which
// take longer than the copy engine needs to transpose the block into it. Small blocks come
// from malloc. The block is freed with the size it was allocated with.
#pragma once

#include <cstddef>

namespace pybuffer::core {

/// At least `bytes` writable bytes (one byte for 0), or NULL when memory is exhausted.
void *allocate_packed(std::size_t bytes);

/// Frees a block of allocate_packed(bytes); NULL is ignored.
void free_packed(void *block, std::size_t bytes);

/// About to write every byte of [dest, dest + bytes): from 8 MiB on, asks the kernel to
/// populate the whole pages inside it in one call (MADV_POPULATE_WRITE, Linux 5.14) instead
/// of one page fault per 4 KiB page as the copy first touches them, unless the last of those
/// pages is already resident (a destination written before: populating it again only costs).
/// Advice only: contents are kept, and any failure (an older kernel, memory the call does not
/// apply to) is ignored.
void populate_destination(char *dest, std::size_t bytes);

}  // namespace pybuffer::core
