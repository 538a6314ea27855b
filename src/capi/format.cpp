// PyBuffer_SizeFromFormat and pybuffer_format_info: the format engine's two front ends.
//
// CPython answers PyBuffer_SizeFromFormat with struct.calcsize(format); core's engine gives
// the same answer without the interpreter. Python is only called on failure, to raise
// exactly the exception CPython would: UnicodeDecodeError, UnicodeEncodeError, or the host
// struct module's own struct.error (looked up only then, so that a host without a struct
// module, or one being finalised, still gets sizes).
#include <Python.h>

#include <pybuffer/pybuffer.h>

#include <cstring>

#include "capi/entry_points.hpp"
#include "capi/raise.hpp"
#include "core/format.hpp"
#include "host/host.hpp"

using namespace pybuffer;

namespace {

// What the host's struct module accepts, decided by the interpreter actually running.
// The version is cached, so this costs a load or two; no function-local static, whose guard
// would make the static archive need libstdc++ in a C program's link.
core::StructDialect host_struct_dialect() {
  return core::StructDialect{host::struct_has_complex_codes()};
}

const char *utf8_reason(core::Utf8Problem problem) {
  switch (problem) {
    case core::Utf8Problem::invalid_start_byte:
      return "invalid start byte";
    case core::Utf8Problem::invalid_continuation_byte:
      return "invalid continuation byte";
    case core::Utf8Problem::unexpected_end_of_data:
      break;
  }
  return "unexpected end of data";
}

const char *struct_message(core::FormatError error) {
  switch (error) {
    case core::FormatError::bad_char:
      return "bad char in struct format";
    case core::FormatError::count_without_code:
      return "repeat count given without format specifier";
    default:
      break;
  }
  return "total struct size too long";
}

[[gnu::cold, gnu::noinline]] void raise_format_error(const char *format,
                                                     const core::FormatResult &result) {
  switch (result.error) {
    case core::FormatError::not_utf8:
      host::raise_unicode_decode_error("utf-8", format,
                                       static_cast<Py_ssize_t>(std::strlen(format)), result.begin,
                                       result.end, utf8_reason(result.utf8_problem));
      return;
    case core::FormatError::not_ascii:
      // The text is valid UTF-8 here, so its str is the one struct failed to encode.
      host::raise_unicode_encode_error("ascii", format, result.begin, result.end,
                                       "ordinal not in range(128)");
      return;
    default:
      host::raise_module_error("struct", "error", struct_message(result.error));
      return;
  }
}

int public_error(core::FormatError error) {
  switch (error) {
    case core::FormatError::none:
      return PYBUFFER_FORMAT_OK;
    case core::FormatError::not_utf8:
      return PYBUFFER_FORMAT_ERROR_NOT_UTF8;
    case core::FormatError::not_ascii:
      return PYBUFFER_FORMAT_ERROR_NOT_ASCII;
    case core::FormatError::bad_char:
      return PYBUFFER_FORMAT_ERROR_BAD_CHAR;
    case core::FormatError::count_without_code:
      return PYBUFFER_FORMAT_ERROR_COUNT_WITHOUT_CODE;
    case core::FormatError::too_long:
      return PYBUFFER_FORMAT_ERROR_TOO_LONG;
    case core::FormatError::syntax:
      return PYBUFFER_FORMAT_ERROR_SYNTAX;
    case core::FormatError::unsupported:
      return PYBUFFER_FORMAT_ERROR_UNSUPPORTED;
    case core::FormatError::too_deep:
      return PYBUFFER_FORMAT_ERROR_TOO_DEEP;
  }
  return PYBUFFER_FORMAT_ERROR_SYNTAX;
}

}  // namespace

PYBUFFER_PUBLISH(PyBuffer_SizeFromFormat);
extern "C" Py_ssize_t pybuffer_impl_PyBuffer_SizeFromFormat(const char *format) {
  PYBUFFER_COUNT_CALL(PyBuffer_SizeFromFormat);
  if (format == nullptr) {
    capi::raise_null("PyBuffer_SizeFromFormat", "format");
    return -1;
  }
  const core::FormatResult result = core::struct_calcsize(format, host_struct_dialect());
  if (__builtin_expect(result.ok(), true)) return result.itemsize;
  raise_format_error(format, result);
  return -1;
}

extern "C" PYBUFFER_API Py_ssize_t pybuffer_format_info(const char *format, int flags,
                                                        pybuffer_format_result *out) {
  pybuffer_format_result ignored;
  if (out == nullptr) out = &ignored;
  out->itemsize = -1;
  out->alignment = 1;
  out->error_offset = -1;
  if (format == nullptr) {
    out->error = PYBUFFER_FORMAT_ERROR_NULL;
    return -1;
  }
  core::FormatResult result;
  if (flags == PYBUFFER_FORMAT_STRUCT) {
    const core::StructDialect dialect = host_struct_dialect();
    result = core::struct_calcsize(format, dialect);
    if (result.ok()) result.alignment = core::struct_alignment(format, dialect);
  } else if (flags == PYBUFFER_FORMAT_PEP3118) {
    result = core::pep3118_calcsize(format);
  } else {
    out->error = PYBUFFER_FORMAT_ERROR_FLAGS;
    return -1;
  }
  out->error = public_error(result.error);
  if (!result.ok()) {
    out->error_offset = result.offset;
    return -1;
  }
  out->itemsize = result.itemsize;
  out->alignment = result.alignment;
  return result.itemsize;
}
