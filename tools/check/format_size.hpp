// The size in bytes of one item of a buffer's format string, as the `itemsize` rule needs
// it. A format has two established readings: the struct module's (CPython's exporters size
// items by struct.calcsize) and PEP 3118's as NumPy lays it out (extensions such as "Zd",
// "T{...}", "3w", and trailing padding of native structs). An itemsize that matches either
// reading is correct.
#pragma once

#include <optional>
#include <string>

namespace pybuffer::check {

struct FormatSizes {
  std::optional<long long> struct_size;   // struct.calcsize's answer, if it has one
  std::optional<long long> pep3118_size;  // the PEP 3118 reading, if the engine offers it
  std::string why;                        // why neither is known, when neither is

  bool known() const { return struct_size || pep3118_size; }
  bool matches(long long itemsize) const {
    return (struct_size && *struct_size == itemsize) || (pep3118_size && *pep3118_size == itemsize);
  }
};

/// Both readings of `format`; results are cached per format string.
const FormatSizes &format_sizes(const std::string &format);

}  // namespace pybuffer::check
