#include "random_formats.hpp"

#include <cstring>
#include <limits>

namespace format_test {
namespace {

constexpr const char *kValidCodes = "xcbB?hHiIlLqQnNefdspP";
// ASCII the struct module rejects, PEP 3118's additions first.
constexpr const char *kForeignCodes =
    "FDZgOTwu&(){}:^tXaAjJkKmMoOrRSUvVWyYzE!@<>=-+.,;/\\'\"#$%*[]_`|~";
constexpr const char *kPrefixes = "@=<>!";
constexpr const char *kWhitespace = " \t\n\v\f\r";
// Not whitespace to Py_ISSPACE although str.isspace() says so for some.
constexpr const char *kControls = "\x01\x07\x1b\x1c\x1d\x1e\x1f\x7f";

constexpr std::uint64_t kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

}  // namespace

std::string FormatGenerator::next() {
  const std::size_t kind = below(1000);
  if (kind < 5) return long_format();
  if (kind < 400) return struct_like();
  if (kind < 600) return near_overflow();
  if (kind < 850) return soup();
  return with_text_error();
}

char FormatGenerator::valid_code() {
  return kValidCodes[below(std::strlen(kValidCodes))];
}

char FormatGenerator::foreign_code() {
  return kForeignCodes[below(std::strlen(kForeignCodes))];
}

std::string FormatGenerator::whitespace() {
  std::string out;
  const std::size_t n = 1 + below(3);
  for (std::size_t i = 0; i < n; ++i) {
    out += chance(0.9) ? kWhitespace[below(std::strlen(kWhitespace))]
                       : kControls[below(std::strlen(kControls))];
  }
  return out;
}

std::string FormatGenerator::count() {
  switch (below(8)) {
    case 0:
      return "0";
    case 1:
    case 2:
    case 3:
      return std::to_string(below(10));
    case 4:
      return std::to_string(below(300));
    case 5:
      return std::string(1 + below(4), '0') + std::to_string(below(100));  // leading zeros
    case 6:
      return std::to_string(below(1000000));
    default:
      return huge_count();
  }
}

std::string FormatGenerator::huge_count() {
  static constexpr std::uint64_t kDivisors[] = {1, 2, 4, 8, 16, 3, 5, 7};
  std::string digits;
  switch (below(6)) {
    case 0: {  // at the limit, just below or just above it
      const std::uint64_t delta = below(20);
      digits = std::to_string(chance(0.5) ? kMax - delta : kMax + delta);
      break;
    }
    case 1: {  // the limit divided by an item size, nudged
      const std::uint64_t base = kMax / kDivisors[below(std::size(kDivisors))];
      digits = std::to_string(base - 2 + below(5));
      break;
    }
    case 2:  // any 17-19 digit number
      digits = std::to_string(std::uniform_int_distribution<std::uint64_t>(
          100000000000000000ULL, std::numeric_limits<std::uint64_t>::max())(rng_));
      break;
    case 3: {  // far beyond: 20-40 digits
      const std::size_t n = 20 + below(21);
      digits = std::to_string(1 + below(9));
      while (digits.size() < n) digits += static_cast<char>('0' + below(10));
      break;
    }
    case 4:  // powers of ten around the limit
      digits = chance(0.5) ? "1000000000000000000" : "10000000000000000000";
      break;
    default:  // the limit minus a multiple of 8, for alignment on top of it
      digits = std::to_string(kMax - 8 * below(4) - below(8));
      break;
  }
  if (chance(0.1)) digits.insert(0, std::string(1 + below(5), '0'));
  return digits;
}

std::string FormatGenerator::utf8_of(std::uint32_t cp) {
  std::string out;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return out;
}

std::string FormatGenerator::non_ascii() {
  std::string out;
  const std::size_t n = 1 + below(3);  // runs of several characters, to test the span
  for (std::size_t i = 0; i < n; ++i) {
    std::uint32_t cp = 0;
    switch (below(4)) {
      case 0:
        cp = static_cast<std::uint32_t>(0x80 + below(0x780));  // two bytes, incl. Latin-1
        break;
      case 1:
        do {
          cp = static_cast<std::uint32_t>(0x800 + below(0xF800));
        } while (cp >= 0xD800 && cp <= 0xDFFF);
        break;
      case 2:
        cp = static_cast<std::uint32_t>(0x10000 + below(0x100000));
        break;
      default: {
        static constexpr std::uint32_t kEdges[] = {0x80,   0xFF,   0x100,   0x7FF,
                                                   0x800,  0xFFFF, 0x10000, 0x10FFFF,
                                                   0xD7FF, 0xE000, 0xFEFF,  0x20AC};
        cp = kEdges[below(std::size(kEdges))];
        break;
      }
    }
    out += utf8_of(cp);
  }
  return out;
}

std::string FormatGenerator::invalid_utf8() {
  auto byte = [](unsigned v) { return std::string(1, static_cast<char>(v)); };
  auto cont = [this]() { return std::string(1, static_cast<char>(0x80 + below(0x40))); };
  switch (below(10)) {
    case 0:
      return byte(0x80 + static_cast<unsigned>(below(0x80)));  // any high byte alone
    case 1:
      return byte(0x80 + static_cast<unsigned>(below(0x40)));  // stray continuation
    case 2:
      return byte(0xC0 + static_cast<unsigned>(below(2))) + cont();  // overlong 2-byte
    case 3:
      return byte(0xE0) + byte(0x80 + static_cast<unsigned>(below(0x20))) + cont();  // overlong
    case 4:
      return byte(0xED) + byte(0xA0 + static_cast<unsigned>(below(0x20))) + cont();  // surrogate
    case 5:
      return byte(0xF4) + byte(0x90 + static_cast<unsigned>(below(0x30))) + cont() + cont();
    case 6:
      return byte(0xF5 + static_cast<unsigned>(below(11)));  // never a lead byte
    case 7: {                                                // a valid sequence cut short
      std::string full = utf8_of(static_cast<std::uint32_t>(0x800 + below(0x100000)));
      if (full.size() == 3 && static_cast<unsigned char>(full[0]) == 0xED) full = utf8_of(0x20AC);
      return full.substr(0, 1 + below(full.size() - 1));
    }
    case 8: {  // a lead byte followed by ASCII where a continuation should be
      std::string full = utf8_of(static_cast<std::uint32_t>(0x80 + below(0x10000)));
      if (full.size() == 3 && static_cast<unsigned char>(full[0]) == 0xED) full = utf8_of(0x20AC);
      full[1 + below(full.size() - 1)] = kValidCodes[below(std::strlen(kValidCodes))];
      return full;
    }
    default: {  // random high bytes
      std::string out;
      const std::size_t n = 1 + below(4);
      for (std::size_t i = 0; i < n; ++i) out += byte(0x80 + static_cast<unsigned>(below(0x80)));
      return out;
    }
  }
}

std::string FormatGenerator::struct_like() {
  std::string out;
  if (chance(0.6)) out += kPrefixes[below(5)];
  if (chance(0.05)) out.insert(0, whitespace());  // a prefix after whitespace is a bad char
  const std::size_t items = below(9);
  for (std::size_t i = 0; i < items; ++i) {
    if (chance(0.15)) out += whitespace();
    if (chance(0.4)) out += count();
    out += chance(0.93) ? valid_code() : foreign_code();
  }
  if (chance(0.1)) out += whitespace();
  if (chance(0.3)) mutate(&out);
  return out;
}

std::string FormatGenerator::near_overflow() {
  std::string out;
  if (chance(0.5)) out += kPrefixes[below(5)];
  const std::size_t items = 1 + below(4);
  for (std::size_t i = 0; i < items; ++i) {
    if (chance(0.2)) out += valid_code();  // misalign before the big item
    out += chance(0.75) ? huge_count() : count();
    out += valid_code();
  }
  if (chance(0.1)) out += huge_count();  // and end on a count without a code
  if (chance(0.1)) mutate(&out);
  return out;
}

std::string FormatGenerator::soup() {
  std::string out;
  const std::size_t n = 1 + below(40);
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t pick = below(100);
    if (pick < 35) {
      out += valid_code();
    } else if (pick < 60) {
      out += static_cast<char>('0' + below(10));
    } else if (pick < 70) {
      out += whitespace();
    } else if (pick < 78) {
      out += kPrefixes[below(5)];
    } else if (pick < 88) {
      out += foreign_code();
    } else if (pick < 97) {
      out += kControls[below(std::strlen(kControls))];
    } else {
      out += static_cast<char>(0x80 + below(0x80));
    }
  }
  return out;
}

std::string FormatGenerator::long_format() {
  std::string out;
  if (chance(0.5)) out += kPrefixes[below(5)];
  const std::size_t target = 1000 + below(19000);
  while (out.size() < target) {
    if (chance(0.3)) out += std::to_string(below(1000));
    out += valid_code();
    if (chance(0.05)) out += ' ';
  }
  switch (below(6)) {  // the error, if any, comes only at the end
    case 0:
      out += foreign_code();
      break;
    case 1:
      out += std::to_string(below(100));
      break;
    case 2:
      out += non_ascii();
      break;
    case 3:
      out += invalid_utf8();
      break;
    case 4:
      out += huge_count() + valid_code();
      break;
    default:
      break;
  }
  return out;
}

std::string FormatGenerator::with_text_error() {
  std::string out = chance(0.7) ? struct_like() : near_overflow();
  const std::size_t insertions = 1 + below(2);
  for (std::size_t i = 0; i < insertions; ++i) {
    const std::string text = chance(0.5) ? non_ascii() : invalid_utf8();
    out.insert(below(out.size() + 1), text);
  }
  return out;
}

void FormatGenerator::mutate(std::string *format) {
  std::string &s = *format;
  switch (below(7)) {
    case 0:
      s.insert(below(s.size() + 1), 1, static_cast<char>(1 + below(255)));  // any byte but NUL
      break;
    case 1:
      if (!s.empty()) s.erase(below(s.size()), 1);
      break;
    case 2:
      if (!s.empty()) s[below(s.size())] = static_cast<char>(1 + below(255));
      break;
    case 3:
      s += count();  // a trailing count without its code
      break;
    case 4:
      s.insert(below(s.size() + 1), 1, kPrefixes[below(5)]);  // a prefix mid-string
      break;
    case 5:
      s.insert(below(s.size() + 1), whitespace());
      break;
    default:
      s.insert(below(s.size() + 1), huge_count());
      break;
  }
}

}  // namespace format_test
