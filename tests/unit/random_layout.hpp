// Random views backed by real memory: shapes, strides (packed in any dimension order, with
// gaps, reversed, zero) and PIL-style suboffsets whose pointer tables really exist in an
// Arena, so the core can walk them exactly as it would walk an exporter's memory.
#pragma once

#include <string>
#include <vector>

#include "arena.hpp"
#include "core/copy.hpp"
#include "core/layout.hpp"
#include "seed.hpp"

namespace pybuffer::unit {

using core::ssize;

/// What a copy is about, independent of where either side lives.
struct Problem {
  int ndim = 0;
  std::vector<ssize> shape;
  ssize itemsize = 1;
  ssize items = 1;  // product(shape)
};

/// ndim 0-8 (now and then 64 with almost every extent 1), extents 0-5, itemsize one of
/// 1, 2, 3, 4, 8, 16, 24; extents are trimmed until there are at most `max_items` items.
Problem random_problem(Rng &rng, ssize max_items);

struct LayoutOptions {
  bool negative_strides = true;
  bool zero_strides = false;   // items alias: only a source may have them
  int suboffsets_percent = 0;  // how often the view is PIL-style
  bool share_blocks = false;   // two table entries pointing at one block: source only
  bool gaps = true;            // padding between items and rows
};

struct Layout {
  int ndim = 0;
  ssize itemsize = 1;
  ssize items = 0;
  char *buf = nullptr;
  std::vector<ssize> shape;
  std::vector<ssize> strides;
  std::vector<ssize> suboffsets;  // empty: the view has none

  const ssize *suboffsets_or_null() const {
    return suboffsets.empty() ? nullptr : suboffsets.data();
  }
  /// The Py_buffer geometry of this layout (len = items * itemsize).
  core::View view() const;
  core::Strided side() const;
  /// Item addresses by the reference definition, in C or ('F') Fortran order.
  std::vector<char *> addresses(char order) const;
  std::string describe() const;
};

/// Builds a layout of `problem` in `arena` (strides, pointer tables, items). Returns false
/// only when the arena is too small, which is a mistake in the test's sizing.
bool build_layout(Rng &rng, Arena &arena, const Problem &problem, const LayoutOptions &options,
                  Layout &out);

/// Strides for a suboffset-free layout of `problem` (dimension order, gaps and signs random).
std::vector<ssize> random_direct_strides(Rng &rng, const Problem &problem,
                                         const LayoutOptions &options);

/// Offsets of the lowest byte and one past the highest byte a direct layout reaches,
/// relative to its buf (items of extent-1 and empty dimensions reach nothing).
void direct_span(const Problem &problem, const std::vector<ssize> &strides, ssize *low,
                 ssize *high);

/// A direct layout with the given strides whose lowest reachable byte is `lowest`.
Layout place_direct(const Problem &problem, const std::vector<ssize> &strides, char *lowest);

}  // namespace pybuffer::unit
