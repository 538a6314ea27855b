// PyBuffer_SizeFromFormat on valid and invalid struct formats. The messages of invalid ones
// change between CPython versions; the expected one is always this host's.
#include "suite.hpp"

namespace diff {
namespace {

struct FormatCase {
  const char *name;
  const char *format;
};

class SizeFromFormat : public PyParamTest<FormatCase> {};

TEST_P(SizeFromFormat, SameSizeOrError) {
  const FormatCase &p = GetParam();
  const Py_ssize_t r = real().PyBuffer_SizeFromFormat(p.format);
  const Error er = take_error();
  const Py_ssize_t o = ours().PyBuffer_SizeFromFormat(p.format);
  const Error eo = take_error();
  Diff d;
  d.field("PyBuffer_SizeFromFormat", r, o);
  d.errors("PyBuffer_SizeFromFormat", er, eo);
  count_case("PyBuffer_SizeFromFormat");
  DIFF_EXPECT_SAME(d, std::string("format \"") + p.format + "\"");
}

INSTANTIATE_TEST_SUITE_P(
    Formats, SizeFromFormat,
    testing::Values(
        // valid: every native code, counts, byte orders, padding and alignment
        FormatCase{"empty", ""}, FormatCase{"B", "B"}, FormatCase{"b", "b"}, FormatCase{"c", "c"},
        FormatCase{"bool", "?"}, FormatCase{"h", "h"}, FormatCase{"H", "H"}, FormatCase{"i", "i"},
        FormatCase{"I", "I"}, FormatCase{"l", "l"}, FormatCase{"L", "L"}, FormatCase{"q", "q"},
        FormatCase{"Q", "Q"}, FormatCase{"n", "n"}, FormatCase{"N", "N"}, FormatCase{"f", "f"},
        FormatCase{"d", "d"}, FormatCase{"e", "e"}, FormatCase{"P", "P"}, FormatCase{"x", "x"},
        FormatCase{"s", "s"}, FormatCase{"p", "p"}, FormatCase{"s10", "10s"},
        FormatCase{"s0", "0s"}, FormatCase{"i3", "3i"}, FormatCase{"i0", "0i"},
        FormatCase{"little_i", "<i"}, FormatCase{"big_q", ">q"}, FormatCase{"std_h", "=h"},
        FormatCase{"network_d", "!d"}, FormatCase{"native_i", "@i"}, FormatCase{"iB", "iB"},
        FormatCase{"Bi_aligned", "Bi"}, FormatCase{"Bi_packed", "=Bi"}, FormatCase{"hQ", "hQ"},
        FormatCase{"cd", "cd"}, FormatCase{"x2h3", "2x3h"}, FormatCase{"i_0q_align", "i0q"},
        FormatCase{"spaces", " i  h "}, FormatCase{"only_order", "<"}, FormatCase{"only_at", "@"},
        FormatCase{"big_count", "2147483647x"}, FormatCase{"many", "bBhHiIlLqQnNfdeP?c"},
        // invalid: unknown codes, misplaced order characters, bad counts, bad text
        FormatCase{"Z", "Z"}, FormatCase{"y", "y"}, FormatCase{"O", "O"}, FormatCase{"u", "u"},
        FormatCase{"w", "w"}, FormatCase{"F", "F"}, FormatCase{"D", "D"}, FormatCase{"Zd", "Zd"},
        FormatCase{"order_inside", "i<h"}, FormatCase{"order_twice", "<<i"},
        FormatCase{"bang_after", "ii!"}, FormatCase{"percent", "%"},
        FormatCase{"minus_count", "-1i"}, FormatCase{"count_only", "3"},
        FormatCase{"trailing_count", "i3"}, FormatCase{"count_space", "3 h"},
        FormatCase{"pep3118_struct", "T{i:x:}"}, FormatCase{"pep3118_shape", "(2)i"},
        FormatCase{"pep3118_name", "i:x:"}, FormatCase{"ampersand", "&"},
        FormatCase{"count_overflow", "99999999999999999999i"},
        FormatCase{"size_overflow", "9223372036854775807q"},
        FormatCase{"size_overflow_sum", "4611686018427387904h4611686018427387904h"},
        FormatCase{"non_ascii", "\xc3\xa9"}, FormatCase{"invalid_utf8", "\xff"},
        FormatCase{"invalid_utf8_after_i", "i\xfe"}),
    [](const testing::TestParamInfo<FormatCase> &info) { return std::string(info.param.name); });

}  // namespace
}  // namespace diff
