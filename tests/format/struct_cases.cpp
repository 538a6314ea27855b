#include "struct_cases.hpp"

#include <cstdint>
#include <limits>

namespace format_test {
namespace {

constexpr const char *kCodes = "xcbB?hHiIlLqQnNefdspP";
constexpr const char *kPrefixes[] = {"", "@", "=", "<", ">", "!"};

std::string max_minus(std::int64_t delta) {
  return std::to_string(std::numeric_limits<std::int64_t>::max() - delta);
}

std::string max_plus(std::uint64_t delta) {
  return std::to_string(static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) +
                        delta);
}

std::string max_over(std::int64_t size, std::int64_t delta) {
  return std::to_string(std::numeric_limits<std::int64_t>::max() / size + delta);
}

}  // namespace

std::vector<StructCase> struct_cases() {
  std::vector<StructCase> cases = {
      {"empty", ""},
      {"whitespace only", " \t\n\v\f\r"},
      {"prefix alone", "@"},
      {"prefix alone", "<"},
      {"prefix alone", "!"},
      {"prefix twice", "<<"},
      {"prefix twice", "@@i"},
      {"prefix mid-string", "i<i"},
      {"prefix mid-string", "i@"},
      {"prefix after whitespace", " <i"},
      {"prefix after whitespace", "\t@i"},
      {"native alignment", "ci"},
      {"native alignment", "cbhilqnNPefd"},
      {"native alignment", "c?"},
      {"native alignment", "ce"},
      {"native alignment", "cP"},
      {"native alignment", "cn"},
      {"native alignment", "c3s i"},
      {"native alignment", "@ci"},
      {"native alignment", "bq"},
      {"no trailing padding", "ic"},
      {"no trailing padding", "qc"},
      {"alignment with count 0", "c0i"},
      {"alignment with count 0", "c0q"},
      {"alignment with count 0", "0ci"},
      {"alignment with count 0", "0c0i"},
      {"no alignment in standard modes", "=ci"},
      {"no alignment in standard modes", "<cq"},
      {"no alignment in standard modes", ">ch"},
      {"no alignment in standard modes", "!cd"},
      {"standard sizes", "=lLqQ"},
      {"native-only codes in standard modes", "<n"},
      {"native-only codes in standard modes", "=N"},
      {"native-only codes in standard modes", "!P"},
      {"native-only codes in standard modes", ">3P"},
      {"whitespace between items", "i i"},
      {"whitespace between items", "i\ti\ni\vi\fi\ri"},
      {"whitespace after the last item", "i   "},
      {"whitespace before the first item", "   i"},
      {"control bytes are not whitespace", "i\x1ci"},
      {"control bytes are not whitespace", "i\x1fi"},
      {"control bytes are not whitespace", "i\x7f"},
      {"control bytes are not whitespace", "\x01"},
      {"whitespace inside an item", "3 i"},
      {"whitespace inside an item", "3\ti"},
      {"strings and padding", "0s"},
      {"strings and padding", "10s"},
      {"strings and padding", "0p"},
      {"strings and padding", "255p"},
      {"strings and padding", "256p"},
      {"strings and padding", "3x"},
      {"strings and padding", "c3xi"},
      {"strings and padding", "s0sp0px0x"},
      {"leading zeros", "0003i"},
      {"leading zeros", "00000000000000000000000000000000000002h"},
      {"counts", "12c"},
      {"counts", "2i3h"},
      {"counts", "1x2x3x"},
      {"count without a code", "3"},
      {"count without a code", "i3"},
      {"count without a code", "<12"},
      {"count without a code", "   7"},
      {"count then whitespace at the end", "3 "},
      {"count then a bad char", "3Z"},
      {"bad chars", "Z"},
      {"bad chars", "F"},
      {"bad chars", "D"},
      {"bad chars", "g"},
      {"bad chars", "O"},
      {"bad chars", "w"},
      {"bad chars", "u"},
      {"bad chars", "T{i}"},
      {"bad chars", "&i"},
      {"bad chars", "(2)i"},
      {"bad chars", "i:name:"},
      {"bad chars", "^i"},
      {"bad chars", "ii}"},
      {"bad char after valid items", "iiiiy"},
      {"bad char before an overflow", "Z99999999999999999999x"},
      {"complex codes", "Zf"},
      {"complex codes", "cF"},
      {"complex codes", "<D"},
      {"complex codes", "@2F3D"},
      {"largest count", max_minus(0) + "x"},
      {"largest count", max_minus(0) + "s"},
      {"largest count", max_minus(0) + "p"},
      {"largest count", max_minus(0) + "c"},
      {"largest count", max_minus(0) + "B"},
      {"largest count plus one byte", max_minus(0) + "xc"},
      {"largest count plus one byte", "c" + max_minus(0) + "x"},
      {"largest count plus nothing", max_minus(0) + "x0c"},
      {"largest count plus nothing", max_minus(0) + "x "},
      {"count one past the largest", max_plus(1) + "x"},
      {"count one past the largest", max_plus(1)},
      {"count far past the largest", "99999999999999999999"},
      {"count far past the largest", "99999999999999999999x"},
      {"count far past the largest", "i99999999999999999999999999999999999999"},
      {"count past the largest, then a bad char", max_plus(1) + "Z"},
      {"count times size overflows", max_over(2, 0) + "h"},
      {"count times size overflows", max_over(2, 1) + "h"},
      {"count times size overflows", max_over(4, 0) + "i"},
      {"count times size overflows", max_over(4, 1) + "i"},
      {"count times size overflows", max_over(8, 0) + "q"},
      {"count times size overflows", max_over(8, 1) + "q"},
      {"count times size overflows", "<" + max_over(8, 0) + "d"},
      {"count times size overflows", "<" + max_over(8, 1) + "d"},
      {"count times size overflows", max_over(8, 0) + "qc"},
      {"sum overflows", "c" + max_over(8, 0) + "q"},
      {"sum overflows", "<c" + max_over(8, 0) + "q"},
      {"sum overflows", max_minus(8) + "xq"},
      {"sum overflows", max_minus(7) + "xq"},
      {"sum overflows", max_minus(7) + "x0q"},
      {"alignment overflows", max_minus(7) + "x0c0q"},
      {"alignment overflows", max_minus(6) + "x0q"},
      {"alignment overflows", max_minus(0) + "x0h"},
      {"alignment overflows", max_minus(1) + "x0i"},
      {"alignment overflows", "<" + max_minus(6) + "x0q"},
      {"alignment overflows", max_minus(6) + "x0P"},
      {"overflow before a bad char", max_minus(0) + "xcZ"},
      {"overflow before a count without code", max_minus(0) + "xc3"},
      {"non-ASCII", "\xc3\xa9"},
      {"non-ASCII", "i\xc3\xa9"},
      {"non-ASCII run", "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"},
      {"non-ASCII run", "i\xc3\xa9\xc3\xa9i\xc3\xa9"},
      {"non-ASCII BMP", "\xe2\x82\xac"},
      {"non-ASCII astral", "\xf0\x9f\x98\x80"},
      {"non-ASCII largest", "\xf4\x8f\xbf\xbf"},
      {"non-ASCII U+0080", "\xc2\x80"},
      {"non-ASCII U+00FF", "\xc3\xbf"},
      {"non-ASCII U+0100", "\xc4\x80"},
      {"non-ASCII wins over a count without code", "3\xc3\xa9"},
      {"non-ASCII wins over a bad char", "Z\xc3\xa9"},
      {"non-ASCII wins over an overflow", "99999999999999999999\xc3\xa9"},
      {"non-ASCII after a valid format", "iii \xc3\xa9"},
      {"invalid start byte", "\xff"},
      {"invalid start byte", "\x80"},
      {"invalid start byte", "\xbf"},
      {"invalid start byte", "\xc0\x80"},
      {"invalid start byte", "\xc1\xbf"},
      {"invalid start byte", "\xf5\x80\x80\x80"},
      {"invalid start byte", "\xf8\x88\x80\x80\x80"},
      {"invalid start byte", "i\xfe"},
      {"invalid continuation byte", "\xc3("},
      {"invalid continuation byte", "\xe2(\xa1"},
      {"invalid continuation byte", "\xe2\x82("},
      {"invalid continuation byte", "\xf0(\x8c\xbc"},
      {"invalid continuation byte", "\xf0\x90(\xbc"},
      {"invalid continuation byte", "\xf0\x90\x8c("},
      {"overlong 3-byte", "\xe0\x80\x80"},
      {"overlong 3-byte", "\xe0\x9f\xbf"},
      {"overlong 4-byte", "\xf0\x80\x80\x80"},
      {"overlong 4-byte", "\xf0\x8f\xbf\xbf"},
      {"surrogate", "\xed\xa0\x80"},
      {"surrogate", "\xed\xbf\xbf"},
      {"below the surrogates", "\xed\x9f\xbf"},
      {"beyond U+10FFFF", "\xf4\x90\x80\x80"},
      {"unexpected end", "\xc3"},
      {"unexpected end", "i\xe2\x82"},
      {"unexpected end", "\xf0\x9f\x98"},
      {"unexpected end", "\xf0\x9f"},
      {"unexpected end after a bad 2nd byte", "\xe0\x80"},
      {"unexpected end after a bad 2nd byte", "\xed\xa0"},
      {"unexpected end after a bad 2nd byte", "\xf0\x80"},
      {"unexpected end after a bad 2nd byte", "\xf4\x90"},
      {"unexpected end after a bad 3rd byte", "\xf0\x90("},
      {"first decoding error wins", "\xc3\xa9\xff\xfe"},
      {"decoding error after non-ASCII", "\xc3\xa9i\xff"},
      {"decoding error wins over everything", "99999999999999999999Z\xff"},
      {"long format", std::string(10000, 'i')},
      {"long format with an error at the end", std::string(10000, 'b') + "Z"},
      {"long format with text at the end", std::string(10000, 'b') + "\xc3\xa9"},
      {"long format with bad UTF-8 at the end", std::string(10000, 'b') + "\xe2\x82"},
  };
  // Every code alone and after a char, under every prefix: the size and alignment tables.
  for (const char *prefix : kPrefixes) {
    for (const char *code = kCodes; *code != '\0'; ++code) {
      cases.push_back({"each code", std::string(prefix) + *code});
      cases.push_back({"each code after a char", std::string(prefix) + "c" + *code});
      cases.push_back({"each code repeated", std::string(prefix) + "b7" + *code});
      cases.push_back({"each code with count 0", std::string(prefix) + "b0" + *code});
    }
  }
  // Every byte value as a format of its own, and inside one.
  for (int byte = 1; byte < 256; ++byte) {
    const char c = static_cast<char>(byte);
    cases.push_back({"each byte", std::string(1, c)});
    cases.push_back({"each byte between items", std::string("i") + c + "i"});
  }
  return cases;
}

}  // namespace format_test
