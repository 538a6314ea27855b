// Random struct formats for the differential tests: mostly adversarial. Valid item lists,
// counts at and beyond the Py_ssize_t limits, counts without codes, codes struct does not
// know, whitespace and control bytes, non-ASCII text and invalid UTF-8, very long strings.
// Deterministic for a given seed; never produces a NUL byte (formats are C strings).
#pragma once

#include <cstdint>
#include <random>
#include <string>

namespace format_test {

class FormatGenerator {
 public:
  explicit FormatGenerator(std::uint64_t seed) : rng_(seed) {}

  std::string next();

 private:
  std::string struct_like();
  std::string near_overflow();
  std::string soup();
  std::string long_format();
  std::string with_text_error();

  std::string count();
  std::string huge_count();
  char valid_code();
  char foreign_code();
  std::string whitespace();
  std::string non_ascii();
  std::string invalid_utf8();
  std::string utf8_of(std::uint32_t code_point);
  void mutate(std::string *format);

  std::size_t below(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
  }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }

  std::mt19937_64 rng_;
};

}  // namespace format_test
