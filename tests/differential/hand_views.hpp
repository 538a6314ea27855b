// Views over plain C memory, built from an explicit layout: the inputs of the layout
// functions when no exporter is involved, and writable clones of exporters' views.
//
// A layout with suboffsets is built PIL-style: the dimensions are split after each
// dimension whose suboffset is >= 0; stepping along such a dimension lands on a pointer
// slot, and the pointer stored there plus the suboffset is where the next dimensions start.
// Every pointer table and every item block is a separate allocation with guard bytes
// around it, so writes outside the view show up in compare_memory().
#pragma once

#include <Python.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "guarded_buffer.hpp"

namespace diff {

struct Layout {
  int ndim = 0;
  Py_ssize_t itemsize = 1;
  std::vector<Py_ssize_t> shape;       // ndim extents
  std::vector<Py_ssize_t> strides;     // ndim strides of the memory (also when strides_null)
  std::vector<Py_ssize_t> suboffsets;  // empty: view.suboffsets = NULL
  bool shape_null = false;             // view.shape = NULL: ndim == 1, len bytes of memory
  bool strides_null = false;           // view.strides = NULL: memory is C-contiguous
  int readonly = 0;
  const char *format = nullptr;
  Py_ssize_t len = 0;  // the view's len (product(shape) * itemsize unless shape_null)

  Py_ssize_t items() const;
  bool has_pointer_slots() const;
  std::string describe() const;
};

/// C-contiguous strides of shape for itemsize (extents of 0 count as 1, as layouts do).
std::vector<Py_ssize_t> c_strides(const std::vector<Py_ssize_t> &shape, Py_ssize_t itemsize);

/// The layout of an existing view (shape NULL and strides NULL spelled out as above).
Layout layout_of(const Py_buffer &view);

class HandView {
 public:
  /// Builds memory for `layout`, every data byte drawn from `fill_seed`.
  HandView(const Layout &layout, uint64_t fill_seed);
  HandView(const HandView &) = delete;
  HandView &operator=(const HandView &) = delete;

  const Py_buffer &view() const { return view_; }
  Py_buffer *mutable_view() { return &view_; }
  const Layout &layout() const { return layout_; }

  /// Address of an item, by the test's own walk of shape, strides and suboffsets.
  char *item_address(const Py_ssize_t *indices) const;

  /// Overwrites every item with the item at the same indices of `source` (same shape and
  /// itemsize), making this view a copy of it.
  void copy_items_from(const Py_buffer &source);

  /// All bytes of all blocks, guards and pointer slots included.
  std::string all_bytes() const;

  /// "" when the two views (built from one layout) hold the same bytes everywhere and no
  /// pointer slot changed; otherwise where they first differ.
  std::string compare_memory(const HandView &other) const;

 private:
  struct Slot {
    size_t offset;  // from its block's data()
    uintptr_t value;
  };
  struct Block {
    pybuffer_test::GuardedBuffer memory;  // [pad | items or pointer slots], guarded
    std::vector<Slot> slots;
  };

  char *build_segment(size_t segment, uint64_t &rng);
  bool slot_intact(const Block &block, const Slot &slot) const;

  Layout layout_;
  std::vector<std::pair<int, int>> segments_;  // [first, last] dimension of each segment
  std::vector<Block> blocks_;
  std::vector<Py_ssize_t> shape_, strides_, suboffsets_;  // what view_ points at
  Py_buffer view_{};
};

/// Every index tuple of `shape` in C order (at most `cap` of them; one empty tuple for 0-d).
std::vector<std::vector<Py_ssize_t>> all_indices(const std::vector<Py_ssize_t> &shape, size_t cap);

/// A named random layout for the hand-built suites.
struct HandSpec {
  std::string name;
  Layout layout;
  uint64_t fill_seed = 0;
};

/// The hand-built layouts: a few fixed corner cases, then `count` random ones from `seed`.
const std::vector<HandSpec> &hand_specs();
uint64_t hand_seed();

}  // namespace diff
