#include "layout.hpp"

#include <cstdint>
#include <cstring>
#include <limits>

#include "checked_math.hpp"

namespace pybuffer::core {
namespace {

constexpr ssize kMinStride = std::numeric_limits<ssize>::min();

}  // namespace

int packed_strides(int ndim, const ssize *shape, ssize itemsize, char order, ssize *strides) {
  ssize step = itemsize;
  int overflow = -1;
  for (int k = 0; k < ndim; ++k) {
    const int i = order == 'F' ? k : ndim - 1 - k;
    strides[i] = overflow >= 0 ? 0 : step;
    // The last dimension's product is no stride: it cannot overflow one.
    if (overflow < 0 && k < ndim - 1 && mul_overflows(step, shape[i], &step)) overflow = i;
  }
  return overflow;
}

int span(int ndim, const ssize *shape, const ssize *strides, Span *out) {
  ssize total = 0;  // sum of |stride| * steps: bounds both low and high
  ssize low = 0;
  ssize high = 0;
  for (int i = 0; i < ndim; ++i) {
    const ssize steps = shape[i] > 0 ? shape[i] - 1 : 0;
    ssize reach = 0;
    // abs_or_overflow saturates the most negative stride, which must not pass for one step.
    const bool unrepresentable = steps > 0 && strides[i] == kMinStride;
    if (unrepresentable || mul_overflows(abs_or_overflow(strides[i]), steps, &reach) ||
        add_overflows(total, reach, &total)) {
      return i;
    }
    if (strides[i] < 0) {
      low -= reach;
    } else {
      high += reach;
    }
  }
  out->low = low;
  out->high = high;
  return -1;
}

Status check_sizes(const View &view) {
  if (!ndim_in_range(view.ndim)) return {Code::ndim_out_of_range, -1, view.ndim};
  if (view.len < 0) return {Code::negative_len, -1, view.len};
  if (view.shape == nullptr) return ok_status();
  if (view.itemsize <= 0) return {Code::bad_itemsize, -1, view.itemsize};
  ssize bytes = view.itemsize;
  for (int i = 0; i < view.ndim; ++i) {
    if (view.shape[i] < 0) return {Code::negative_shape, i, view.shape[i]};
  }
  for (int i = 0; i < view.ndim; ++i) {
    if (mul_overflows(bytes, view.shape[i], &bytes)) {
      return {Code::size_overflow, -1, 0, 0, "the product of shape and itemsize"};
    }
  }
  if (bytes != view.len) return {Code::len_mismatch, -1, view.len, bytes};
  return ok_status();
}

Status check_geometry(const View &view, Geometry &out) {
  if (!ndim_in_range(view.ndim)) return {Code::ndim_out_of_range, -1, view.ndim};
  if (view.itemsize <= 0) return {Code::bad_itemsize, -1, view.itemsize};
  if (view.len < 0) return {Code::negative_len, -1, view.len};
  if (view.shape == nullptr && view.ndim > 1) return {Code::missing_shape, -1, view.ndim};
  if (view.suboffsets != nullptr && view.strides == nullptr && view.ndim > 0) {
    return {Code::missing_strides, -1, 0, 0, "it has suboffsets"};
  }
  out.buf = view.buf;
  out.itemsize = view.itemsize;
  out.ndim = view.ndim;
  out.suboffsets = view.suboffsets;
  if (view.ndim == 1 && view.shape == nullptr) {
    // A PyBUF_SIMPLE answer: one dimension whose extent is implied by len.
    out.shape[0] = view.len / view.itemsize;
  } else {
    for (int i = 0; i < view.ndim; ++i) {
      if (view.shape[i] < 0) return {Code::negative_shape, i, view.shape[i]};
      out.shape[i] = view.shape[i];
    }
  }
  ssize items = 1;
  for (int i = 0; i < view.ndim; ++i) {
    if (mul_overflows(items, out.shape[i], &items)) {
      return {Code::size_overflow, -1, 0, 0, "the product of shape"};
    }
  }
  ssize bytes = 0;
  if (mul_overflows(items, view.itemsize, &bytes)) {
    return {Code::size_overflow, -1, 0, 0, "the product of shape and itemsize"};
  }
  if (bytes != view.len) return {Code::len_mismatch, -1, view.len, bytes};
  out.items = items;
  if (view.strides != nullptr) {
    Span reached;
    const int overflow = span(view.ndim, out.shape, view.strides, &reached);
    if (overflow >= 0) return {Code::size_overflow, overflow, 0, 0, "strides times shape"};
    for (int i = 0; i < view.ndim; ++i) out.strides[i] = view.strides[i];
  } else {
    // Bounded by len unless an extent is 0: an empty view's packed strides can still overflow.
    const int overflow = packed_strides(view.ndim, out.shape, view.itemsize, 'C', out.strides);
    if (overflow >= 0) return {Code::size_overflow, overflow, 0, 0, "the contiguous strides"};
  }
  return ok_status();
}

namespace {
// Index i of a GetPointer call addresses an item of dimension i.
Status check_index(const View &view, int i, ssize index) {
  if (view.shape[i] < 0) return {Code::negative_shape, i, view.shape[i]};
  if (index < 0 || index >= view.shape[i]) {
    return {Code::index_out_of_range, i, index, view.shape[i]};
  }
  return ok_status();
}
}  // namespace

void step_index(int ndim, ssize *index, const ssize *shape, char order) {
  PYBUFFER_ASSERT(ndim <= 0 || (index != nullptr && shape != nullptr));
  const int first = order == 'F' ? 0 : ndim - 1;
  const int step = order == 'F' ? 1 : -1;
  for (int k = first, n = 0; n < ndim; k += step, ++n) {
    const auto last = static_cast<ssize>(static_cast<std::size_t>(shape[k]) - 1);
    if (index[k] < last) {
      ++index[k];
      return;
    }
    index[k] = 0;
  }
}

Status pointer_at(const View &view, const ssize *indices, void **out) {
  if (find_direct_item(view, indices, out)) return ok_status();
  if (!ndim_in_range(view.ndim)) return {Code::ndim_out_of_range, -1, view.ndim};
  if (view.ndim > 0 && indices == nullptr) return {Code::null_argument, -1, 0, 0, "indices"};
  if (view.ndim > 0 && view.strides == nullptr) {
    return {Code::missing_strides, -1, 0, 0, "it has no strides to step by"};
  }
  // Every index is checked before the first step: a pointer table is read only when the
  // whole index addresses an item (an empty view may have no tables, or buf NULL).
  for (int i = 0; i < view.ndim && view.shape != nullptr; ++i) {
    const Status checked = check_index(view, i, indices[i]);
    if (!checked.ok()) return checked;
  }
  // Integer arithmetic, as in find_direct_item: a stride times an index need not point into
  // any object until the last step.
  std::uintptr_t address = reinterpret_cast<std::uintptr_t>(view.buf);
  for (int i = 0; i < view.ndim; ++i) {
    address +=
        static_cast<std::uintptr_t>(view.strides[i]) * static_cast<std::uintptr_t>(indices[i]);
    if (view.suboffsets != nullptr && view.suboffsets[i] >= 0) {
      // Pointer tables promise no alignment to the reader.
      std::uintptr_t stored;
      std::memcpy(&stored, reinterpret_cast<const void *>(address), sizeof stored);
      address = stored + static_cast<std::uintptr_t>(view.suboffsets[i]);
    }
  }
  *out = reinterpret_cast<void *>(address);
  return ok_status();
}

Status fill_contiguous_strides(int ndim, const ssize *shape, ssize *strides, ssize itemsize,
                               char order) {
  if (!ndim_in_range(ndim)) return {Code::ndim_out_of_range, -1, ndim};
  if (ndim == 0) return ok_status();
  if (shape == nullptr) return {Code::null_argument, -1, 0, 0, "shape"};
  if (strides == nullptr) return {Code::null_argument, -1, 0, 0, "strides"};
  // Computed aside first: the caller's strides are written only when all are representable.
  ssize packed[max_ndim];
  const int overflow = packed_strides(ndim, shape, itemsize, order, packed);
  if (overflow >= 0) return {Code::size_overflow, overflow, 0, 0, "the contiguous strides"};
  std::memcpy(strides, packed, static_cast<std::size_t>(ndim) * sizeof *strides);
  return ok_status();
}

namespace {
// Packed in the order asked for and multiplying out to len. With len > 0 an extent below 1
// cannot match it (the product is 0 or reported as -1), nor can an overflowing one, so this
// is false wherever check_sizes would refuse the view.
bool is_packed_block(const View &view, int first, int step) {
  ssize bytes = 0;
  return is_packed(view, first, step, &bytes) && bytes == view.len;
}
}  // namespace

namespace detail {

bool is_one_block_general(const View &view, char order) {
  const bool common = view.suboffsets == nullptr && view.shape != nullptr &&
                      view.strides != nullptr && view.len > 0 && view.itemsize > 0 &&
                      view.ndim >= 1 && view.ndim <= max_ndim;
  if (!common) return check_sizes(view).ok() && is_contiguous(view, order);
  switch (order) {
    case 'C':
      return is_packed_block(view, view.ndim - 1, -1);
    case 'F':
      return is_packed_block(view, 0, 1);
    case 'A':
      return is_packed_block(view, view.ndim - 1, -1) || is_packed_block(view, 0, 1);
    default:
      return false;
  }
}

}  // namespace detail

}  // namespace pybuffer::core
