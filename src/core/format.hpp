// The buffer-format engine: measures a format string without the interpreter.
//
// Two dialects share one result type:
//   - struct_calcsize: the struct module's syntax, answering exactly as struct.calcsize of
//     the host CPython (including which error it raises and where it notices it);
//   - pep3118_calcsize: PEP 3118's superset (T{...}, :name:, (shape), &, Z, O, g, w, ^) laid
//     out by the rules NumPy's PEP 3118 reader applies.
//
// Invariants: nothing here allocates, throws or touches global state; the format is read
// once up to its NUL (the text diagnosis of a failed struct format reads it once more).
// Every size is a Py_ssize_t-sized integer and every overflow is reported, never wrapped.
#pragma once

#include <cstddef>

#include "types.hpp"

namespace pybuffer::core {

enum class FormatError : unsigned char {
  none,
  // Text errors, which CPython raises before it looks at the syntax.
  not_utf8,   // PyUnicode_FromString fails: UnicodeDecodeError
  not_ascii,  // the struct module's ASCII encoding fails: UnicodeEncodeError
  // The struct module's three syntax errors (struct.error).
  bad_char,            // "bad char in struct format"
  count_without_code,  // "repeat count given without format specifier"
  too_long,            // "total struct size too long"
  // PEP 3118 dialect only.
  syntax,       // unbalanced T{ }, malformed (shape), :name: without its closing ':'
  unsupported,  // valid PEP 3118 that has no size: 't' bit fields, 'X{}' function pointers
  too_deep,     // T{ and & nested deeper than max_format_depth
};

/// Why a byte sequence is not UTF-8, in the words of CPython's UTF-8 decoder.
enum class Utf8Problem : unsigned char {
  invalid_start_byte,
  invalid_continuation_byte,
  unexpected_end_of_data,
};

/// Nesting limit of the PEP 3118 dialect, so that adversarial input cannot exhaust the stack.
inline constexpr int max_format_depth = 64;

struct FormatResult {
  FormatError error = FormatError::none;
  ssize itemsize = 0;
  // The alignment the layout itself assumed: the largest native alignment applied to an
  // item laid out with '@' (1 when nothing was aligned). pep3118_calcsize only: the struct
  // dialect leaves it to struct_alignment, so that PyBuffer_SizeFromFormat never pays it.
  ssize alignment = 1;
  // On failure: the byte offset at which the error was detected.
  ssize offset = -1;
  // not_utf8: the offending bytes [begin, end). not_ascii: the run of non-ASCII characters
  // [begin, end), counted in code points as CPython's UnicodeEncodeError counts them.
  ssize begin = 0;
  ssize end = 0;
  Utf8Problem utf8_problem = Utf8Problem::invalid_start_byte;

  constexpr bool ok() const { return error == FormatError::none; }
};

/// What the host's struct module accepts beyond the 3.9-3.13 baseline.
struct StructDialect {
  bool complex_codes = false;  // 'F' and 'D' (float and double complex), CPython 3.14+
};

/// struct.calcsize(format) as the host computes it: itemsize on success, else the first
/// error in CPython's order (UTF-8 decoding, then ASCII encoding, then the syntax).
FormatResult struct_calcsize(const char *format, StructDialect dialect);

/// For a format struct_calcsize accepts: the largest native alignment its layout applied,
/// 1 in the standard sizes.
ssize struct_alignment(const char *format, StructDialect dialect);

/// The size and alignment of a PEP 3118 format (see format_pep3118.cpp for the rules).
FormatResult pep3118_calcsize(const char *format);

/// Cold: the text error of `format` (not_utf8 or not_ascii), or an ok result when the whole
/// string is ASCII. Used once a parse has failed, because text errors take precedence.
FormatResult diagnose_format_text(const char *format);

}  // namespace pybuffer::core
