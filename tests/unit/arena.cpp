#include "arena.hpp"

#include <cstring>
#include <sstream>

namespace pybuffer::unit {
namespace {

// splitmix64 of (salt, offset): neighbouring bytes and different arenas get unrelated
// values, so a byte copied to the wrong place almost never happens to match.
unsigned char pattern_byte(std::uint64_t salt, std::size_t offset) {
  std::uint64_t z = salt + 0x9e3779b97f4a7c15ull * (offset + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return static_cast<unsigned char>(z ^ (z >> 31));
}

constexpr std::size_t base_alignment = 64;

}  // namespace

Arena::Arena(std::size_t capacity) : storage_(capacity + base_alignment), capacity_(capacity) {
  const auto raw = reinterpret_cast<std::uintptr_t>(storage_.data());
  const std::uintptr_t aligned = (raw + base_alignment - 1) & ~std::uintptr_t{base_alignment - 1};
  base_ = reinterpret_cast<char *>(aligned);
}

void Arena::reset(std::uint64_t salt) {
  used_ = 0;
  salt_ = salt;
  blocks_.clear();
}

char *Arena::allocate(std::size_t bytes, std::size_t align, std::size_t guard) {
  if (align == 0) align = 1;
  std::size_t start = used_ + guard;
  start = (start + align - 1) / align * align;
  if (start + bytes > capacity_) return nullptr;
  for (std::size_t i = used_; i < start + bytes; ++i) {
    base_[i] = static_cast<char>(pattern_byte(salt_, i));
  }
  used_ = start + bytes;
  blocks_.push_back(Block{start, bytes});
  return base_ + start;
}

void Arena::close(std::size_t guard) {
  const std::size_t end = used_ + guard < capacity_ ? used_ + guard : capacity_;
  for (std::size_t i = used_; i < end; ++i) base_[i] = static_cast<char>(pattern_byte(salt_, i));
  used_ = end;
}

bool Arena::contains(const void *pointer, std::size_t bytes) const {
  const auto p = reinterpret_cast<std::uintptr_t>(pointer);
  const auto b = reinterpret_cast<std::uintptr_t>(base_);
  return p >= b && p - b <= used_ && used_ - (p - b) >= bytes;
}

Bytes Arena::image() const {
  return Bytes(base_, base_ + used_);
}

void Arena::restore(const Bytes &image) {
  std::memcpy(base_, image.data(), image.size() < used_ ? image.size() : used_);
}

std::string Arena::where(std::size_t offset) const {
  for (std::size_t i = 0; i < blocks_.size(); ++i) {
    const Block &block = blocks_[i];
    if (offset >= block.offset && offset < block.offset + block.bytes) {
      std::ostringstream out;
      out << "byte " << offset - block.offset << " of allocation #" << i << " (" << block.bytes
          << " bytes)";
      return out.str();
    }
  }
  return "a guard";
}

::testing::AssertionResult Arena::matches(const Bytes &expected) const {
  if (expected.size() != used_) {
    return ::testing::AssertionFailure()
           << "expected image has " << expected.size() << " bytes, arena uses " << used_;
  }
  std::size_t differing = 0;
  std::size_t first = 0;
  for (std::size_t i = 0; i < used_; ++i) {
    if (static_cast<unsigned char>(base_[i]) != expected[i]) {
      if (differing++ == 0) first = i;
    }
  }
  if (differing == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << differing << " byte(s) differ; first at arena offset " << first << ", in "
         << where(first) << ": expected " << static_cast<int>(expected[first]) << ", found "
         << static_cast<int>(static_cast<unsigned char>(base_[first]));
}

}  // namespace pybuffer::unit
