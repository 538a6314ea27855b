// Shared vocabulary of the copy tests: how big the arenas are, which layouts each side of a
// copy may have, and how a failing case names itself.
#pragma once

#include <cstddef>
#include <sstream>
#include <string>

#include "arena.hpp"
#include "random_layout.hpp"
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
