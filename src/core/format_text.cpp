// The text errors CPython raises before it parses a format: PyUnicode_FromString decodes
// the bytes as strict UTF-8, then the struct module encodes the str as ASCII. Each reports
// the first failure only, with the span its exception carries:
//   - UnicodeDecodeError: byte offsets. A sequence cut short by the end of the string spans
//     to the end ("unexpected end of data"); a bad byte inside a sequence ends the span just
//     before it ("invalid continuation byte"); a byte that cannot start one spans itself.
//   - UnicodeEncodeError: code-point indices of the whole run of non-ASCII characters that
//     starts at the first one.
#include <cstring>

#include "format.hpp"

namespace pybuffer::core {
namespace {

constexpr bool is_continuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

struct Sequence {
  ssize length;  // bytes of a valid sequence, or of the span a failure reports
  bool valid;
  Utf8Problem problem;  // when !valid
};

// The UTF-8 sequence at s (s[0] >= 0x80), with `left` bytes before the terminating NUL.
// Overlong forms, surrogates and code points past U+10FFFF are refused through the range
// of the second byte, which is where CPython's decoder notices them too.
Sequence read_sequence(const unsigned char *s, ssize left) {
  const unsigned char lead = s[0];
  if (lead < 0xC2 || lead > 0xF4) return {1, false, Utf8Problem::invalid_start_byte};
  const int need = lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (lead == 0xE0) low = 0xA0;   // overlong below U+0800
  if (lead == 0xED) high = 0x9F;  // surrogates U+D800..U+DFFF
  if (lead == 0xF0) low = 0x90;   // overlong below U+10000
  if (lead == 0xF4) high = 0x8F;  // beyond U+10FFFF
  for (int i = 1; i < need; ++i) {
    if (i >= left) return {left, false, Utf8Problem::unexpected_end_of_data};
    const unsigned char b = s[i];
    const bool fits = i == 1 ? (b >= low && b <= high) : is_continuation(b);
    if (!fits) return {i, false, Utf8Problem::invalid_continuation_byte};
  }
  return {need, true, Utf8Problem::invalid_start_byte};
}

}  // namespace

FormatResult diagnose_format_text(const char *format) {
  const auto *s = reinterpret_cast<const unsigned char *>(format);
  const auto size = static_cast<ssize>(std::strlen(format));
  ssize first = 0;
  while (first < size && s[first] < 0x80) ++first;
  FormatResult result;
  if (first == size) return result;  // ASCII: no text error

  result.itemsize = -1;
  for (ssize at = first; at < size;) {
    if (s[at] < 0x80) {
      ++at;
      continue;
    }
    const Sequence sequence = read_sequence(s + at, size - at);
    if (!sequence.valid) {
      result.error = FormatError::not_utf8;
      result.offset = at;
      result.begin = at;
      result.end = at + sequence.length;
      result.utf8_problem = sequence.problem;
      return result;
    }
    at += sequence.length;
  }

  // Valid UTF-8 that is not ASCII. Everything before `first` is ASCII, so its byte offset
  // is also its index in code points.
  ssize characters = 0;
  for (ssize at = first; at < size && s[at] >= 0x80; ++characters) {
    at += read_sequence(s + at, size - at).length;
  }
  result.error = FormatError::not_ascii;
  result.offset = first;
  result.begin = first;
  result.end = first + characters;
  return result;
}

}  // namespace pybuffer::core
