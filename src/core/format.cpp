// struct.calcsize without the interpreter.
//
// The rules, as CPython 3.9-3.13 apply them (Modules/_struct.c, prepare_s):
//   - the text is decoded as UTF-8 and encoded as ASCII before anything else, so a text
//     error wins over any syntax error wherever it sits;
//   - only the first byte may select the table: '@' (or none) native sizes with native
//     alignment, '<' '>' '!' '=' standard sizes without alignment;
//   - whitespace (' ' and \t..\r) separates items; a count is digits immediately followed
//     by the code it repeats (no whitespace in between);
//   - an item is aligned before it is added, even with a count of 0 ("c0i" is 4 bytes);
//   - the size overflows when the count's digits exceed Py_ssize_t, when aligning the
//     running size exceeds it, or when adding count * size does, in that order per item,
//     and the first item to overflow ends the parse.
//
// Speed: codes without counts (the common case) run in a loop of one table load, one add
// and no overflow check (see run_limit); counts, whitespace and errors leave it.
#include "format.hpp"

#include <array>

#include "checked_math.hpp"
#include "format_codes.hpp"

namespace pybuffer::core {
namespace {

using format_codes::is_digit;
using format_codes::is_space;

// One format character in one table. Alignments are powers of two, so padding to one is
// "add pad, clear the pad bits", and the largest of several is (their pads or-ed) + 1.
struct Step {
  unsigned char size;  // 0: not a format character in this table
  unsigned char pad;   // alignment - 1; 0 when the code is never aligned
};
using Table = std::array<Step, 256>;

constexpr Table make_table(bool native_mode, bool complex_codes) {
  Table table{};
  for (int c = 1; c < 128; ++c) {
    const auto byte = static_cast<unsigned char>(c);
    format_codes::Measure m =
        native_mode ? format_codes::struct_native(byte) : format_codes::struct_standard(byte);
    if (complex_codes && m.size == 0) m = format_codes::struct_complex(byte, native_mode);
    table[byte] = Step{m.size, static_cast<unsigned char>(m.align > 1 ? m.align - 1 : 0)};
  }
  return table;  // non-ASCII bytes stay {0, 0}: a bad char unless the text check says more
}

// [native][complex]: built at compile time.
constexpr Table tables[2][2] = {{make_table(false, false), make_table(false, true)},
                                {make_table(true, false), make_table(true, true)}};

// A run of plain codes adds at most 255 + 255 bytes per character, and no string in memory
// is longer than 2^57 bytes (the widest virtual address space of a 64-bit platform): from
// below 2^62, a whole run cannot overflow, so the run needs no overflow arithmetic at all.
static_assert(sizeof(ssize) == 8, "the run bound assumes a 64-bit Py_ssize_t");
constexpr ssize run_limit = ssize{1} << 62;

// A syntax error stands only if the text is ASCII: CPython would not have parsed otherwise.
[[gnu::cold, gnu::noinline]] FormatResult fail(const char *format, FormatError error,
                                               const unsigned char *at) {
  FormatResult text = diagnose_format_text(format);
  if (!text.ok()) return text;
  FormatResult result;
  result.error = error;
  result.itemsize = -1;
  result.offset = at - reinterpret_cast<const unsigned char *>(format);
  return result;
}

// Pads *size to pad + 1 (a power of two) and adds count items of item_size, exactly as
// CPython checks it: false when either step exceeds PY_SSIZE_T_MAX. Padding 0 stays 0,
// which is why CPython's "size > 0" condition needs no test here. Rounding up is
// representable exactly when CPython's "extra > PY_SSIZE_T_MAX - size" check passes, since
// PY_SSIZE_T_MAX + 1 is a multiple of every alignment; and its "num > (PY_SSIZE_T_MAX -
// size) / itemsize" is exactly an overflow of size + num * itemsize.
bool add_items(ssize *size, ssize pad, ssize count, ssize item_size) {
  ssize padded = 0;
  ssize bytes = 0;
  if (add_overflows(*size, pad, &padded)) return false;
  padded &= ~pad;
  if (mul_overflows(count, item_size, &bytes) || add_overflows(padded, bytes, size)) return false;
  return true;
}

}  // namespace

// Aligned so that the hot loop's place in the instruction cache does not depend on what the
// linker puts before the function: measured, it moved PyBuffer_SizeFromFormat's time on a
// 21-code format by a quarter.
[[gnu::aligned(64)]] FormatResult struct_calcsize(const char *format, StructDialect dialect) {
  const auto *p = reinterpret_cast<const unsigned char *>(format);
  bool native_mode = true;
  switch (*p) {
    case '@':
      ++p;
      break;
    case '<':
    case '>':
    case '!':
    case '=':
      native_mode = false;
      ++p;
      break;
    default:
      break;
  }
  const Table &table = tables[native_mode][dialect.complex_codes];
  ssize size = 0;
  for (;;) {
    if (__builtin_expect(size < run_limit, 1)) {
      // The hot loop: codes without counts. Padding is a branch (predictable for a format
      // measured repeatedly) rather than arithmetic, so the running size depends on one
      // add per item.
      for (Step step = table[*p]; step.size != 0; step = table[*p]) {
        ++p;
        if (__builtin_expect((size & step.pad) != 0, 0)) {
          size = (size + step.pad) & ~static_cast<ssize>(step.pad);
        }
        size += step.size;
      }
    }
    const unsigned char *item = p;
    unsigned char c = *p++;
    if (c == '\0') break;
    if (is_space(c)) continue;
    ssize count = 1;
    if (is_digit(c)) {
      count = c - '0';
      while (is_digit(c = *p++)) {
        // count * 10 + digit > PY_SSIZE_T_MAX, decided before the code is even looked at.
        if (mul_overflows(count, 10, &count) || add_overflows(count, c - '0', &count)) {
          return fail(format, FormatError::too_long, item);
        }
      }
      if (c == '\0') return fail(format, FormatError::count_without_code, p - 1);
    }
    const Step step = table[c];
    if (step.size == 0) return fail(format, FormatError::bad_char, p - 1);
    if (!add_items(&size, step.pad, count, step.size)) {
      return fail(format, FormatError::too_long, item);
    }
  }
  FormatResult result;
  result.itemsize = size;
  return result;
}

ssize struct_alignment(const char *format, StructDialect dialect) {
  // Only '@' or no prefix aligns; then the layout's alignment is its largest code's.
  const char first = format[0];
  if (first == '<' || first == '>' || first == '!' || first == '=') return 1;
  unsigned pads = 0;
  const Table &table = tables[1][dialect.complex_codes];
  for (const auto *p = reinterpret_cast<const unsigned char *>(format); *p != '\0'; ++p) {
    pads |= table[*p].pad;
  }
  return static_cast<ssize>(pads) + 1;
}

}  // namespace pybuffer::core
