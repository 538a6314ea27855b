#include "random_layout.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <map>
#include <sstream>

#include "reference.hpp"

namespace pybuffer::unit {
namespace {

constexpr ssize itemsizes[] = {1, 2, 3, 4, 8, 16, 24};
constexpr ssize pointer_size = static_cast<ssize>(sizeof(char *));

// Strides of extent-0 and extent-1 dimensions are never multiplied by a non-zero index, so
// any value is legal there; extremes check that nothing multiplies them anyway.
ssize junk_stride(Rng &rng, ssize element) {
  const ssize choices[] = {0,
                           element,
                           -element,
                           7,
                           ssize{1} << 40,
                           -(ssize{1} << 40),
                           std::numeric_limits<ssize>::max(),
                           std::numeric_limits<ssize>::min()};
  return choices[uniform(rng, 0, 7)];
}

// Strides for dimensions [first, last] around elements of `element` bytes. Laid out packed
// in a random dimension order with optional padding, then reflected: the items stay
// pairwise disjoint unless zero strides were asked for. Gaps keep multiples of `unit`
// (pointer tables must stay aligned).
void segment_strides(Rng &rng, const Problem &problem, int first, int last, ssize element,
                     ssize unit, const LayoutOptions &options, std::vector<ssize> &strides) {
  std::vector<int> active;
  for (int d = first; d <= last; ++d) {
    if (problem.shape[d] > 1) {
      active.push_back(d);
    } else {
      strides[d] = junk_stride(rng, element);
    }
  }
  switch (uniform(rng, 0, 2)) {
    case 0:  // C order: the last dimension innermost
      std::reverse(active.begin(), active.end());
      break;
    case 1:  // Fortran order: the first dimension innermost
      break;
    default:
      std::shuffle(active.begin(), active.end(), rng);
  }
  ssize step = element;
  for (const int d : active) {
    strides[d] = step;
    ssize gap = 0;
    if (options.gaps && chance(rng, 1, 4)) gap = unit * uniform(rng, 1, 2 * element / unit + 1);
    step = step * problem.shape[d] + gap;
  }
  for (const int d : active) {
    if (options.negative_strides && chance(rng, 1, 3)) strides[d] = -strides[d];
    if (options.zero_strides && chance(rng, 1, 6)) strides[d] = 0;
  }
}

void segment_span(const Problem &problem, const std::vector<ssize> &strides, int first, int last,
                  ssize element, ssize *low, ssize *high) {
  *low = 0;
  *high = element;
  for (int d = first; d <= last; ++d) {
    if (problem.shape[d] <= 1) continue;
    const ssize reach = strides[d] * (problem.shape[d] - 1);
    (reach < 0 ? *low : *high) += reach;
  }
}

struct Segment {
  int first;
  int last;
  bool indirect;  // ends with a dimension whose suboffset is >= 0
};

class Builder {
 public:
  Builder(Rng &rng, Arena &arena, const Problem &problem, const LayoutOptions &options,
          Layout &layout)
      : rng_(rng), arena_(arena), problem_(problem), options_(options), layout_(layout) {}

  // Returns the pointer a walk over segment `s` starts from (buf for the first segment).
  char *block(std::size_t s) {
    if (s == segments_.size()) {  // past the last indirect dimension: a single item
      return allocate(problem_.itemsize, uniform(rng_, 0, 1) ? 1 : 16);
    }
    const Segment &seg = segments_[s];
    const ssize element = seg.indirect ? pointer_size : problem_.itemsize;
    ssize low = 0;
    ssize high = 0;
    segment_span(problem_, layout_.strides, seg.first, seg.last, element, &low, &high);
    char *region = allocate(high - low, seg.indirect ? alignof(char *) : 1 << uniform(rng_, 0, 4));
    if (region == nullptr) return nullptr;
    char *start = region - low;
    if (!seg.indirect) return start;
    // One pointer per distinct table slot; zero strides make several indices share a slot.
    std::map<ssize, bool> filled;
    char *previous = nullptr;
    const ssize suboffset = layout_.suboffsets[static_cast<std::size_t>(seg.last)];
    for_each_index(
        seg.last - seg.first + 1, &problem_.shape[static_cast<std::size_t>(seg.first)], 'C',
        [&](const ssize *index) {
          ssize offset = 0;
          for (int d = seg.first; d <= seg.last; ++d) {
            offset += layout_.strides[d] * index[d - seg.first];
          }
          if (filled[offset] || failed_) return;
          filled[offset] = true;
          char *child = (options_.share_blocks && previous != nullptr && chance(rng_, 1, 4))
                            ? previous
                            : block(s + 1);
          if (child == nullptr) {
            failed_ = true;
            return;
          }
          previous = child;
          // The exporter stores "target - suboffset"; readers add it back.
          char *stored = reinterpret_cast<char *>(reinterpret_cast<std::uintptr_t>(child) -
                                                  static_cast<std::uintptr_t>(suboffset));
          std::memcpy(start + offset, &stored, sizeof stored);
        });
    return failed_ ? nullptr : start;
  }

  bool run() {
    const int ndim = problem_.ndim;
    const bool pil = chance(rng_, options_.suboffsets_percent, 100);
    layout_.strides.assign(static_cast<std::size_t>(ndim), 0);
    layout_.suboffsets.clear();
    if (pil) {
      // A PIL view always carries the array; dimensions with a negative entry are direct.
      for (int d = 0; d < ndim; ++d) {
        layout_.suboffsets.push_back(chance(rng_, 1, 3) ? uniform(rng_, 0, 40)
                                                        : -uniform(rng_, 1, 3));
      }
    }
    int first = 0;
    for (int d = 0; d < ndim; ++d) {
      const bool indirect = pil && layout_.suboffsets[static_cast<std::size_t>(d)] >= 0;
      if (indirect || d == ndim - 1) {
        segments_.push_back(Segment{first, d, indirect});
        first = d + 1;
      }
    }
    for (const Segment &seg : segments_) {
      const ssize element = seg.indirect ? pointer_size : problem_.itemsize;
      segment_strides(rng_, problem_, seg.first, seg.last, element, seg.indirect ? pointer_size : 1,
                      options_, layout_.strides);
    }
    if (problem_.items == 0) {
      // Nothing may be touched; buf still points at real, checked memory.
      layout_.buf = allocate(16, 16);
    } else {
      layout_.buf = block(0);
    }
    return layout_.buf != nullptr;
  }

 private:
  char *allocate(ssize bytes, std::size_t align) {
    const auto gap = static_cast<std::size_t>(uniform(rng_, 1, 24));
    return arena_.allocate_after(gap, static_cast<std::size_t>(bytes), align);
  }

  Rng &rng_;
  Arena &arena_;
  const Problem &problem_;
  const LayoutOptions &options_;
  Layout &layout_;
  std::vector<Segment> segments_;
  bool failed_ = false;
};

}  // namespace

Problem random_problem(Rng &rng, ssize max_items) {
  Problem problem;
  const bool wide = chance(rng, 3, 100);
  problem.ndim = wide ? core::max_ndim : static_cast<int>(uniform(rng, 0, 8));
  problem.itemsize = itemsizes[uniform(rng, 0, 6)];
  if (wide) {
    problem.shape.assign(core::max_ndim, 1);
    for (long long k = uniform(rng, 0, 5); k > 0; --k) {
      problem.shape[static_cast<std::size_t>(uniform(rng, 0, core::max_ndim - 1))] =
          chance(rng, 1, 12) ? 0 : uniform(rng, 2, 3);
    }
  } else {
    for (int d = 0; d < problem.ndim; ++d) {
      problem.shape.push_back(chance(rng, 1, 14) ? 0 : uniform(rng, 1, 5));
    }
  }
  for (;;) {
    Wide items = extent_product(problem.shape.data(), 0, problem.ndim);
    if (items <= max_items) {
      problem.items = static_cast<ssize>(items);
      break;
    }
    // Shrink one extent at a time: large shapes become smaller ones of the same ndim.
    auto &extent = problem.shape[static_cast<std::size_t>(uniform(rng, 0, problem.ndim - 1))];
    if (extent > 1) --extent;
  }
  return problem;
}

bool build_layout(Rng &rng, Arena &arena, const Problem &problem, const LayoutOptions &options,
                  Layout &out) {
  out.ndim = problem.ndim;
  out.itemsize = problem.itemsize;
  out.items = problem.items;
  out.shape = problem.shape;
  return Builder(rng, arena, problem, options, out).run();
}

std::vector<ssize> random_direct_strides(Rng &rng, const Problem &problem,
                                         const LayoutOptions &options) {
  std::vector<ssize> strides(static_cast<std::size_t>(problem.ndim), 0);
  if (problem.ndim > 0) {
    segment_strides(rng, problem, 0, problem.ndim - 1, problem.itemsize, 1, options, strides);
  }
  return strides;
}

void direct_span(const Problem &problem, const std::vector<ssize> &strides, ssize *low,
                 ssize *high) {
  segment_span(problem, strides, 0, problem.ndim - 1, problem.itemsize, low, high);
}

Layout place_direct(const Problem &problem, const std::vector<ssize> &strides, char *lowest) {
  Layout layout;
  layout.ndim = problem.ndim;
  layout.itemsize = problem.itemsize;
  layout.items = problem.items;
  layout.shape = problem.shape;
  layout.strides = strides;
  ssize low = 0;
  ssize high = 0;
  direct_span(problem, strides, &low, &high);
  layout.buf = lowest - low;
  return layout;
}

core::View Layout::view() const {
  return core::View{
      buf, items * itemsize, itemsize, ndim, shape.data(), strides.data(), suboffsets_or_null()};
}

core::Strided Layout::side() const {
  return core::Strided{buf, strides.data(), suboffsets_or_null()};
}

std::vector<char *> Layout::addresses(char order) const {
  return ref_addresses(buf, ndim, shape.data(), strides.data(), suboffsets_or_null(), order);
}

std::string Layout::describe() const {
  std::ostringstream out;
  const auto list = [&out](const std::vector<ssize> &values) {
    out << '[';
    for (std::size_t i = 0; i < values.size(); ++i) out << (i ? "," : "") << values[i];
    out << ']';
  };
  out << "ndim=" << ndim << " itemsize=" << itemsize << " shape=";
  list(shape);
  out << " strides=";
  list(strides);
  if (!suboffsets.empty()) {
    out << " suboffsets=";
    list(suboffsets);
  }
  return out.str();
}

}  // namespace pybuffer::unit
