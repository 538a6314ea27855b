// Guarded memory for copy tests. Every byte the arena hands out, and every guard gap between
// allocations, starts as a pseudo-random pattern; a test snapshots the arena, predicts the
// snapshot after the operation, and compares every byte. A stray write anywhere inside the
// used part (a guard, a gap between strided items, a pointer table) is therefore caught.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace pybuffer::unit {

using Bytes = std::vector<unsigned char>;

class Arena {
 public:
  /// `capacity` is fixed: pointer tables store addresses, so the storage never moves.
  explicit Arena(std::size_t capacity);
  Arena(const Arena &) = delete;
  Arena &operator=(const Arena &) = delete;

  /// Forgets every allocation; `salt` selects the pattern of what is handed out next.
  void reset(std::uint64_t salt);

  /// `bytes` bytes aligned to `align`, preceded by a guard gap of at least `guard` bytes.
  /// Returns nullptr when the arena is full (a test-sizing mistake, reported by the caller).
  char *allocate(std::size_t bytes, std::size_t align, std::size_t guard = 16);

  /// Claims a trailing guard so the last allocation is followed by checked bytes too.
  void close(std::size_t guard = 32);

  char *base() { return base_; }
  const char *base() const { return base_; }
  std::size_t used() const { return used_; }
  bool contains(const void *pointer, std::size_t bytes) const;

  /// A copy of the used bytes.
  Bytes image() const;
  /// Writes `image` back over the used bytes (to rerun an operation on the same memory).
  void restore(const Bytes &image);

  /// Success iff the used bytes equal `expected`; otherwise names the first difference and
  /// whether it lies in an allocation or in a guard.
  ::testing::AssertionResult matches(const Bytes &expected) const;

 private:
  struct Block {
    std::size_t offset;
    std::size_t bytes;
  };

  std::string where(std::size_t offset) const;

  std::vector<unsigned char> storage_;
  char *base_ = nullptr;
  std::size_t capacity_ = 0;
  std::size_t used_ = 0;
  std::uint64_t salt_ = 0;
  std::vector<Block> blocks_;
};

}  // namespace pybuffer::unit
