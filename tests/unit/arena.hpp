// The unit tests' guarded memory: the shared GuardedArena (tests/common) with a gtest form of
// its comparison. A test snapshots the arena, predicts the image after the operation, and
// compares every byte, so a stray write anywhere in the used part (a guard, a gap between
// strided items, a pointer table) is caught.
#pragma once

#include <gtest/gtest.h>

#include "guarded_arena.hpp"

namespace pybuffer::unit {

using pybuffer_test::Bytes;

class Arena : public pybuffer_test::GuardedArena {
 public:
  using GuardedArena::GuardedArena;

  /// Success iff the used bytes equal `expected`; otherwise names the first difference and
  /// whether it lies in a block or in a guard.
  ::testing::AssertionResult matches(const Bytes &expected) const {
    const std::string why = mismatch(expected);
    if (why.empty()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << why;
  }
};

}  // namespace pybuffer::unit
