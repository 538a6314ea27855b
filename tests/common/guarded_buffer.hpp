// One buffer between two guards, for calls handed a single destination, source or array (the
// differential suite and the malformed-input matrix). Python-free (pybuffer_test_memory).
//
// Every byte, guards included, starts as a known value: the guards and (unless a fill byte is
// given) the data follow a pattern of their offset, so two buffers of one size start equal and
// a write of any value anywhere is visible.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace pybuffer_test {

class GuardedBuffer {
 public:
  /// 32 bytes: keeps data() 16-byte aligned, like the allocator's own blocks.
  static constexpr std::size_t guard = 32;

  /// `bytes` patterned data bytes.
  explicit GuardedBuffer(std::size_t bytes);
  /// `bytes` data bytes equal to `fill`.
  GuardedBuffer(std::size_t bytes, unsigned char fill);

  unsigned char *data() { return storage_.data() + guard; }
  const unsigned char *data() const { return storage_.data() + guard; }
  template <typename T>
  T *as() {
    return reinterpret_cast<T *>(data());
  }
  std::size_t size() const { return storage_.size() - 2 * guard; }

  /// Both guards still hold their pattern.
  bool guards_intact() const;
  /// Data and guards, for byte-exact comparison of two buffers.
  std::string all_bytes() const { return std::string(storage_.begin(), storage_.end()); }

  /// Remembers the current contents as the reference of first_change().
  void remember() { remembered_ = storage_; }
  /// Whether a byte changed since construction or remember(); if so, `*offset` is the first
  /// one's, relative to data() (negative in the leading guard, >= size() in the trailing one).
  bool first_change(long *offset) const;

 private:
  std::vector<unsigned char> storage_;
  std::vector<unsigned char> remembered_;
};

}  // namespace pybuffer_test
