#include "guarded_arena.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <new>
#include <sstream>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PYBUFFER_TEST_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(PYBUFFER_TEST_ASAN)
#define PYBUFFER_TEST_ASAN 1
#endif
#ifdef PYBUFFER_TEST_ASAN
#include <sanitizer/asan_interface.h>
#endif

namespace pybuffer_test {
namespace {

constexpr std::size_t base_alignment = 64;

// SplitMix64: neighbouring offsets and different salts get unrelated values, so a byte copied
// to the wrong place almost never happens to match.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

}  // namespace

long first_difference(const Bytes &a, const Bytes &b) {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return static_cast<long>(i);
  }
  return a.size() == b.size() ? -1 : static_cast<long>(n);
}

GuardedArena::GuardedArena(std::size_t capacity) : capacity_(capacity) {
  base_ = static_cast<char *>(::operator new (capacity, std::align_val_t{base_alignment}));
}

GuardedArena::~GuardedArena() {
  disarm();
  ::operator delete (base_, std::align_val_t{base_alignment});
}

void GuardedArena::reset(std::uint64_t salt) {
  disarm();
  end_ = 0;
  used_ = 0;
  salt_ = mix(salt);
  blocks_.clear();
}

// Byte i is byte i % 8 of mix(salt + i / 8): one mix per 8 bytes, whatever `from` is.
void GuardedArena::fill(std::size_t from, std::size_t to) {
  std::uint64_t word = mix(salt_ + from / 8);
  for (std::size_t i = from; i < to; ++i) {
    if (i % 8 == 0) word = mix(salt_ + i / 8);
    base_[i] = static_cast<char>(word >> (8 * (i % 8)));
  }
}

char *GuardedArena::allocate(std::size_t bytes, std::size_t align) {
  return allocate_after(16 + mix(salt_ ^ blocks_.size()) % 32, bytes, align);
}

char *GuardedArena::allocate_after(std::size_t gap, std::size_t bytes, std::size_t align,
                                   std::size_t skew) {
  if (align == 0) align = 1;
  std::size_t offset = (end_ + gap + align - 1) / align * align + skew;
  if (offset > capacity_ || bytes > capacity_ - offset ||
      capacity_ - offset - bytes < trailing_guard) {
    return nullptr;
  }
  // The pattern is positional, so refilling the old trailing guard changes none of its bytes.
  fill(end_, offset + bytes + trailing_guard);
  end_ = offset + bytes;
  used_ = end_ + trailing_guard;
  blocks_.push_back(Block{offset, bytes});
  return base_ + offset;
}

void GuardedArena::arm() {
#ifdef PYBUFFER_TEST_ASAN
  std::size_t previous_end = 0;
  for (const Block &block : blocks_) {
    ASAN_POISON_MEMORY_REGION(base_ + previous_end, block.offset - previous_end);
    previous_end = block.offset + block.bytes;
  }
  ASAN_POISON_MEMORY_REGION(base_ + previous_end, capacity_ - previous_end);
#endif
  armed_ = true;
}

void GuardedArena::disarm() {
  if (!armed_) return;
#ifdef PYBUFFER_TEST_ASAN
  ASAN_UNPOISON_MEMORY_REGION(base_, capacity_);
#endif
  armed_ = false;
}

std::size_t GuardedArena::offset_of(const void *pointer) const {
  return static_cast<std::size_t>(static_cast<const char *>(pointer) - base_);
}

bool GuardedArena::contains(const void *pointer, std::size_t bytes) const {
  const auto p = reinterpret_cast<std::uintptr_t>(pointer);
  const auto b = reinterpret_cast<std::uintptr_t>(base_);
  return p >= b && p - b <= used_ && used_ - (p - b) >= bytes;
}

bool GuardedArena::in_block(const void *pointer, std::size_t bytes) const {
  if (!contains(pointer, 0)) return false;
  const std::size_t offset = offset_of(pointer);
  for (const Block &block : blocks_) {
    if (offset >= block.offset && offset - block.offset <= block.bytes &&
        bytes <= block.bytes - (offset - block.offset)) {
      return true;
    }
  }
  return false;
}

std::string GuardedArena::describe_pointer(const void *pointer) const {
  char text[48];
  if (pointer != nullptr && contains(pointer, 1)) {
    std::snprintf(text, sizeof text, "arena+%zu", offset_of(pointer));
  } else {
    std::snprintf(text, sizeof text, "%p", pointer);
  }
  return text;
}

std::string GuardedArena::where(std::size_t offset) const {
  for (std::size_t i = 0; i < blocks_.size(); ++i) {
    const Block &block = blocks_[i];
    if (offset >= block.offset && offset < block.offset + block.bytes) {
      std::ostringstream out;
      out << "byte " << offset - block.offset << " of block #" << i << " (" << block.bytes
          << " bytes)";
      return out.str();
    }
  }
  return "a guard";
}

Bytes GuardedArena::image() const {
  return Bytes(base_, base_ + used_);
}

void GuardedArena::restore(const Bytes &image) {
  std::memcpy(base_, image.data(), std::min(image.size(), used_));
}

bool GuardedArena::matches(const Bytes &expected) const {
  return expected.size() == used_ && std::memcmp(base_, expected.data(), used_) == 0;
}

long GuardedArena::first_difference(const Bytes &expected) const {
  const std::size_t n = std::min(expected.size(), used_);
  for (std::size_t i = 0; i < n; ++i) {
    if (static_cast<unsigned char>(base_[i]) != expected[i]) return static_cast<long>(i);
  }
  return expected.size() == used_ ? -1 : static_cast<long>(n);
}

std::string GuardedArena::mismatch(const Bytes &expected) const {
  if (matches(expected)) return {};
  if (expected.size() != used_) {
    std::ostringstream out;
    out << "expected image has " << expected.size() << " bytes, arena uses " << used_;
    return out.str();
  }
  std::size_t differing = 0;
  std::size_t first = 0;
  for (std::size_t i = 0; i < used_; ++i) {
    if (static_cast<unsigned char>(base_[i]) != expected[i] && differing++ == 0) first = i;
  }
  std::ostringstream out;
  out << differing << " byte(s) differ; first at arena offset " << first << ", in " << where(first)
      << ": expected " << static_cast<int>(expected[first]) << ", found "
      << static_cast<int>(static_cast<unsigned char>(base_[first]));
  return out.str();
}

}  // namespace pybuffer_test
