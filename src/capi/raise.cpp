#include "capi/raise.hpp"

#include <cstdio>

#include "core/types.hpp"
#include "host/host.hpp"

namespace pybuffer::capi {
namespace {

host::Exception exception_type(core::Code code) {
  switch (code) {
    case core::Code::null_argument:
    case core::Code::bad_request_flags:
      return host::Exception::system_error;
    case core::Code::not_writable:
    case core::Code::writable_not_contiguous:
    case core::Code::missing_shape:
    case core::Code::missing_strides:
    case core::Code::len_mismatch:
    case core::Code::shape_mismatch:
    case core::Code::destination_too_small:
      return host::Exception::buffer_error;
    case core::Code::not_bytes_like:
      return host::Exception::type_error;
    case core::Code::index_out_of_range:
      return host::Exception::index_error;
    case core::Code::buffer_offset_overflow:
      return host::Exception::overflow_error;
    default:
      return host::Exception::value_error;
  }
}

void describe(char *out, std::size_t size, const core::Status &s, const char *function) {
  switch (s.code) {
    case core::Code::null_argument:
      std::snprintf(out, size, "%s: %s is NULL", function, s.what);
      return;
    case core::Code::ndim_out_of_range:
      std::snprintf(out, size, "%s: ndim is %lld, must be in 0..64", function, s.value);
      return;
    case core::Code::missing_shape:
      std::snprintf(out, size, "%s: view has ndim %lld but no shape", function, s.value);
      return;
    case core::Code::missing_strides:
      std::snprintf(out, size, "%s: view needs strides: %s", function, s.what);
      return;
    case core::Code::negative_shape:
      std::snprintf(out, size, "%s: shape[%d] is %lld, must be >= 0", function, s.dim, s.value);
      return;
    case core::Code::bad_itemsize:
      std::snprintf(out, size, "%s: itemsize is %lld, must be > 0", function, s.value);
      return;
    case core::Code::size_overflow:
      std::snprintf(out, size, "%s: %s overflows Py_ssize_t", function, s.what);
      return;
    case core::Code::len_mismatch:
      std::snprintf(out, size, "%s: view len is %lld but shape and itemsize give %lld", function,
                    s.value, s.expected);
      return;
    case core::Code::negative_len:
      std::snprintf(out, size, "%s: len is %lld, must be >= 0", function, s.value);
      return;
    case core::Code::bad_order: {
      const auto c = static_cast<unsigned char>(s.value);
      if (c >= 0x20 && c < 0x7F) {
        std::snprintf(out, size, "%s: order must be 'C', 'F' or 'A', not '%c'", function, c);
      } else {
        std::snprintf(out, size, "%s: order must be 'C', 'F' or 'A', not '\\x%02x'", function, c);
      }
      return;
    }
    case core::Code::shape_mismatch:
      if (s.dim < 0) {
        std::snprintf(out, size, "%s: destination has ndim %lld but source has ndim %lld", function,
                      s.value, s.expected);
      } else {
        std::snprintf(out, size, "%s: destination shape[%d] is %lld but source shape[%d] is %lld",
                      function, s.dim, s.value, s.dim, s.expected);
      }
      return;
    case core::Code::index_out_of_range:
      std::snprintf(out, size, "%s: indices[%d] is %lld, outside 0..%lld", function, s.dim, s.value,
                    s.expected - 1);
      return;
    case core::Code::len_not_view_len:
      std::snprintf(out, size, "%s: len != view->len", function);
      return;
    case core::Code::destination_too_small:
      std::snprintf(out, size, "destination is too small to receive data from source");
      return;
    case core::Code::not_bytes_like:
      std::snprintf(out, size, "%s", host::profile::copy_data_type_error);
      return;
    case core::Code::not_writable:
      std::snprintf(out, size, "underlying buffer is not writable");
      return;
    case core::Code::writable_not_contiguous:
      std::snprintf(out, size, "writable contiguous buffer requested for a non-contiguous object.");
      return;
    case core::Code::too_many_dimensions:
      std::snprintf(out, size, "memoryview: number of dimensions must not exceed %d",
                    core::max_ndim);
      return;
    case core::Code::bad_request_flags:
      std::snprintf(out, size, "%s: %s must be PyBUF_READ or PyBUF_WRITE, not %lld", function,
                    s.what, s.value);
      return;
    case core::Code::negative_buffer_size:
      std::snprintf(out, size, "size must be zero or positive");
      return;
    case core::Code::negative_buffer_offset:
      std::snprintf(out, size, "offset must be zero or positive");
      return;
    case core::Code::buffer_offset_overflow:
      std::snprintf(out, size, "%s: offset %lld past the base buffer's offset %lld overflows",
                    function, s.value, s.expected);
      return;
    case core::Code::no_memory:
    case core::Code::ok:
      break;
  }
  std::snprintf(out, size, "%s: failed", function);
}

}  // namespace

void raise(const core::Status &status, const char *function) {
  if (status.code == core::Code::no_memory) {
    host::raise_no_memory();
    return;
  }
  char message[256];
  describe(message, sizeof message, status, function);
  host::set_error(exception_type(status.code), message);
}

void raise_null(const char *function, const char *argument) {
  raise(core::Status{core::Code::null_argument, -1, 0, 0, argument}, function);
}

}  // namespace pybuffer::capi
