#include "core/legacy_buffer.hpp"

#include "core/assert.hpp"

namespace pybuffer::core::legacy {
namespace {

Status error(Code code, ssize value) {
  Status s;
  s.code = code;
  s.value = value;
  return s;
}

}  // namespace

Status extent_of(ssize offset, ssize size, Extent *out) {
  if (size < 0 && size != end_of_buffer) return error(Code::negative_buffer_size, size);
  if (offset < 0) return error(Code::negative_buffer_offset, offset);
  *out = Extent{offset, size};
  return ok_status();
}

Status extent_over_object(ssize offset, ssize size, Extent *out) {
  if (offset < 0) return error(Code::negative_buffer_offset, offset);
  return extent_of(offset, size, out);
}

Status collapse_extent(Extent outer, ssize offset, ssize size, Extent *out) {
  PYBUFFER_ASSERT(outer.offset >= 0 && (outer.size >= 0 || outer.size == end_of_buffer));
  if (offset < 0) return error(Code::negative_buffer_offset, offset);
  if (outer.size != end_of_buffer) {
    // What is left of the outer buffer past `offset` bounds the new one; a request that
    // ends earlier keeps its size, and a negative size (not end_of_buffer) stays an error.
    const ssize left = outer.size > offset ? outer.size - offset : 0;
    if (size == end_of_buffer || size > left) size = left;
  }
  ssize total = 0;
  if (__builtin_add_overflow(offset, outer.offset, &total)) {
    if (size < 0 && size != end_of_buffer) return error(Code::negative_buffer_size, size);
    Status s = error(Code::buffer_offset_overflow, offset);
    s.expected = outer.offset;
    return s;
  }
  return extent_of(total, size, out);
}

Window window_in(ssize base_length, Extent extent) {
  PYBUFFER_ASSERT(base_length >= 0 && extent.offset >= 0);
  PYBUFFER_ASSERT(extent.size >= 0 || extent.size == end_of_buffer);
  const ssize start = extent.offset < base_length ? extent.offset : base_length;
  const ssize room = base_length - start;
  const ssize length = extent.size == end_of_buffer || extent.size > room ? room : extent.size;
  return Window{start, length};
}

long hash_bytes(const unsigned char *bytes, ssize count, long prefix, long suffix) {
  PYBUFFER_ASSERT(count >= 0 && (count == 0 || bytes != nullptr));
  if (count == 0) return 0;
  // Unsigned, so that the multiplication wraps as 2.7's signed one does in practice.
  using word = unsigned long;
  word x = static_cast<word>(prefix) ^ (static_cast<word>(bytes[0]) << 7);
  for (ssize i = 0; i < count; ++i) x = (1000003UL * x) ^ bytes[i];
  x ^= static_cast<word>(count);
  x ^= static_cast<word>(suffix);
  const long hash = static_cast<long>(x);
  return hash == -1 ? -2 : hash;
}

Status check_new_size(ssize size, ssize header) {
  PYBUFFER_ASSERT(header >= 0);
  if (size < 0) return error(Code::negative_buffer_size, size);
  ssize total = 0;
  if (__builtin_add_overflow(size, header, &total)) {
    Status s = error(Code::size_overflow, size);
    s.what = "buffer size";
    return s;
  }
  return ok_status();
}

}  // namespace pybuffer::core::legacy
