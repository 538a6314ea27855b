// PEP 3118 formats, laid out as NumPy's PEP 3118 reader lays them out (numpy/core/
// _internal.py, _dtype_from_pep3118), which is what real exporters are checked against.
//
// Grammar (a superset of the struct module's, minus its first-byte-only prefix rule):
//   items   := (whitespace | order | item)*           up to the end, or '}' inside T{
//   order   := '@' | '=' | '<' | '>' | '!' | '^'
//   item    := element [':' name ':']
//   element := ['(' dim (',' dim)* ')'] [order] [count] type
//   type    := x c b B ? h H i I l L q Q n N e f d g s p P O w u z
//            | 'Z' [f | d | g] | '&' element | 'T{' items '}'
//
// Layout rules (NumPy's):
//   - an order character stays in force for the rest of the string, across T{ } boundaries
//     in both directions, as NumPy keeps it per stream rather than per struct;
//   - '@' gives native sizes and native alignment, '^' native sizes without alignment, the
//     others standard sizes without alignment (n N P g O u z Z & have only a native size
//     and keep it everywhere: ctypes emits "<P", "<g", "<u" and "<z");
//   - u is wchar_t and a lone Z (not Zf Zd Zg) a wchar_t pointer, as CPython's array and
//     ctypes modules export them;
//   - s p x w u take the count as the length of one item ("5s" is one 5-byte string);
//     other types repeat the element count times, then once per element of the shape;
//   - under '@' an element starts at a multiple of its alignment, and a struct (also the
//     whole format) whose items end under '@' is padded to the lcm of the alignments of
//     its '@' items, NumPy's C-struct rule: "ic" is 8 bytes here while struct says 5;
//   - the alignment reported is that lcm, so 1 for a format without '@' items.
// Stricter than NumPy, which stops silently: an unclosed T{ and a '}' outside any T{ are
// syntax errors. Looser, as a superset: whitespace between items, an order with no item
// after it, the native-only and ctypes types above, and sub-arrays of zero-size elements
// ("(2)0i", which NumPy cannot build) are accepted. Field names are not checked for
// duplicates (that needs memory).
#include "checked_math.hpp"
#include "format.hpp"
#include "format_codes.hpp"

namespace pybuffer::core {
namespace {

using format_codes::is_digit;
using format_codes::is_space;
using format_codes::Measure;
using format_codes::native;

constexpr bool is_order(unsigned char c) {
  return c == '@' || c == '=' || c == '<' || c == '>' || c == '!' || c == '^';
}

// Types whose count is the length of a single item rather than a repetition.
constexpr bool counts_length(unsigned char c) {
  return c == 's' || c == 'p' || c == 'x' || c == 'w' || c == 'u';
}

// Size and alignment of a one-character type; size 0 when it is not one.
constexpr Measure simple_type(unsigned char c, bool native_sizes) {
  switch (c) {
    case 'n':
    case 'N':
    case 'P':
    case 'O':
    case 'z':  // ctypes' c_char_p
      return native<void *>;
    case 'g':
      return native<long double>;
    case 'w':
      return native<char32_t>;  // UCS-4
    case 'u':
      // PEP 3118 says UCS-2, but CPython's own exporters (array 'u', ctypes c_wchar) mean
      // wchar_t by it, and they are the ones that emit it.
      return native<wchar_t>;
    default:
      break;
  }
  const Measure m =
      native_sizes ? format_codes::struct_native(c) : format_codes::struct_standard(c);
  return {m.size, m.align == 0 ? static_cast<unsigned char>(1) : m.align};
}

constexpr Measure complex_type(unsigned char c) {
  switch (c) {
    case 'f':
      return native<format_codes::FloatComplex>;
    case 'd':
      return native<format_codes::DoubleComplex>;
    case 'g':
      return native<format_codes::LongDoubleComplex>;
    default:
      return {0, 0};
  }
}

struct Layout {
  ssize size = 0;
  ssize align = 1;
};

// One element: its type's layout and how often the type repeats.
struct Element {
  Layout type;
  ssize count = 1;  // 1 for the length-counted types, whose count is inside type.size
  ssize dims = 1;   // product of the shape
};

class Reader {
 public:
  explicit Reader(const char *format)
      : start_(reinterpret_cast<const unsigned char *>(format)), p_(start_) {}

  FormatResult run() {
    Layout layout;
    if (!items(false, 0, &layout)) return error_;
    FormatResult result;
    result.itemsize = layout.size;
    result.alignment = layout.align;
    return result;
  }

 private:
  bool fail(FormatError error, const unsigned char *at) {
    error_.error = error;
    error_.itemsize = -1;
    error_.offset = at - start_;
    return false;
  }

  bool native_sizes() const { return order_ == '@' || order_ == '^'; }

  bool items(bool nested, int depth, Layout *out) {
    ssize offset = 0;
    ssize common = 1;
    for (;;) {
      while (is_space(*p_)) ++p_;
      const unsigned char c = *p_;
      if (c == '\0') {
        if (nested) return fail(FormatError::syntax, p_);  // T{ never closed
        break;
      }
      if (c == '}') {
        if (!nested) return fail(FormatError::syntax, p_);
        ++p_;
        break;
      }
      if (is_order(c)) {
        order_ = static_cast<char>(c);
        ++p_;
        continue;
      }
      const unsigned char *item = p_;
      Element e;
      if (!element(depth, &e)) return false;
      ssize extra = 0;
      // The order in force after the type decides, as a T{ } may have changed it.
      if (order_ == '@') {
        const ssize align = e.type.align;
        if (align_up(&offset, align)) return fail(FormatError::too_long, item);
        const ssize tail = e.type.size % align == 0 ? 0 : align - e.type.size % align;
        // Repeated items carry their padding inside; a single one leaves it after itself.
        if (e.count > 1 || e.dims > 1) {
          if (add_overflows(e.type.size, tail, &e.type.size)) {
            return fail(FormatError::too_long, item);
          }
        } else {
          extra = tail;
        }
        if (align > common) common = align;  // powers of two: the larger is their lcm
      }
      ssize bytes = 0;
      if (mul_overflows(e.type.size, e.count, &bytes) || mul_overflows(bytes, e.dims, &bytes) ||
          add_overflows(offset, bytes, &offset) || add_overflows(offset, extra, &offset)) {
        return fail(FormatError::too_long, item);
      }
      if (*p_ == ':' && !name()) return false;
    }
    if (order_ == '@' && align_up(&offset, common)) return fail(FormatError::too_long, p_);
    *out = Layout{offset, common};
    return true;
  }

  static bool align_up(ssize *offset, ssize align) {
    ssize padded = 0;
    if (add_overflows(*offset, align - 1, &padded)) return true;
    *offset = padded - padded % align;
    return false;
  }

  bool name() {
    const unsigned char *colon = p_;
    for (++p_; *p_ != ':'; ++p_) {
      if (*p_ == '\0') return fail(FormatError::syntax, colon);
    }
    ++p_;
    return true;
  }

  bool element(int depth, Element *out) {
    const unsigned char *first = p_;
    bool shaped = false;
    if (*p_ == '(') {
      if (!shape(&out->dims)) return false;
      shaped = true;
    }
    if (is_order(*p_)) order_ = static_cast<char>(*p_++);
    bool counted = false;
    if (is_digit(*p_)) {
      if (!number(&out->count)) return fail(FormatError::too_long, first);
      counted = true;
    }
    const unsigned char c = *p_;
    if (c == '\0' || c == '}') {
      if (counted) return fail(FormatError::count_without_code, p_);
      if (shaped) return fail(FormatError::syntax, p_);
    }
    return type(depth, out);
  }

  bool type(int depth, Element *out) {
    const unsigned char *at = p_;
    const unsigned char c = *p_;
    if (c == 'T') {
      if (p_[1] != '{') return fail(FormatError::bad_char, at);
      if (depth >= max_format_depth) return fail(FormatError::too_deep, at);
      p_ += 2;
      return items(true, depth + 1, &out->type);
    }
    if (c == '&') {
      if (depth >= max_format_depth) return fail(FormatError::too_deep, at);
      ++p_;
      Element pointee;  // parsed for its errors only: a pointer's size is its own
      if (!element(depth + 1, &pointee)) return false;
      const Measure m = native<void *>;
      out->type = Layout{m.size, m.align};
      return true;
    }
    if (c == 't' || c == 'X') return fail(FormatError::unsupported, at);
    Measure m{0, 0};
    if (c == 'Z') {
      // Zf Zd Zg are complex; a Z followed by anything else is ctypes' c_wchar_p, which it
      // always follows by ':' or the end of the format.
      m = complex_type(p_[1]);
      p_ += m.size == 0 ? 1 : 2;
      if (m.size == 0) m = native<void *>;
    } else {
      m = simple_type(c, native_sizes());
      if (m.size == 0) return fail(FormatError::bad_char, at);
      ++p_;
    }
    out->type = Layout{m.size, m.align};
    if (counts_length(c)) {
      if (mul_overflows(out->type.size, out->count, &out->type.size)) {
        return fail(FormatError::too_long, at);
      }
      out->count = 1;
    }
    return true;
  }

  // '(' dim (',' dim)* ')', whitespace allowed around each dim; dims multiply.
  bool shape(ssize *dims) {
    ++p_;
    *dims = 1;
    for (;;) {
      while (is_space(*p_)) ++p_;
      const unsigned char *at = p_;
      ssize dim = 0;
      if (!is_digit(*p_)) return fail(FormatError::syntax, at);
      if (!number(&dim) || mul_overflows(*dims, dim, dims)) {
        return fail(FormatError::too_long, at);
      }
      while (is_space(*p_)) ++p_;
      if (*p_ == ')') {
        ++p_;
        return true;
      }
      if (*p_ != ',') return fail(FormatError::syntax, p_);
      ++p_;
    }
  }

  // Decimal digits at p_ (at least one); false when the value exceeds Py_ssize_t.
  bool number(ssize *value) {
    *value = 0;
    bool overflow = false;
    for (; is_digit(*p_); ++p_) {
      overflow =
          overflow || mul_overflows(*value, 10, value) || add_overflows(*value, *p_ - '0', value);
    }
    return !overflow;
  }

  const unsigned char *start_;
  const unsigned char *p_;
  char order_ = '@';
  FormatResult error_;
};

}  // namespace

FormatResult pep3118_calcsize(const char *format) {
  return Reader(format).run();
}

}  // namespace pybuffer::core
