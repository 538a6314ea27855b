#include "reference_model.hpp"

#include <cstring>
#include <limits>

namespace pybuffer_test {

Wide wide_mul(Wide a, Wide b) {
  if (a == 0 || b == 0) return 0;
  const Wide size_a = a < 0 ? -a : a;
  const Wide size_b = b < 0 ? -b : b;
  const Wide size = size_a >= too_big || size_b >= too_big || size_a > too_big / size_b
                        ? too_big
                        : size_a * size_b;
  return (a < 0) != (b < 0) ? -size : size;
}

bool fits_ssize(Wide value) {
  return value >= std::numeric_limits<ssize>::min() && value <= std::numeric_limits<ssize>::max();
}

Wide extent_product(const ssize *shape, int first, int last) {
  Wide product = 1;
  for (int i = first; i < last; ++i) product = wide_mul(product, shape[i]);
  return product;
}

bool ref_is_c_contiguous(const pybuffer::core::View &view) {
  if (view.len == 0 || view.strides == nullptr) return true;
  for (int i = 0; i < view.ndim; ++i) {
    if (view.shape[i] <= 1) continue;
    const Wide packed = wide_mul(view.itemsize, extent_product(view.shape, i + 1, view.ndim));
    if (Wide{view.strides[i]} != packed) return false;
  }
  return true;
}

bool ref_is_f_contiguous(const pybuffer::core::View &view) {
  if (view.len == 0) return true;
  if (view.strides == nullptr) {
    if (view.ndim <= 1) return true;
    int longer_than_one = 0;
    for (int i = 0; i < view.ndim; ++i) longer_than_one += view.shape[i] > 1 ? 1 : 0;
    return longer_than_one <= 1;
  }
  for (int i = 0; i < view.ndim; ++i) {
    if (view.shape[i] <= 1) continue;
    const Wide packed = wide_mul(view.itemsize, extent_product(view.shape, 0, i));
    if (Wide{view.strides[i]} != packed) return false;
  }
  return true;
}

bool ref_is_contiguous(const pybuffer::core::View &view, char order) {
  if (view.suboffsets != nullptr) return false;
  if (order == 'C') return ref_is_c_contiguous(view);
  if (order == 'F') return ref_is_f_contiguous(view);
  if (order == 'A') return ref_is_c_contiguous(view) || ref_is_f_contiguous(view);
  return false;
}

std::vector<Wide> ref_packed_strides(int ndim, const ssize *shape, ssize itemsize, char order) {
  std::vector<Wide> strides(static_cast<std::size_t>(ndim));
  for (int i = 0; i < ndim; ++i) {
    const Wide others =
        order == 'F' ? extent_product(shape, 0, i) : extent_product(shape, i + 1, ndim);
    strides[static_cast<std::size_t>(i)] = wide_mul(itemsize, others);
  }
  return strides;
}

void for_each_index(int ndim, const ssize *shape, char order,
                    const std::function<void(const ssize *)> &visit) {
  for (int i = 0; i < ndim; ++i) {
    if (shape[i] == 0) return;
  }
  std::vector<ssize> index(static_cast<std::size_t>(ndim) + 1, 0);  // +1: never empty
  for (;;) {
    visit(index.data());
    // Odometer: the fastest dimension is the last for C order, the first for Fortran.
    int k = 0;
    for (; k < ndim; ++k) {
      const int d = order == 'F' ? k : ndim - 1 - k;
      if (++index[static_cast<std::size_t>(d)] < shape[d]) break;
      index[static_cast<std::size_t>(d)] = 0;
    }
    if (k == ndim) return;
  }
}

char *ref_address(char *buf, int ndim, const ssize *strides, const ssize *suboffsets,
                  const ssize *index) {
  char *p = buf;
  for (int i = 0; i < ndim; ++i) {
    p += strides[i] * index[i];
    if (suboffsets != nullptr && suboffsets[i] >= 0) {
      char *stored;
      std::memcpy(&stored, p, sizeof stored);
      p = stored + suboffsets[i];
    }
  }
  return p;
}

std::vector<char *> ref_addresses(char *buf, int ndim, const ssize *shape, const ssize *strides,
                                  const ssize *suboffsets, char order) {
  std::vector<char *> addresses;
  for_each_index(ndim, shape, order, [&](const ssize *index) {
    addresses.push_back(ref_address(buf, ndim, strides, suboffsets, index));
  });
  return addresses;
}

std::vector<char *> packed_addresses(char *base, ssize count, ssize itemsize) {
  std::vector<char *> addresses;
  for (ssize k = 0; k < count; ++k) addresses.push_back(base + k * itemsize);
  return addresses;
}

void ref_copy(const std::vector<char *> &dst, const std::vector<char *> &src, std::size_t count,
              ssize itemsize, const char *dst_base, std::vector<unsigned char> &image) {
  const auto size = static_cast<std::size_t>(itemsize);
  std::vector<unsigned char> temporary(count * size);
  for (std::size_t k = 0; k < count; ++k) std::memcpy(&temporary[k * size], src[k], size);
  for (std::size_t k = 0; k < count; ++k) {
    std::memcpy(&image[static_cast<std::size_t>(dst[k] - dst_base)], &temporary[k * size], size);
  }
}

}  // namespace pybuffer_test
