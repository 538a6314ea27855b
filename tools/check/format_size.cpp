// Sizes come from pybuffer's own format engine (src/core/format.*), through its public entry
// point pybuffer_format_info, which reads both dialects without touching the interpreter.
// Built against a pybuffer.h without that entry point, the checker falls back to the
// library's PyBuffer_SizeFromFormat (struct dialect only), called by its namespaced twin so
// that the answer is the library's whichever name the linker bound.
#include "format_size.hpp"

#include <Python.h>

#include <map>

#include <pybuffer/pybuffer.h>

#include "py_util.hpp"

namespace pybuffer::check {
namespace {

#ifdef PYBUFFER_FORMAT_PEP3118

const char *engine_error(int error) {
  switch (error) {
    case PYBUFFER_FORMAT_ERROR_NOT_UTF8:
      return "not UTF-8";
    case PYBUFFER_FORMAT_ERROR_NOT_ASCII:
      return "not ASCII";
    case PYBUFFER_FORMAT_ERROR_BAD_CHAR:
      return "bad char in struct format";
    case PYBUFFER_FORMAT_ERROR_COUNT_WITHOUT_CODE:
      return "repeat count given without format specifier";
    case PYBUFFER_FORMAT_ERROR_TOO_LONG:
      return "total struct size too long";
    case PYBUFFER_FORMAT_ERROR_SYNTAX:
      return "not valid PEP 3118 syntax";
    case PYBUFFER_FORMAT_ERROR_UNSUPPORTED:
      return "PEP 3118 gives it no size";
    case PYBUFFER_FORMAT_ERROR_TOO_DEEP:
      return "nested too deep";
    default:
      return "not measurable";
  }
}

FormatSizes measure(const std::string &format) {
  FormatSizes sizes;
  pybuffer_format_result as_struct{}, as_pep3118{};
  if (pybuffer_format_info(format.c_str(), PYBUFFER_FORMAT_STRUCT, &as_struct) >= 0) {
    sizes.struct_size = as_struct.itemsize;
  }
  if (pybuffer_format_info(format.c_str(), PYBUFFER_FORMAT_PEP3118, &as_pep3118) >= 0) {
    sizes.pep3118_size = as_pep3118.itemsize;
  }
  if (!sizes.known()) {
    sizes.why = std::string("the format engine cannot size it (struct: ") +
                engine_error(as_struct.error) + "; PEP 3118: " + engine_error(as_pep3118.error) +
                ")";
  }
  return sizes;
}

#else

FormatSizes measure(const std::string &format) {
  FormatSizes sizes;
  const Py_ssize_t size = pybuffer_PyBuffer_SizeFromFormat(format.c_str());
  if (size >= 0 && !PyErr_Occurred()) {
    sizes.struct_size = size;
  } else {
    const TakenError error = take_error();
    sizes.why =
        "PyBuffer_SizeFromFormat cannot size it (" + error.type + ": " + error.message + ")";
  }
  return sizes;
}

#endif

}  // namespace

const FormatSizes &format_sizes(const std::string &format) {
  static std::map<std::string, FormatSizes> cache;
  auto found = cache.find(format);
  if (found == cache.end()) found = cache.emplace(format, measure(format)).first;
  return found->second;
}

}  // namespace pybuffer::check
