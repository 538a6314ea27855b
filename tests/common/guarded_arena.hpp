// Guarded memory for tests that must see every byte a call writes: the unit tests of the core,
// the copy differential test and the fuzzers. Python-free (library pybuffer_test_memory).
//
// Ownership and invariants: the arena owns one fixed block of `capacity` bytes (64-byte
// aligned, never moved: pointer tables inside it store addresses). Blocks are handed out in
// increasing address order, each after a guard gap; a trailing guard of `trailing_guard` bytes
// always follows the last block. Every byte of [0, used()) - blocks, gaps and the trailing
// guard - starts as a pattern that depends only on the salt and the byte's offset, so one
// image of [0, used()) before and after a call shows every byte the call wrote.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace pybuffer_test {

using Bytes = std::vector<unsigned char>;

/// Offset of the first byte at which two images differ (a shorter image differs where it
/// ends), or -1 when they are equal.
long first_difference(const Bytes &a, const Bytes &b);

class GuardedArena {
 public:
  /// Room kept after the last block, patterned and inside every image.
  static constexpr std::size_t trailing_guard = 64;

  explicit GuardedArena(std::size_t capacity);
  ~GuardedArena();
  GuardedArena(const GuardedArena &) = delete;
  GuardedArena &operator=(const GuardedArena &) = delete;

  /// Forgets every block; `salt` selects the pattern and the gaps of what is handed out next.
  void reset(std::uint64_t salt);

  /// `bytes` bytes at a multiple of `align` (any positive value, at most 64: the base's
  /// alignment) after a gap of 16 to 47 bytes drawn from the salt. nullptr when the arena is
  /// full (callers skip the input, or report a test-sizing mistake).
  char *allocate(std::size_t bytes, std::size_t align = 8);
  /// The same with the caller's gap, and the block placed `skew` bytes past the alignment
  /// (to put a block at a chosen misalignment).
  char *allocate_after(std::size_t gap, std::size_t bytes, std::size_t align, std::size_t skew = 0);

  /// Poisons everything outside the blocks for AddressSanitizer (no-op without it), so a stray
  /// access is reported at once with its stack / makes it all accessible again.
  void arm();
  void disarm();

  char *base() const { return base_; }
  /// Bytes in use: every block, gap and the trailing guard.
  std::size_t used() const { return used_; }
  /// Arena offset of `pointer`, which must lie in [base(), base() + used()].
  std::size_t offset_of(const void *pointer) const;
  /// [pointer, pointer + bytes) lies within [base(), base() + used()).
  bool contains(const void *pointer, std::size_t bytes) const;
  /// [pointer, pointer + bytes) lies inside one handed-out block.
  bool in_block(const void *pointer, std::size_t bytes) const;
  /// "arena+<offset>" for a pointer into the arena, the address otherwise: for messages.
  std::string describe_pointer(const void *pointer) const;
  /// "byte 3 of block #2 (16 bytes)" or "a guard": for messages.
  std::string where(std::size_t offset) const;

  /// A copy of the bytes in use.
  Bytes image() const;
  /// Writes `image` back over the bytes in use (to rerun a call on the same memory).
  void restore(const Bytes &image);
  /// The arena equals `expected` (sizes too).
  bool matches(const Bytes &expected) const;
  /// The first offset at which the arena differs from `expected` (-1: identical, sizes too).
  long first_difference(const Bytes &expected) const;
  /// Empty when the arena equals `expected`; otherwise how many bytes differ and where the
  /// first one lies (a block or a guard).
  std::string mismatch(const Bytes &expected) const;

 private:
  struct Block {
    std::size_t offset;
    std::size_t bytes;
  };
  void fill(std::size_t from, std::size_t to);

  char *base_ = nullptr;
  std::size_t capacity_ = 0;
  std::size_t end_ = 0;   // one past the last block
  std::size_t used_ = 0;  // end_ plus the trailing guard
  std::uint64_t salt_ = 0;
  bool armed_ = false;
  std::vector<Block> blocks_;
};

/// Arms the arena for the lifetime of the scope: the call under test runs inside one.
class Armed {
 public:
  explicit Armed(GuardedArena &arena) : arena_(arena) { arena_.arm(); }
  ~Armed() { arena_.disarm(); }
  Armed(const Armed &) = delete;
  Armed &operator=(const Armed &) = delete;

 private:
  GuardedArena &arena_;
};

}  // namespace pybuffer_test
