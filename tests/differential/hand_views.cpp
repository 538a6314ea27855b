// Building views over plain memory (see hand_views.hpp) and the random layouts.
#include "hand_views.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>
#include <sstream>

namespace diff {
namespace {

constexpr unsigned char kPadByte = 0x5A;

// splitmix64: small, seedable and identical everywhere, unlike std:: distributions.
uint64_t next(uint64_t &state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}
uint64_t below(uint64_t &state, uint64_t n) {
  return next(state) % n;
}
template <class T>
T pick(uint64_t &state, std::initializer_list<T> options) {
  return *(options.begin() + below(state, options.size()));
}

size_t round_up(size_t n, size_t to) {
  return (n + to - 1) / to * to;
}

std::string join(const std::vector<Py_ssize_t> &v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
  return s + "]";
}

}  // namespace

Py_ssize_t Layout::items() const {
  Py_ssize_t n = 1;
  for (Py_ssize_t e : shape) n *= e;
  return n;
}

bool Layout::has_pointer_slots() const {
  return std::any_of(suboffsets.begin(), suboffsets.end(), [](Py_ssize_t s) { return s >= 0; });
}

std::string Layout::describe() const {
  std::ostringstream s;
  s << "ndim=" << ndim << " itemsize=" << itemsize << " len=" << len
    << " shape=" << (shape_null ? "NULL" : join(shape))
    << " strides=" << (strides_null ? "NULL" : join(strides))
    << " suboffsets=" << (suboffsets.empty() ? "NULL" : join(suboffsets))
    << " readonly=" << readonly;
  return s.str();
}

std::vector<Py_ssize_t> c_strides(const std::vector<Py_ssize_t> &shape, Py_ssize_t itemsize) {
  std::vector<Py_ssize_t> strides(shape.size());
  Py_ssize_t step = itemsize;
  for (size_t i = shape.size(); i-- > 0;) {
    strides[i] = step;
    step *= std::max<Py_ssize_t>(shape[i], 1);
  }
  return strides;
}

Layout layout_of(const Py_buffer &view) {
  Layout l;
  l.ndim = view.ndim;
  l.itemsize = view.itemsize;
  l.len = view.len;
  l.readonly = view.readonly;
  l.format = view.format;
  if (view.shape == nullptr) {
    // Only ndim <= 1 gets here: one dimension (or none) of len bytes.
    l.shape_null = true;
    if (view.ndim == 1) l.shape.push_back(view.itemsize > 0 ? view.len / view.itemsize : 0);
  } else {
    l.shape.assign(view.shape, view.shape + view.ndim);
  }
  if (view.strides == nullptr) {
    l.strides_null = true;
    l.strides = c_strides(l.shape, view.itemsize);
  } else {
    l.strides.assign(view.strides, view.strides + view.ndim);
  }
  if (view.suboffsets != nullptr) l.suboffsets.assign(view.suboffsets, view.suboffsets + view.ndim);
  return l;
}

HandView::HandView(const Layout &layout, uint64_t fill_seed) : layout_(layout) {
  uint64_t rng = fill_seed;
  if (layout_.shape_null) {
    // A shapeless view is len contiguous bytes, whatever its itemsize.
    segments_.clear();
    Block b{pybuffer_test::GuardedBuffer(static_cast<size_t>(layout_.len)), {}};
    for (Py_ssize_t i = 0; i < layout_.len; ++i)
      b.memory.data()[i] = static_cast<unsigned char>(next(rng));
    view_.buf = b.memory.data();
    blocks_.push_back(std::move(b));
  } else {
    int first = 0;
    for (int d = 0; d < layout_.ndim; ++d) {
      if (!layout_.suboffsets.empty() && layout_.suboffsets[d] >= 0) {
        segments_.emplace_back(first, d);
        first = d + 1;
      }
    }
    // The last segment may have no dimensions at all: then it is the single item that the
    // last pointer slot leads to (or the item of a 0-d view).
    segments_.emplace_back(first, layout_.ndim - 1);
    view_.buf = build_segment(0, rng);
  }
  shape_ = layout_.shape;
  strides_ = layout_.strides;
  suboffsets_ = layout_.suboffsets;
  view_.obj = nullptr;
  view_.len = layout_.len;
  view_.itemsize = layout_.itemsize;
  view_.readonly = layout_.readonly;
  view_.ndim = layout_.ndim;
  view_.format = const_cast<char *>(layout_.format);
  // 0-d views keep shape and strides NULL: there is nothing to point at.
  view_.shape = layout_.shape_null || layout_.ndim == 0 ? nullptr : shape_.data();
  view_.strides = layout_.strides_null || layout_.ndim == 0 ? nullptr : strides_.data();
  view_.suboffsets = suboffsets_.empty() ? nullptr : suboffsets_.data();
  view_.internal = nullptr;
}

char *HandView::build_segment(size_t segment, uint64_t &rng) {
  const int first = segments_[segment].first;
  const int last = segments_[segment].second;
  const bool slots = last >= first && !layout_.suboffsets.empty() && layout_.suboffsets[last] >= 0;
  const Py_ssize_t elem = slots ? static_cast<Py_ssize_t>(sizeof(char *)) : layout_.itemsize;
  Py_ssize_t lo = 0, hi = 0, count = 1;
  for (int d = first; d <= last; ++d) {
    const Py_ssize_t n = layout_.shape[d], s = layout_.strides[d];
    count *= n;
    if (n > 0) {
      lo += std::min<Py_ssize_t>(0, (n - 1) * s);
      hi += std::max<Py_ssize_t>(0, (n - 1) * s);
    }
  }
  // The pointer stored for this block is origin - suboffset; the pad keeps it inside the
  // allocation, and rounding keeps pointer slots aligned.
  const Py_ssize_t pad = segment == 0 ? 0 : layout_.suboffsets[segments_[segment - 1].second];
  const size_t data_begin = round_up(static_cast<size_t>(pad), 16);
  const size_t extent = count > 0 ? static_cast<size_t>(hi - lo + elem) : 0;
  Block b{pybuffer_test::GuardedBuffer(data_begin + extent, kPadByte), {}};
  for (size_t i = 0; i < extent; ++i) {
    b.memory.data()[data_begin + i] = static_cast<unsigned char>(next(rng));
  }
  char *origin = reinterpret_cast<char *>(b.memory.data()) + data_begin - lo;
  const size_t index = blocks_.size();
  blocks_.push_back(std::move(b));
  if (!slots || count == 0) return origin;

  std::vector<Py_ssize_t> sub_shape(layout_.shape.begin() + first,
                                    layout_.shape.begin() + last + 1);
  std::map<Py_ssize_t, bool> filled;  // zero strides make several indices share one slot
  for (const auto &idx : all_indices(sub_shape, static_cast<size_t>(-1))) {
    Py_ssize_t offset = 0;
    for (int d = first; d <= last; ++d) offset += idx[d - first] * layout_.strides[d];
    if (filled[offset]) continue;
    filled[offset] = true;
    char *child = build_segment(segment + 1, rng);
    const uintptr_t value =
        reinterpret_cast<uintptr_t>(child) - static_cast<uintptr_t>(layout_.suboffsets[last]);
    std::memcpy(origin + offset, &value, sizeof value);
    blocks_[index].slots.push_back(
        Slot{static_cast<size_t>(origin + offset -
                                 reinterpret_cast<char *>(blocks_[index].memory.data())),
             value});
  }
  return origin;
}

char *HandView::item_address(const Py_ssize_t *indices) const {
  char *p = static_cast<char *>(view_.buf);
  if (layout_.shape_null) return p + (layout_.ndim == 1 ? indices[0] * layout_.itemsize : 0);
  for (int d = 0; d < layout_.ndim; ++d) {
    p += indices[d] * layout_.strides[d];
    if (!layout_.suboffsets.empty() && layout_.suboffsets[d] >= 0) {
      char *next_level;
      std::memcpy(&next_level, p, sizeof next_level);
      p = next_level + layout_.suboffsets[d];
    }
  }
  return p;
}

void HandView::copy_items_from(const Py_buffer &source) {
  if (layout_.shape_null) {
    std::memcpy(view_.buf, source.buf, static_cast<size_t>(layout_.len));
    return;
  }
  // The source is walked with its own strides and suboffsets (its shape is this one's).
  const Layout src = layout_of(source);
  for (const auto &idx : all_indices(layout_.shape, static_cast<size_t>(-1))) {
    const char *p = static_cast<const char *>(source.buf);
    for (int d = 0; d < src.ndim; ++d) {
      p += idx[d] * src.strides[d];
      if (!src.suboffsets.empty() && src.suboffsets[d] >= 0) {
        const char *next_level;
        std::memcpy(&next_level, p, sizeof next_level);
        p = next_level + src.suboffsets[d];
      }
    }
    std::memcpy(item_address(idx.data()), p, static_cast<size_t>(layout_.itemsize));
  }
}

std::string HandView::all_bytes() const {
  std::string s;
  for (const Block &b : blocks_) s += b.memory.all_bytes();
  return s;
}

bool HandView::slot_intact(const Block &block, const Slot &slot) const {
  uintptr_t now;
  std::memcpy(&now, block.memory.data() + slot.offset, sizeof now);
  return now == slot.value;
}

std::string HandView::compare_memory(const HandView &other) const {
  if (blocks_.size() != other.blocks_.size()) return "different number of blocks";
  for (size_t i = 0; i < blocks_.size(); ++i) {
    const Block &a = blocks_[i], &b = other.blocks_[i];
    const std::string a_bytes = a.memory.all_bytes(), b_bytes = b.memory.all_bytes();
    if (a_bytes.size() != b_bytes.size() || a.slots.size() != b.slots.size()) {
      return "block layouts differ";
    }
    // Indices into all_bytes(): the leading guard comes first.
    constexpr size_t guard = pybuffer_test::GuardedBuffer::guard;
    std::vector<bool> is_slot(a_bytes.size(), false);
    for (size_t k = 0; k < a.slots.size(); ++k) {
      const bool ia = slot_intact(a, a.slots[k]), ib = other.slot_intact(b, b.slots[k]);
      if (ia != ib) {
        return "pointer slot at block " + std::to_string(i) + " offset " +
               std::to_string(a.slots[k].offset) +
               (ia ? " overwritten by pybuffer" : " overwritten by CPython");
      }
      for (size_t j = 0; j < sizeof(uintptr_t); ++j) is_slot[guard + a.slots[k].offset + j] = true;
    }
    for (size_t j = 0; j < a_bytes.size(); ++j) {
      if (!is_slot[j] && a_bytes[j] != b_bytes[j]) {
        std::ostringstream s;
        s << "block " << i << " byte " << j << " (data starts after " << guard
          << " guard bytes): CPython " << int(static_cast<unsigned char>(a_bytes[j]))
          << ", pybuffer " << int(static_cast<unsigned char>(b_bytes[j]));
        return s.str();
      }
    }
  }
  return "";
}

std::vector<std::vector<Py_ssize_t>> all_indices(const std::vector<Py_ssize_t> &shape, size_t cap) {
  std::vector<std::vector<Py_ssize_t>> out;
  for (Py_ssize_t e : shape) {
    if (e <= 0) return out;
  }
  std::vector<Py_ssize_t> idx(shape.size(), 0);
  while (out.size() < cap) {
    out.push_back(idx);
    size_t d = shape.size();
    while (d > 0) {
      --d;
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
      if (d == 0) return out;
    }
    if (shape.empty()) return out;
  }
  return out;
}

namespace {

// Strides for one segment: its dimensions laid out in `order` (fastest first), each stride
// a multiple of the element size so that pointer slots stay aligned.
void segment_strides(Layout &l, int first, int last, Py_ssize_t elem, uint64_t &rng,
                     const std::string &kind) {
  std::vector<int> order;
  for (int d = last; d >= first; --d) order.push_back(d);  // C: last dimension fastest
  if (kind == "F") std::reverse(order.begin(), order.end());
  if (kind == "perm") {
    for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[below(rng, i)]);
  }
  const bool padded = kind == "pad" || kind == "perm";
  Py_ssize_t step = elem * (padded ? pick<Py_ssize_t>(rng, {1, 2, 3}) : 1);
  for (int d : order) {
    l.strides[d] = step;
    // Gaps only after real extents: 64 padded extents of 1 would need gigabytes.
    const bool gap = padded && l.shape[d] > 1;
    step *= std::max<Py_ssize_t>(l.shape[d], 1) * (gap ? pick<Py_ssize_t>(rng, {1, 1, 2}) : 1);
  }
  for (int d = first; d <= last; ++d) {
    if (kind == "neg" && below(rng, 2) == 0) l.strides[d] = -l.strides[d];
    if (kind == "ones" && l.shape[d] <= 1) l.strides[d] = pick<Py_ssize_t>(rng, {0, 7, -13, 1000});
  }
  if (kind == "zero" && last >= first) l.strides[first + below(rng, last - first + 1)] = 0;
}

HandSpec random_spec(int number, uint64_t &rng) {
  HandSpec spec;
  Layout &l = spec.layout;
  l.ndim = pick(rng, {0, 1, 1, 1, 2, 2, 2, 3, 3, 4, 4, 64});
  l.itemsize = pick<Py_ssize_t>(rng, {1, 2, 3, 4, 8, 16});
  l.shape.assign(l.ndim, 1);
  if (l.ndim <= 4) {
    for (auto &e : l.shape)
      e = l.ndim == 4 ? pick<Py_ssize_t>(rng, {1, 2, 3}) : pick<Py_ssize_t>(rng, {1, 2, 3, 4});
  } else {
    for (int k = 0, n = 1 + static_cast<int>(below(rng, 3)); k < n; ++k) {
      l.shape[below(rng, l.ndim)] = pick<Py_ssize_t>(rng, {2, 3});
    }
  }
  const bool zero_size = l.ndim > 0 && below(rng, 10) == 0;
  if (zero_size) l.shape[below(rng, l.ndim)] = 0;

  if (l.ndim > 0 && below(rng, 4) == 0) {
    l.suboffsets.assign(l.ndim, -1);
    const int derefs = 1 + static_cast<int>(below(rng, std::min(l.ndim, 3)));
    for (int k = 0; k < derefs; ++k) {
      l.suboffsets[below(rng, l.ndim)] = pick<Py_ssize_t>(rng, {0, 8, 16, 24});
    }
    for (auto &s : l.suboffsets) {
      if (s < 0) s = pick<Py_ssize_t>(rng, {-1, -1, -8});
    }
  }
  const std::string kind =
      pick<std::string>(rng, {"C", "C", "F", "pad", "perm", "neg", "zero", "ones"});
  l.strides.assign(l.ndim, 0);
  int first = 0;
  for (int d = 0; d < l.ndim; ++d) {
    if (!l.suboffsets.empty() && l.suboffsets[d] >= 0) {
      segment_strides(l, first, d, static_cast<Py_ssize_t>(sizeof(char *)), rng, kind);
      first = d + 1;
    }
  }
  segment_strides(l, first, l.ndim - 1, l.itemsize, rng, kind);
  if (l.suboffsets.empty() && kind == "C" && below(rng, 3) == 0) {
    l.strides_null = true;
    l.shape_null = l.ndim == 1 && below(rng, 2) == 0;
  }
  l.readonly = static_cast<int>(below(rng, 2));
  l.format = below(rng, 2) == 0 ? nullptr : "B";
  l.len = l.items() * l.itemsize;
  spec.fill_seed = next(rng);
  std::ostringstream name;
  name << "r" << (number < 100 ? "0" : "") << (number < 10 ? "0" : "") << number << "_nd" << l.ndim
       << "_isz" << l.itemsize << "_" << kind << (l.suboffsets.empty() ? "" : "_pil")
       << (zero_size ? "_empty" : "") << (l.strides_null ? "_nostrides" : "")
       << (l.shape_null ? "_noshape" : "");
  spec.name = name.str();
  return spec;
}

HandSpec fixed(const char *name, std::vector<Py_ssize_t> shape, Py_ssize_t itemsize,
               std::vector<Py_ssize_t> strides, std::vector<Py_ssize_t> suboffsets = {},
               bool strides_null = false, bool shape_null = false) {
  HandSpec spec;
  spec.name = name;
  Layout &l = spec.layout;
  l.ndim = static_cast<int>(shape.size());
  l.itemsize = itemsize;
  l.shape = std::move(shape);
  l.strides = strides_null ? c_strides(l.shape, itemsize) : std::move(strides);
  l.suboffsets = std::move(suboffsets);
  l.strides_null = strides_null;
  l.shape_null = shape_null;
  l.format = "B";
  l.len = l.items() * itemsize;
  spec.fill_seed = 0x5eed0000ULL + l.len;
  return spec;
}

std::vector<HandSpec> make_specs() {
  std::vector<HandSpec> specs = {
      fixed("f_scalar", {}, 8, {}, {}, true),
      fixed("f_1d_empty", {0}, 4, {4}),
      fixed("f_1d_shapeless", {12}, 1, {}, {}, true, true),
      fixed("f_2d_c", {3, 4}, 2, {8, 2}),
      fixed("f_2d_f", {3, 4}, 2, {2, 6}),
      fixed("f_2d_c_implicit", {3, 4}, 2, {}, {}, true),
      fixed("f_2d_rows_reversed", {3, 4}, 1, {-4, 1}),
      fixed("f_2d_both_negative", {2, 3}, 4, {-12, -4}),
      fixed("f_2d_broadcast_row", {3, 4}, 4, {0, 4}),
      fixed("f_3d_one_extent_weird", {2, 1, 3}, 4, {12, 999, 4}),
      fixed("f_2d_negative_suboffsets_only", {2, 3}, 1, {3, 1}, {-1, -1}),
      fixed("f_2d_pil_rows", {3, 4}, 1, {8, 1}, {0, -1}),
      fixed("f_2d_pil_rows_offset", {3, 2}, 1, {-8, 1}, {1, -1}),
      fixed("f_3d_pil_two_levels", {2, 2, 3}, 4, {8, 8, 4}, {0, 16, -1}),
      fixed("f_1d_pil_last", {4}, 2, {8}, {0}),
  };
  std::vector<Py_ssize_t> ones(64, 1);
  specs.push_back(fixed("f_64d_ones", ones, 4, c_strides(ones, 4)));
  std::vector<Py_ssize_t> weird(64, 0);
  for (int i = 0; i < 64; ++i) weird[i] = (i % 2 ? 17 : -5) * (i + 1);
  specs.push_back(fixed("f_64d_ones_weird_strides", ones, 2, weird));
  std::vector<Py_ssize_t> two = ones;
  two[0] = 2;
  two[63] = 3;
  std::vector<Py_ssize_t> f_strides(64, 6);
  f_strides[0] = 1;
  specs.push_back(fixed("f_64d_fortran", two, 1, f_strides));

  uint64_t rng = hand_seed();
  for (int i = 0; i < 150; ++i) specs.push_back(random_spec(i, rng));
  return specs;
}

}  // namespace

uint64_t hand_seed() {
  static const uint64_t seed = [] {
    const char *env = std::getenv("PYBUFFER_DIFF_SEED");
    return env != nullptr ? std::strtoull(env, nullptr, 0) : 0x9b0ff3a1ULL;
  }();
  return seed;
}

const std::vector<HandSpec> &hand_specs() {
  static const std::vector<HandSpec> specs = make_specs();
  return specs;
}

}  // namespace diff
