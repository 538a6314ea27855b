// Size and alignment of each format character, natively and in the standard sizes, for the
// struct dialect and the PEP 3118 dialect of the format engine. Internal to core.
#pragma once

#include <cstddef>

namespace pybuffer::core::format_codes {

/// size 0 means "not a format character here"; align 0 means "never aligned".
struct Measure {
  unsigned char size;
  unsigned char align;
};

// CPython measures a native alignment as the offset of a T that follows a char in a struct,
// not as alignof(T): on some ABIs (i386) a double member sits at offset 4 although alignof
// says 8. Measuring the same way keeps every platform identical to its struct module.
template <typename T>
struct AlignProbe {
  char c;
  T x;
};
template <typename T>
inline constexpr Measure native = {static_cast<unsigned char>(sizeof(T)),
                                   static_cast<unsigned char>(offsetof(AlignProbe<T>, x))};

// C's float _Complex and double _Complex are laid out as two parts of the real type.
struct FloatComplex {
  float parts[2];
};
struct DoubleComplex {
  double parts[2];
};
struct LongDoubleComplex {
  long double parts[2];
};

/// The struct module's native table ('@'): the C types of the compiler that built the host,
/// which is the compiler ABI this library runs under too.
constexpr Measure struct_native(unsigned char c) {
  switch (c) {
    case 'x':
    case 'c':
    case 'b':
    case 'B':
    case 's':
    case 'p':
      return {1, 0};  // CPython never aligns these, whatever char's alignment
    case '?':
      return native<bool>;  // C++'s bool is C's _Bool on every supported ABI
    case 'h':
    case 'H':
    case 'e':  // half floats are stored in a short
      return native<short>;
    case 'i':
    case 'I':
      return native<int>;
    case 'l':
    case 'L':
      return native<long>;
    case 'q':
    case 'Q':
      return native<long long>;
    case 'n':
    case 'N':
      return native<std::size_t>;
    case 'f':
      return native<float>;
    case 'd':
      return native<double>;
    case 'P':
      return native<void *>;
    default:
      return {0, 0};
  }
}

/// The struct module's standard table ('<', '>', '!', '='): fixed sizes, no alignment and
/// no n, N or P.
constexpr Measure struct_standard(unsigned char c) {
  switch (c) {
    case 'x':
    case 'c':
    case 'b':
    case 'B':
    case '?':
    case 's':
    case 'p':
      return {1, 0};
    case 'h':
    case 'H':
    case 'e':
      return {2, 0};
    case 'i':
    case 'I':
    case 'l':
    case 'L':
    case 'f':
      return {4, 0};
    case 'q':
    case 'Q':
    case 'd':
      return {8, 0};
    default:
      return {0, 0};
  }
}

/// 'F' and 'D', which the struct module has from CPython 3.14 on.
constexpr Measure struct_complex(unsigned char c, bool native_mode) {
  if (c == 'F') return native_mode ? native<FloatComplex> : Measure{8, 0};
  if (c == 'D') return native_mode ? native<DoubleComplex> : Measure{16, 0};
  return {0, 0};
}

// The character classes both dialects skip and count with, as CPython's struct module.
constexpr bool is_space(unsigned char c) {
  return c == ' ' || (c >= '\t' && c <= '\r');  // CPython's Py_ISSPACE
}

constexpr bool is_digit(unsigned char c) {
  return c >= '0' && c <= '9';
}

}  // namespace pybuffer::core::format_codes
