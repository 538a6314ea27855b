#include "guarded_buffer.hpp"

namespace pybuffer_test {
namespace {

unsigned char pattern_byte(std::size_t offset) {
  return static_cast<unsigned char>(0xA5 ^ (offset * 37));
}

}  // namespace

GuardedBuffer::GuardedBuffer(std::size_t bytes) : storage_(bytes + 2 * guard) {
  for (std::size_t i = 0; i < storage_.size(); ++i) storage_[i] = pattern_byte(i);
  remembered_ = storage_;
}

GuardedBuffer::GuardedBuffer(std::size_t bytes, unsigned char fill) : GuardedBuffer(bytes) {
  for (std::size_t i = 0; i < bytes; ++i) data()[i] = fill;
  remembered_ = storage_;
}

bool GuardedBuffer::guards_intact() const {
  const std::size_t trailing = storage_.size() - guard;
  for (std::size_t i = 0; i < guard; ++i) {
    if (storage_[i] != pattern_byte(i) || storage_[trailing + i] != pattern_byte(trailing + i)) {
      return false;
    }
  }
  return true;
}

bool GuardedBuffer::first_change(long *offset) const {
  for (std::size_t i = 0; i < storage_.size(); ++i) {
    if (storage_[i] != remembered_[i]) {
      *offset = static_cast<long>(i) - static_cast<long>(guard);
      return true;
    }
  }
  return false;
}

}  // namespace pybuffer_test
