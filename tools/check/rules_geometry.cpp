// Rules about the layout an answer describes: item size, extents, len, contiguity, and
// whether every item lies inside the memory the exporter exposes.
#include <core/layout.hpp>

#include "format_size.hpp"
#include "rules_internal.hpp"

namespace pybuffer::check {
namespace {

std::string quoted(const std::string &text) {
  return "\"" + text + "\"";
}

// Strides of a C-contiguous layout: what strides == NULL means.
std::vector<ssize> c_strides(const std::vector<ssize> &shape, ssize itemsize) {
  std::vector<ssize> strides(shape.size());
  ssize stride = itemsize;
  for (std::size_t i = shape.size(); i-- > 0;) {
    strides[i] = stride;
    // Wraps instead of overflowing; a shape that large is the `len` rule's to report.
    (void)__builtin_mul_overflow(stride, shape[i], &stride);
  }
  return strides;
}

}  // namespace

Findings rule_itemsize(const Request &, const Answer &a, const Context &) {
  Findings found;
  if (!a.accepted) return found;
  if (a.itemsize_unset) {
    found.violate("itemsize", "itemsize left unset (still the checker's poison)");
    return found;
  }
  if (a.itemsize <= 0) {
    found.violate("itemsize", "itemsize " + std::to_string(a.itemsize) + " is not > 0");
    return found;
  }
  // Without a format the documentation keeps the original itemsize ("B" is implied for the
  // consumer's reading, not for itemsize), so only a given format is compared.
  if (a.format.state != FormatField::State::text) return found;
  const FormatSizes &sizes = format_sizes(a.format.text);
  if (!sizes.known()) {
    found.note("itemsize not compared with format " + quoted(a.format.text) + ": " + sizes.why);
  } else if (!sizes.matches(a.itemsize)) {
    std::string size;
    if (sizes.struct_size) size = std::to_string(*sizes.struct_size) + " (struct)";
    if (sizes.pep3118_size && sizes.pep3118_size != sizes.struct_size) {
      size += (size.empty() ? "" : " or ") + std::to_string(*sizes.pep3118_size) + " (PEP 3118)";
    } else if (sizes.pep3118_size) {
      size = std::to_string(*sizes.pep3118_size);
    }
    found.violate("itemsize", "itemsize " + std::to_string(a.itemsize) + " but format " +
                                  quoted(a.format.text) + " has size " + size);
  }
  return found;
}

Findings rule_extents(const Request &, const Answer &a, const Context &) {
  Findings found;
  if (!a.accepted || !a.shape.readable()) return found;
  for (std::size_t i = 0; i < a.shape.values.size(); ++i) {
    if (a.shape.values[i] < 0) {
      found.violate("extents", "shape " + join(a.shape.values) + " has extent " +
                                   std::to_string(a.shape.values[i]) + " < 0 in dimension " +
                                   std::to_string(i));
      break;
    }
  }
  return found;
}

Findings rule_len(const Request &, const Answer &a, const Context &context) {
  Findings found;
  if (!a.accepted) return found;
  if (a.len_unset) {
    found.violate("len", "len left unset (still the checker's poison)");
    return found;
  }
  if (a.len < 0) {
    found.violate("len", "len " + std::to_string(a.len) + " < 0");
    return found;
  }
  if (a.shape.readable()) {
    if (!ndim_valid(a) || !itemsize_valid(a) || !extents_valid(a)) return found;
    const std::optional<ssize> bytes = shaped_bytes(a);
    if (!bytes) {
      found.violate("len", "product(shape " + join(a.shape.values) + ") * itemsize " +
                               std::to_string(a.itemsize) + " overflows Py_ssize_t");
    } else if (*bytes != a.len) {
      found.violate("len", "len " + std::to_string(a.len) + " != product(shape " +
                               join(a.shape.values) + ") * itemsize " + std::to_string(a.itemsize) +
                               " = " + std::to_string(*bytes));
    }
  } else if (a.shape.state == ArrayField::State::null && context.shaped_bytes &&
             *context.shaped_bytes != a.len) {
    found.violate("len", "len " + std::to_string(a.len) + " without shape, but the shape of " +
                             request_name(context.shaped_answer->flags) + " describes " +
                             std::to_string(*context.shaped_bytes) + " bytes");
  }
  return found;
}

Findings rule_contiguity(const Request &request, const Answer &a, const Context &) {
  Findings found;
  const char order = contiguity_of(request.flags);
  // Suboffsets under a contiguity request are the `suboffsets` rule's to report.
  if (order == '\0' || !a.accepted || !layout_judgeable(a) || a.suboffsets.present()) {
    return found;
  }
  const core::View view{nullptr,
                        a.len,
                        a.itemsize,
                        a.ndim,
                        a.shape.readable() ? a.shape.values.data() : nullptr,
                        a.strides.readable() ? a.strides.values.data() : nullptr,
                        nullptr};
  if (!core::is_contiguous(view, order)) {
    const char *what = order == 'C'   ? "C-contiguous"
                       : order == 'F' ? "Fortran-contiguous"
                                      : "contiguous in any order";
    found.violate("contiguity", std::string("the view is not ") + what + ": shape " +
                                    describe(a.shape) + ", strides " + describe(a.strides) +
                                    ", itemsize " + std::to_string(a.itemsize));
  }
  return found;
}

// The documentation's verify_structure, with the memory block taken from a contiguous answer
// (Context::memory). Two refinements: nothing is addressed when an extent is 0, and a stride
// along an extent of 1 is never used, so neither is held to the itemsize multiple.
Findings rule_bounds(const Request &, const Answer &a, const Context &context) {
  Findings found;
  const Memory &memory = context.memory;
  if (!a.accepted || !memory.known || a.buf_unset || !len_valid(a) || !layout_judgeable(a)) {
    return found;
  }
  // Behind a non-negative suboffset lie other blocks, which no contiguous answer shows.
  if (a.suboffsets.present() && !suboffsets_all_negative(a)) return found;
  const ssize offset = static_cast<ssize>(a.buf - memory.buf);
  const std::string block = "the " + std::to_string(memory.len) + "-byte memory of " + memory.from;

  if (!a.shape.readable()) {
    // No shape: the view is the byte range [buf, buf + len).
    if (a.len > 0 && (offset < 0 || offset > memory.len - a.len)) {
      found.violate("bounds", "bytes [" + std::to_string(offset) + ", " +
                                  std::to_string(offset + a.len) + ") lie outside " + block);
    }
    return found;
  }
  const std::vector<ssize> &shape = a.shape.values;
  for (const ssize extent : shape) {
    if (extent == 0) return found;
  }
  const std::vector<ssize> strides =
      a.strides.readable() ? a.strides.values : c_strides(shape, a.itemsize);

  std::vector<std::string> problems;
  if (offset % a.itemsize != 0) {
    problems.push_back("buf is at offset " + std::to_string(offset) +
                       ", not a multiple of itemsize " + std::to_string(a.itemsize));
  }
  ssize low = 0, high = 0;  // reach of the items relative to buf
  bool overflow = false;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] > 1 && strides[i] % a.itemsize != 0) {
      problems.push_back("stride " + std::to_string(strides[i]) + " of dimension " +
                         std::to_string(i) + " is not a multiple of itemsize " +
                         std::to_string(a.itemsize));
    }
    ssize reach = 0;
    overflow = overflow || __builtin_mul_overflow(strides[i], shape[i] - 1, &reach) ||
               __builtin_add_overflow(reach <= 0 ? low : high, reach, reach <= 0 ? &low : &high);
  }
  ssize first = 0, end = 0;
  overflow = overflow || __builtin_add_overflow(offset, low, &first) ||
             __builtin_add_overflow(offset, high, &end) ||
             __builtin_add_overflow(end, a.itemsize, &end);
  if (overflow) {
    problems.push_back("strides " + join(strides) + " times shape " + join(shape) +
                       " overflow Py_ssize_t");
  } else if (first < 0 || end > memory.len) {
    problems.push_back("items span bytes [" + std::to_string(first) + ", " + std::to_string(end) +
                       ") with strides " + join(strides) + ", outside " + block);
  }
  for (const std::string &problem : problems) found.violate("bounds", problem);
  return found;
}

}  // namespace pybuffer::check
