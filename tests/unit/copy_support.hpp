// Shared vocabulary of the copy tests: how big the arenas are, which layouts each side of a
// copy may have, and how a failing case names itself.
#pragma once

#include <cstddef>
#include <sstream>
#include <string>
#include <vector>

#include "arena.hpp"
#include "random_layout.hpp"
#include "reference.hpp"
#include "seed.hpp"

namespace pybuffer::unit {

/// Room for the largest random case: up to `copy_max_items` items of 24 bytes, with gaps,
/// reflections and per-row pointer tables.
inline constexpr std::size_t arena_bytes = std::size_t{1} << 22;
inline constexpr ssize copy_max_items = 720;

/// A source may alias items (zero strides, shared PIL blocks): it is only read.
inline LayoutOptions source_options() {
  LayoutOptions options;
  options.zero_strides = true;
  options.share_blocks = true;
  options.suboffsets_percent = 35;
  return options;
}

/// A destination's items are pairwise disjoint, or the result would depend on copy order.
inline LayoutOptions destination_options() {
  LayoutOptions options;
  options.suboffsets_percent = 35;
  return options;
}

// Both arenas of one test, allocated once: the cases only reuse their storage.
struct Arenas {
  Arena src{arena_bytes};
  Arena dst{arena_bytes};

  void reset(Rng &rng) {
    src.reset(rng());
    dst.reset(rng());
  }
};

/// A source (source_options) and a destination (destination_options) of `problem` in the
/// freshly reset arenas. False when either cannot be built.
inline bool build_pair(Rng &rng, Arenas &arenas, const Problem &problem, Layout &src, Layout &dst) {
  arenas.reset(rng);
  if (!build_layout(rng, arenas.src, problem, source_options(), src) ||
      !build_layout(rng, arenas.dst, problem, destination_options(), dst)) {
    return false;
  }
  return true;
}

/// Which side of a copy between a layout and packed memory the layout is.
enum class LayoutSide { source, destination };

/// A layout of `problem` on `side` (with that side's options) and room for its items packed,
/// at a random alignment of 1-16, in the other arena; both reset first.
/// False when either cannot be built.
inline bool build_with_packed(Rng &rng, Arenas &arenas, const Problem &problem, LayoutSide side,
                              Layout &layout, char *&packed) {
  const bool source = side == LayoutSide::source;
  arenas.reset(rng);
  if (!build_layout(rng, source ? arenas.src : arenas.dst, problem,
                    source ? source_options() : destination_options(), layout)) {
    return false;
  }
  packed = (source ? arenas.dst : arenas.src)
               .allocate(static_cast<std::size_t>(problem.items * problem.itemsize),
                         static_cast<std::size_t>(uniform(rng, 1, 16)));
  return packed != nullptr;
}

/// What a copy must leave in the arenas: the destination as the naive copy of the first
/// `count` items from `from` to `to` predicts (tests/common/reference_model.cpp), the source as it
/// was.
struct Prediction {
  Bytes source;
  Bytes destination;
};

inline Prediction predict_copy(const Arenas &arenas, const std::vector<char *> &to,
                               const std::vector<char *> &from, ssize count, ssize itemsize) {
  Prediction prediction{arenas.src.image(), arenas.dst.image()};
  ref_copy(to, from, static_cast<std::size_t>(count), itemsize, arenas.dst.base(),
           prediction.destination);
  return prediction;
}

inline ::testing::AssertionResult as_predicted(const Arenas &arenas, const Prediction &prediction) {
  ::testing::AssertionResult destination = arenas.dst.matches(prediction.destination);
  if (!destination) return destination;
  const ::testing::AssertionResult source = arenas.src.matches(prediction.source);
  if (!source) return ::testing::AssertionFailure() << "source written; " << source.message();
  return ::testing::AssertionSuccess();
}

/// Mostly 'C' and 'F'; now and then another character, which means C order to the engine.
inline char random_order(Rng &rng) {
  const char orders[] = {'C', 'F', 'C', 'F', 'A'};
  return orders[uniform(rng, 0, 4)];
}

inline std::string case_label(int number, const Layout &dst, const Layout &src) {
  std::ostringstream out;
  out << "case " << number << " (seed " << suite_seed() << ")\n  dst: " << dst.describe()
      << "\n  src: " << src.describe();
  return out.str();
}

}  // namespace pybuffer::unit
