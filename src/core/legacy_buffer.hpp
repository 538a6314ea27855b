// Python 2.7's buffer objects, as arithmetic: what `buffer(base, offset, size)` remembers,
// what a buffer of a buffer becomes, and which window of its base's memory it shows.
//
// A 2.7 buffer object stores the offset and size it was asked for (size may be
// end_of_buffer) and applies them to its base's memory afresh at every access, because the
// base (a bytearray, an array) may have changed length since. So there are two steps:
//   extent_of(...)   the arguments -> the stored extent (or the argument error), once;
//   window_in(...)   the stored extent + the base's current length -> bytes shown, each time.
// A buffer made of another buffer that has a base never nests: it is collapsed onto that base
// (offsets add, and a bounded outer size bounds the inner one), so window_in never recurses.
#pragma once

#include "core/status.hpp"
#include "core/types.hpp"

namespace pybuffer::core::legacy {

/// 2.7's Py_END_OF_BUFFER: "up to the end of the base, whatever its length then".
inline constexpr ssize end_of_buffer = -1;

/// What a buffer object remembers of its arguments: 2.7's b_offset and b_size.
struct Extent {
  ssize offset = 0;
  ssize size = end_of_buffer;  // >= 0, or end_of_buffer
};

/// The bytes a buffer shows of its base's memory at one access: [start, start + length).
struct Window {
  ssize start = 0;
  ssize length = 0;
};

/// The extent a new buffer over an object that is not itself a buffer remembers
/// (FromObject, FromReadWriteObject, and FromMemory with offset 0). Errors, in 2.7's order:
/// negative_buffer_size (size < 0 and not end_of_buffer), then negative_buffer_offset.
Status extent_of(ssize offset, ssize size, Extent *out);

/// The extent a new buffer over an object remembers when that object is not a buffer with a
/// base (FromObject, FromReadWriteObject): as extent_of, but the offset is checked first.
Status extent_over_object(ssize offset, ssize size, Extent *out);

/// The extent of a buffer made of `outer`, a buffer that has a base object, with the
/// requested `offset` and `size`: it is remembered against outer's base. Errors, in 2.7's
/// order: negative_buffer_offset (checked before collapsing), negative_buffer_size,
/// buffer_offset_overflow (the two offsets' sum exceeds Py_ssize_t, where 2.7 overflows).
Status collapse_extent(Extent outer, ssize offset, ssize size, Extent *out);

/// The window `extent` shows of a base whose memory is now `base_length` bytes: the offset
/// and the end are both clamped to the base, so a buffer never reaches outside it (it may
/// be empty). Assumptions: base_length >= 0, extent as made by the functions above.
Window window_in(ssize base_length, Extent extent);

/// 2.7's hash of a read-only buffer's bytes (the hash of a str with the same bytes): 0 for
/// no bytes, else the multiply-xor walk salted with the interpreter's hash secret
/// (`prefix`, `suffix`: 2.7's _Py_HashSecret, both 0 unless hash randomisation is on); -1,
/// the C API's error value, becomes -2. Arithmetic wraps in the width of a C long.
long hash_bytes(const unsigned char *bytes, ssize count, long prefix, long suffix);

/// PyBuffer_New's size check: negative_buffer_size for size < 0 (2.7's ValueError), and
/// size_overflow when `header` bytes plus `size` exceed Py_ssize_t (2.7's MemoryError).
Status check_new_size(ssize size, ssize header);

}  // namespace pybuffer::core::legacy
