// libFuzzer target for the format engine (src/core/format*.cpp), both dialects, on any
// bytes. Besides what ASan and UBSan catch, it traps when
//   - a result is inconsistent (negative size on success, alignment not a power of two,
//     an error offset or text span outside the string);
//   - the struct dialect succeeds on text that is not ASCII;
//   - the struct dialect disagrees with the 128-bit reference model on ASCII text;
//   - the 3.14 dialect ('F', 'D') disagrees with the baseline on a format without F or D;
//   - the PEP 3118 dialect disagrees with the struct dialect where both must agree: a
//     format in standard sizes ('<' first) made only of struct codes and whitespace.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "core/format.hpp"
#include "reference_calcsize.hpp"

namespace {

using pybuffer::core::FormatError;
using pybuffer::core::FormatResult;

void check(bool condition) {
  if (!condition) __builtin_trap();
}

bool power_of_two(std::ptrdiff_t n) {
  return n > 0 && (n & (n - 1)) == 0;
}

void check_shape(const FormatResult &r, std::ptrdiff_t length) {
  if (r.ok()) {
    check(r.itemsize >= 0 && power_of_two(r.alignment) && r.offset == -1);
  } else {
    check(r.itemsize == -1 && r.offset >= 0 && r.offset <= length);
    if (r.error == FormatError::not_utf8) {
      check(r.begin == r.offset && r.begin < r.end && r.end <= length);
    }
    if (r.error == FormatError::not_ascii) check(r.begin == r.offset && r.begin < r.end);
  }
}

bool only_standard_struct_syntax(const std::string &format) {
  if (format.empty() || format[0] != '<') return false;
  return format.find_first_not_of("<xcbB?hHiIlLqQefdsp0123456789 \t\n\v\f\r", 1) ==
         std::string::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
  // A C string ends at its first NUL: that is all the engine can ever be given.
  const std::string format(reinterpret_cast<const char *>(data),
                           strnlen(reinterpret_cast<const char *>(data), size));
  const auto length = static_cast<std::ptrdiff_t>(format.size());

  const FormatResult strict = pybuffer::core::struct_calcsize(format.c_str(), {false});
  const FormatResult with_complex = pybuffer::core::struct_calcsize(format.c_str(), {true});
  const FormatResult text = pybuffer::core::diagnose_format_text(format.c_str());
  const FormatResult extended = pybuffer::core::pep3118_calcsize(format.c_str());
  check_shape(strict, length);
  check_shape(with_complex, length);
  check_shape(text, length);
  check_shape(extended, length);

  if (strict.ok()) check(text.ok());
  if (text.ok()) {
    const format_test::ReferenceResult expected = format_test::reference_calcsize(format);
    check(strict.error == expected.error);
    if (strict.ok()) check(strict.itemsize == static_cast<std::ptrdiff_t>(expected.size));
  } else {
    check(strict.error == text.error && strict.begin == text.begin && strict.end == text.end);
  }
  if (format.find_first_of("FD") == std::string::npos) {
    check(with_complex.error == strict.error && with_complex.itemsize == strict.itemsize);
  }
  if (strict.ok() && only_standard_struct_syntax(format)) {
    check(extended.ok() && extended.itemsize == strict.itemsize && extended.alignment == 1);
  }
  return 0;
}
