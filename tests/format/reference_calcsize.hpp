// A naive model of struct.calcsize for ASCII formats: the rules written plainly, with
// 128-bit sums that cannot overflow, compared with PY_SSIZE_T_MAX after every step. Shared
// by the core unit test and the fuzzer as their independent expectation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>

#include "core/format.hpp"

namespace format_test {

struct ReferenceResult {
  pybuffer::core::FormatError error = pybuffer::core::FormatError::none;
  __int128 size = 0;
};

/// Natively sized codes use the compiler's sizeof and alignof (equal to CPython's
/// offset-in-struct measure on x86-64 and arm64, the platforms this suite runs on).
inline bool reference_measure(char code, bool native, __int128 *size, __int128 *align) {
  const std::string known = native ? "xcbB?hHiIlLqQnNefdspP" : "xcbB?hHiIlLqQefdsp";
  if (code == '\0' || known.find(code) == std::string::npos) return false;
  switch (code) {
    case 'h':
    case 'H':
    case 'e':
      *size = native ? sizeof(short) : 2;
      *align = alignof(short);
      break;
    case 'i':
    case 'I':
      *size = native ? sizeof(int) : 4;
      *align = alignof(int);
      break;
    case 'l':
    case 'L':
      *size = native ? sizeof(long) : 4;
      *align = alignof(long);
      break;
    case 'q':
    case 'Q':
      *size = 8;
      *align = alignof(long long);
      break;
    case 'n':
    case 'N':
      *size = sizeof(std::size_t);
      *align = alignof(std::size_t);
      break;
    case 'P':
      *size = sizeof(void *);
      *align = alignof(void *);
      break;
    case 'f':
      *size = 4;
      *align = alignof(float);
      break;
    case 'd':
      *size = 8;
      *align = alignof(double);
      break;
    default:
      *size = 1;
      *align = 1;
      break;
  }
  if (!native) *align = 1;
  return true;
}

inline ReferenceResult reference_calcsize(const std::string &format) {
  using pybuffer::core::FormatError;
  const __int128 max = std::numeric_limits<std::ptrdiff_t>::max();
  std::size_t i = 0;
  bool native = true;
  if (!format.empty() && std::string("@=<>!").find(format[0]) != std::string::npos) {
    native = format[0] == '@';
    ++i;
  }
  ReferenceResult out;
  while (i < format.size()) {
    const char c = format[i++];
    if (c == ' ' || (c >= '\t' && c <= '\r')) continue;
    __int128 count = 1;
    char code = c;
    if (c >= '0' && c <= '9') {
      count = c - '0';
      while (i < format.size() && format[i] >= '0' && format[i] <= '9') {
        count = count * 10 + (format[i++] - '0');
        if (count > max) return {FormatError::too_long, 0};
      }
      if (i == format.size()) return {FormatError::count_without_code, 0};
      code = format[i++];
    }
    __int128 size = 0;
    __int128 align = 1;
    if (!reference_measure(code, native, &size, &align)) return {FormatError::bad_char, 0};
    if (out.size > 0 && out.size % align != 0) out.size += align - out.size % align;
    if (out.size > max) return {FormatError::too_long, 0};
    out.size += count * size;
    if (out.size > max) return {FormatError::too_long, 0};
  }
  return out;
}

}  // namespace format_test
