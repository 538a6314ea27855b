// The format engine alone, no Python: expectations come from the C++ compiler's own layout
// of the equivalent structs (sizeof, offsetof, alignof) and from a naive reference model
// that computes struct.calcsize with 128-bit integers, so that it needs no overflow logic.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <random>
#include <string>

#include "core/format.hpp"
#include "reference_calcsize.hpp"

namespace {

using pybuffer::core::FormatError;
using pybuffer::core::FormatResult;
using pybuffer::core::pep3118_calcsize;
using pybuffer::core::StructDialect;
using pybuffer::core::Utf8Problem;

constexpr std::ptrdiff_t kMax = std::numeric_limits<std::ptrdiff_t>::max();

FormatResult strict(const std::string &format, bool complex_codes = false) {
  return pybuffer::core::struct_calcsize(format.c_str(), StructDialect{complex_codes});
}

std::ptrdiff_t size_of(const std::string &format) {
  const FormatResult r = strict(format);
  EXPECT_TRUE(r.ok()) << format;
  return r.itemsize;
}

struct CharInt {
  char c;
  int i;
};
struct CharPad3Int {
  char c;
  char pad[3];
  int i;
};
struct CharDouble {
  char c;
  double d;
};
struct IntUChar {
  int a;
  unsigned char b;
};
struct Inner {
  double x;
  short y;
};
struct Outer {
  unsigned char a;
  Inner b;
  int c[2][3];
};

TEST(StructCalcsize, SizesAreTheCompilersTypes) {
  EXPECT_EQ(size_of(""), 0);
  EXPECT_EQ(size_of("c"), 1);
  EXPECT_EQ(size_of("?"), static_cast<std::ptrdiff_t>(sizeof(bool)));
  EXPECT_EQ(size_of("h"), static_cast<std::ptrdiff_t>(sizeof(short)));
  EXPECT_EQ(size_of("i"), static_cast<std::ptrdiff_t>(sizeof(int)));
  EXPECT_EQ(size_of("l"), static_cast<std::ptrdiff_t>(sizeof(long)));
  EXPECT_EQ(size_of("q"), static_cast<std::ptrdiff_t>(sizeof(long long)));
  EXPECT_EQ(size_of("n"), static_cast<std::ptrdiff_t>(sizeof(std::size_t)));
  EXPECT_EQ(size_of("P"), static_cast<std::ptrdiff_t>(sizeof(void *)));
  EXPECT_EQ(size_of("d"), static_cast<std::ptrdiff_t>(sizeof(double)));
  EXPECT_EQ(size_of("e"), 2);
  EXPECT_EQ(size_of("=l"), 4);  // standard sizes, whatever long is here
  EXPECT_EQ(size_of("<q"), 8);
}

TEST(StructCalcsize, NativeAlignmentButNoTrailingPadding) {
  EXPECT_EQ(size_of("ci"), static_cast<std::ptrdiff_t>(offsetof(CharInt, i) + sizeof(int)));
  EXPECT_EQ(size_of("c0i"), static_cast<std::ptrdiff_t>(offsetof(CharInt, i)));
  EXPECT_EQ(size_of("c3xi"), static_cast<std::ptrdiff_t>(offsetof(CharPad3Int, i) + sizeof(int)));
  EXPECT_EQ(size_of("cd"), static_cast<std::ptrdiff_t>(offsetof(CharDouble, d) + sizeof(double)));
  EXPECT_EQ(size_of("ic"), static_cast<std::ptrdiff_t>(sizeof(int) + 1));
  EXPECT_EQ(size_of("<ci"), 5);
  EXPECT_EQ(size_of("= c i"), 5);
  EXPECT_EQ(pybuffer::core::struct_alignment("cd", {}),
            static_cast<std::ptrdiff_t>(offsetof(CharDouble, d)));
  EXPECT_EQ(pybuffer::core::struct_alignment("c0h", {}), 2);  // aligned even for count 0
  EXPECT_EQ(pybuffer::core::struct_alignment("<cd", {}), 1);
  EXPECT_EQ(pybuffer::core::struct_alignment("3s", {}), 1);
}

TEST(StructCalcsize, Errors) {
  FormatResult r = strict("iZ");
  EXPECT_EQ(r.error, FormatError::bad_char);
  EXPECT_EQ(r.offset, 1);
  EXPECT_EQ(strict("<n").error, FormatError::bad_char);
  EXPECT_EQ(strict(" <i").error, FormatError::bad_char);
  EXPECT_EQ(strict("3 i").error, FormatError::bad_char);
  EXPECT_EQ(strict("i3").error, FormatError::count_without_code);
  EXPECT_EQ(strict("F").error, FormatError::bad_char);
  EXPECT_EQ(strict("F", true).itemsize, 8);
  EXPECT_EQ(strict("<cD", true).itemsize, 17);
}

TEST(StructCalcsize, OverflowAtTheLimit) {
  const std::string max = std::to_string(kMax);
  EXPECT_EQ(size_of(max + "x"), kMax);
  EXPECT_EQ(size_of(max + "x0c"), kMax);
  EXPECT_EQ(strict(max + "xc").error, FormatError::too_long);
  EXPECT_EQ(strict("9223372036854775808x").error, FormatError::too_long);
  EXPECT_EQ(strict("99999999999999999999").error, FormatError::too_long);  // before the NUL
  EXPECT_EQ(strict(std::to_string(kMax / 8) + "q").itemsize, kMax / 8 * 8);
  EXPECT_EQ(strict(std::to_string(kMax / 8 + 1) + "q").error, FormatError::too_long);
  // Aligning kMax - 6 up to 8 is not representable, even for a count of zero.
  EXPECT_EQ(strict(std::to_string(kMax - 6) + "x0q").error, FormatError::too_long);
  EXPECT_EQ(size_of(std::to_string(kMax - 7) + "x0q"), kMax - 7);
}

TEST(StructCalcsize, TextErrorsComeFirst) {
  FormatResult r = strict("Z\xff");
  EXPECT_EQ(r.error, FormatError::not_utf8);
  EXPECT_EQ(r.begin, 1);
  EXPECT_EQ(r.end, 2);
  EXPECT_EQ(r.utf8_problem, Utf8Problem::invalid_start_byte);

  r = strict("ia\xe2\x82");
  EXPECT_EQ(r.error, FormatError::not_utf8);
  EXPECT_EQ(r.begin, 2);
  EXPECT_EQ(r.end, 4);
  EXPECT_EQ(r.utf8_problem, Utf8Problem::unexpected_end_of_data);

  r = strict("\xf0\x90(\xbc");
  EXPECT_EQ(r.utf8_problem, Utf8Problem::invalid_continuation_byte);
  EXPECT_EQ(r.end - r.begin, 2);

  r = strict("\xed\xa0\x80");  // a surrogate: the second byte is already out of range
  EXPECT_EQ(r.utf8_problem, Utf8Problem::invalid_continuation_byte);
  EXPECT_EQ(r.end - r.begin, 1);

  // "ab" then U+00E9 U+20AC then "i" then U+00E9: the first run is code points 2..3.
  r = strict("ab\xc3\xa9\xe2\x82\xaci\xc3\xa9");
  EXPECT_EQ(r.error, FormatError::not_ascii);
  EXPECT_EQ(r.begin, 2);
  EXPECT_EQ(r.end, 4);
  EXPECT_EQ(strict("99999999999999999999\xc3\xa9").error, FormatError::not_ascii);
}

TEST(StructCalcsize, AgreesWithTheNaiveModel) {
  std::mt19937_64 rng(20240611);
  const std::string alphabet = "xcbB?hHiIlLqQnNefdspP0123456789 \tZg@<";
  const std::string huge[] = {std::to_string(kMax), std::to_string(kMax / 8),
                              std::to_string(kMax - 7), "9223372036854775808"};
  for (int n = 0; n < 100000; ++n) {
    std::string format;
    if (rng() % 3 == 0) format += "@=<>!"[rng() % 5];
    const std::size_t length = rng() % 12;
    for (std::size_t k = 0; k < length; ++k) {
      if (rng() % 16 == 0) format += huge[rng() % 4];
      format += alphabet[rng() % alphabet.size()];
    }
    const format_test::ReferenceResult expected = format_test::reference_calcsize(format);
    const FormatResult actual = strict(format);
    ASSERT_EQ(actual.error, expected.error) << '"' << format << '"';
    if (expected.error == FormatError::none) {
      ASSERT_EQ(actual.itemsize, static_cast<std::ptrdiff_t>(expected.size))
          << '"' << format << '"';
    }
  }
}

FormatResult extended(const std::string &format) {
  return pep3118_calcsize(format.c_str());
}

void expect_layout(const std::string &format, std::size_t size, std::size_t align) {
  const FormatResult r = extended(format);
  ASSERT_TRUE(r.ok()) << format << " failed at " << r.offset;
  EXPECT_EQ(r.itemsize, static_cast<std::ptrdiff_t>(size)) << format;
  EXPECT_EQ(r.alignment, static_cast<std::ptrdiff_t>(align)) << format;
}

TEST(Pep3118, NativeStructsAreCStructs) {
  expect_layout("T{i:a:B:b:}", sizeof(IntUChar), alignof(IntUChar));
  expect_layout("T{B:a:T{d:x:h:y:}:b:(2,3)i:c:}", sizeof(Outer), alignof(Outer));
  expect_layout("ic", sizeof(IntUChar), alignof(IntUChar));  // NumPy pads, struct does not
  expect_layout("(2,3)d", sizeof(double[2][3]), alignof(double));
  expect_layout("2T{ic}", 2 * sizeof(IntUChar), alignof(IntUChar));
  expect_layout("", 0, 1);
  expect_layout("T{}", 0, 1);
}

TEST(Pep3118, TypesBeyondStruct) {
  expect_layout("Zd", 2 * sizeof(double), alignof(double));
  expect_layout("Zf", 2 * sizeof(float), alignof(float));
  expect_layout("Zg", 2 * sizeof(long double), alignof(long double));
  expect_layout("g", sizeof(long double), alignof(long double));
  expect_layout("O", sizeof(void *), alignof(void *));
  expect_layout("&i", sizeof(void *), alignof(void *));
  expect_layout("&T{ii}", sizeof(void *), alignof(void *));
  expect_layout("3w", 12, 4);
  expect_layout("<u", sizeof(wchar_t), 1);                // ctypes' c_wchar
  expect_layout("T{<z:a:<Z:b:}", 2 * sizeof(void *), 1);  // ctypes' char and wchar_t pointers
  expect_layout("5s", 5, 1);
  expect_layout("^ic", 5, 1);
  expect_layout("<ic", 5, 1);
}

TEST(Pep3118, OrderIsStickyAcrossStructs) {
  expect_layout("T{<i}i", 8, 1);  // the second i is standard too
  expect_layout("<c@i", 8, 4);
  expect_layout("T{<i:a:@c:b:}", 5, 1);
}

TEST(Pep3118, CtypesFormats) {
  // CPython 3.13's ctypes makes padding explicit in standard mode...
  expect_layout("T{<c:c:3xT{<i:a:<c:b:3x}:s:4x(3)<d:d:&<i:p:}", 48, 1);
  // ...earlier versions leave it out, so their formats understate sizeof (5, not 8).
  expect_layout("T{<i:a:<c:b:}", 5, 1);
}

TEST(Pep3118, Errors) {
  auto expect_error = [](const std::string &format, FormatError error, std::ptrdiff_t offset) {
    const FormatResult r = extended(format);
    EXPECT_EQ(r.error, error) << format;
    EXPECT_EQ(r.offset, offset) << format;
    EXPECT_EQ(r.itemsize, -1) << format;
  };
  expect_error("T{i", FormatError::syntax, 3);
  expect_error("i}", FormatError::syntax, 1);
  expect_error("i:name", FormatError::syntax, 1);
  expect_error("(2,)i", FormatError::syntax, 3);
  expect_error("()i", FormatError::syntax, 1);
  expect_error("(2)", FormatError::syntax, 3);
  expect_error("3", FormatError::count_without_code, 1);
  expect_error("T{3}", FormatError::count_without_code, 3);
  expect_error("t", FormatError::unsupported, 0);
  expect_error("X{}", FormatError::unsupported, 0);
  expect_error("Zf:a", FormatError::syntax, 2);
  expect_error("T", FormatError::bad_char, 0);
  expect_error("i\xc3\xa9", FormatError::bad_char, 1);
  expect_error("9223372036854775807xc", FormatError::too_long, 20);
  expect_error("(9223372036854775807,2)c", FormatError::too_long, 21);
  std::string deep;
  for (int i = 0; i < pybuffer::core::max_format_depth; ++i) deep = "T{" + deep + "}";
  expect_layout(deep, 0, 1);
  expect_error("T{" + deep + "}", FormatError::too_deep, 2 * pybuffer::core::max_format_depth);
}

}  // namespace
