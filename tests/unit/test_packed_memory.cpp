// populate_destination (src/core/packed_memory.hpp) is advice only: whatever memory it is
// given, with or without whole pages inside, at any offset, the bytes stay as they were.
#include <gtest/gtest.h>

#include <cstddef>
#include <vector>

#include "core/packed_memory.hpp"

namespace pybuffer::unit {
namespace {

TEST(PackedMemory, PopulatingKeepsEveryByte) {
  const std::size_t size = (std::size_t{9} << 20) + 4096 * 3;
  for (std::size_t offset : {std::size_t{0}, std::size_t{1}, std::size_t{4095}}) {
    std::vector<char> block(size);
    for (std::size_t i = 0; i < size; ++i) block[i] = static_cast<char>(i * 7 + offset);
    const std::vector<char> before = block;
    core::populate_destination(block.data() + offset, size - offset);
    EXPECT_EQ(block, before) << "offset " << offset;
    // Below the threshold, and a range with no whole page, are left alone too.
    core::populate_destination(block.data() + offset, 100);
    EXPECT_EQ(block, before) << "offset " << offset;
  }
}

TEST(PackedMemory, PopulatingFreshMemoryLeavesItZeroAndWritable) {
  const std::size_t size = std::size_t{16} << 20;
  void *raw = core::allocate_packed(size);
  ASSERT_NE(raw, nullptr);
  char *block = static_cast<char *>(raw);
  core::populate_destination(block, size);
  std::size_t nonzero = 0;
  for (std::size_t i = 0; i < size; i += 512) nonzero += block[i] != 0 ? 1 : 0;
  EXPECT_EQ(nonzero, 0u);  // a fresh anonymous mapping reads as zeros, populated or not
  block[size - 1] = 1;
  EXPECT_EQ(block[size - 1], 1);
  core::free_packed(raw, size);
}

}  // namespace
}  // namespace pybuffer::unit
