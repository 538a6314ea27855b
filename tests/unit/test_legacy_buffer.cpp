// Python 2.7's buffer-object arithmetic (core/legacy_buffer) against a model written from
// what a buffer means: the bytes buffer(base, offset, size) shows are the slice
// base[offset : offset + size] (to the end for end_of_buffer), cut to the base as it is at
// that moment; a buffer of a buffer shows the slice of that slice. The model slices real
// byte vectors; it knows nothing of the stored extents or of collapsing.
#include <cstring>
#include <limits>
#include <optional>
#include <vector>

#include <gtest/gtest.h>

#include "core/legacy_buffer.hpp"

namespace pybuffer::unit {
namespace {

using core::Code;
using core::Status;
using core::legacy::end_of_buffer;
using core::legacy::Extent;
using Bytes = std::vector<int>;

constexpr core::ssize max_ssize = std::numeric_limits<core::ssize>::max();

// Python's bytes[offset:offset+size] for offset >= 0 and size >= 0 (or all of it).
Bytes slice(const Bytes &bytes, core::ssize offset, core::ssize size) {
  Bytes out;
  for (core::ssize i = offset; i < static_cast<core::ssize>(bytes.size()); ++i) {
    if (size != end_of_buffer && i - offset >= size) break;
    out.push_back(bytes[static_cast<std::size_t>(i)]);
  }
  return out;
}

Bytes numbered(core::ssize length) {
  Bytes out;
  for (core::ssize i = 0; i < length; ++i) out.push_back(static_cast<int>(100 + i));
  return out;
}

// What the library's window selects of `base`.
Bytes shown(const Bytes &base, Extent extent) {
  const core::legacy::Window w =
      core::legacy::window_in(static_cast<core::ssize>(base.size()), extent);
  EXPECT_GE(w.start, 0);
  EXPECT_GE(w.length, 0);
  EXPECT_LE(w.start + w.length, static_cast<core::ssize>(base.size()));
  Bytes out;
  for (core::ssize i = 0; i < w.length; ++i)
    out.push_back(base[static_cast<std::size_t>(w.start + i)]);
  return out;
}

const core::ssize sizes[] = {end_of_buffer, 0, 1, 2, 3, 5, 8};
const core::ssize offsets[] = {0, 1, 2, 3, 5, 8};
const core::ssize lengths[] = {0, 1, 2, 4, 7};

TEST(LegacyBuffer, ExtentKeepsTheArgumentsAndShowsTheClampedSlice) {
  for (core::ssize offset : offsets) {
    for (core::ssize size : sizes) {
      Extent e;
      ASSERT_TRUE(core::legacy::extent_of(offset, size, &e).ok());
      EXPECT_EQ(e.offset, offset);
      EXPECT_EQ(e.size, size);
      // The same extent over bases of any length, as a resized bytearray would be.
      for (core::ssize length : lengths) {
        const Bytes base = numbered(length);
        EXPECT_EQ(shown(base, e), slice(base, offset, size))
            << "offset " << offset << " size " << size << " base " << length;
      }
    }
  }
}

TEST(LegacyBuffer, BufferOfBufferShowsTheSliceOfTheSlice) {
  for (core::ssize o1 : offsets) {
    for (core::ssize s1 : sizes) {
      for (core::ssize o2 : offsets) {
        for (core::ssize s2 : sizes) {
          Extent outer, inner;
          ASSERT_TRUE(core::legacy::extent_of(o1, s1, &outer).ok());
          ASSERT_TRUE(core::legacy::collapse_extent(outer, o2, s2, &inner).ok());
          EXPECT_EQ(inner.offset, o1 + o2);  // offsets add
          // An unbounded outer buffer leaves the inner size as asked.
          if (s1 == end_of_buffer) {
            EXPECT_EQ(inner.size, s2);
          }
          for (core::ssize length : lengths) {
            const Bytes base = numbered(length);
            EXPECT_EQ(shown(base, inner), slice(slice(base, o1, s1), o2, s2))
                << o1 << "," << s1 << " then " << o2 << "," << s2 << " base " << length;
          }
        }
      }
    }
  }
}

TEST(LegacyBuffer, ArgumentErrorsInTwoSevensOrder) {
  Extent e{7, 7};
  // A fresh buffer: the size is checked before the offset.
  EXPECT_EQ(core::legacy::extent_of(-1, -2, &e).code, Code::negative_buffer_size);
  EXPECT_EQ(core::legacy::extent_of(-1, 0, &e).code, Code::negative_buffer_offset);
  EXPECT_EQ(core::legacy::extent_of(0, -5, &e).value, -5);
  EXPECT_TRUE(core::legacy::extent_of(0, end_of_buffer, &e).ok());
  // A buffer of an object: the offset is checked first.
  EXPECT_EQ(core::legacy::extent_over_object(-1, -2, &e).code, Code::negative_buffer_offset);
  EXPECT_EQ(core::legacy::extent_over_object(0, -2, &e).code, Code::negative_buffer_size);
  ASSERT_TRUE(core::legacy::extent_over_object(3, end_of_buffer, &e).ok());
  EXPECT_EQ(e.offset, 3);
  EXPECT_EQ(e.size, end_of_buffer);
  // A buffer of a buffer: the offset is checked first, before collapsing.
  const Extent outer{2, 3};
  EXPECT_EQ(core::legacy::collapse_extent(outer, -1, -2, &e).code, Code::negative_buffer_offset);
  EXPECT_EQ(core::legacy::collapse_extent(outer, 0, -2, &e).code, Code::negative_buffer_size);
  EXPECT_EQ(core::legacy::collapse_extent(Extent{2, end_of_buffer}, 0, -2, &e).code,
            Code::negative_buffer_size);
  // Where 2.7's sum of offsets overflows, the library refuses.
  e = Extent{7, 7};
  const Status s = core::legacy::collapse_extent(Extent{max_ssize, end_of_buffer}, 1, 0, &e);
  EXPECT_EQ(s.code, Code::buffer_offset_overflow);
  EXPECT_EQ(s.expected, max_ssize);
  EXPECT_EQ(e.offset, 7);  // nothing written on failure
}

TEST(LegacyBuffer, HugeExtentsStayInsideTheBase) {
  EXPECT_EQ(shown(numbered(4), Extent{max_ssize, max_ssize}), Bytes{});
  EXPECT_EQ(shown(numbered(4), Extent{1, max_ssize}), slice(numbered(4), 1, end_of_buffer));
}

// 2.7 hashes a read-only buffer as the str of its bytes: the values are CPython 2.7.18's
// hash('a') and hash('hello') on x86-64 with hash randomisation off (prefix = suffix = 0).
TEST(LegacyBuffer, HashIsTheStrHashOf27) {
  const auto hash = [](const char *text, long prefix = 0, long suffix = 0) {
    return core::legacy::hash_bytes(reinterpret_cast<const unsigned char *>(text),
                                    static_cast<core::ssize>(std::strlen(text)), prefix, suffix);
  };
  EXPECT_EQ(hash(""), 0);
  EXPECT_EQ(hash("", 5, 7), 0);  // 2.7 leaves the empty hash unsalted
  EXPECT_EQ(hash("a"), 12416037344L);
  EXPECT_EQ(hash("hello"), 840651671246116861L);
  // The salt enters at both ends: the prefix before the first byte, the suffix at the end.
  EXPECT_EQ(hash("a", 0, 1), 12416037344L ^ 1);
  EXPECT_NE(hash("a", 1, 0), hash("a"));
}

TEST(LegacyBuffer, NewSize) {
  EXPECT_TRUE(core::legacy::check_new_size(0, 48).ok());
  EXPECT_TRUE(core::legacy::check_new_size(max_ssize - 48, 48).ok());
  EXPECT_EQ(core::legacy::check_new_size(-1, 48).code, Code::negative_buffer_size);
  EXPECT_EQ(core::legacy::check_new_size(max_ssize - 47, 48).code, Code::size_overflow);
}

}  // namespace
}  // namespace pybuffer::unit
