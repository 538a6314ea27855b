// Errors of the Python-free core, as values. The capi layer turns each code into the host's
// exception in one place (src/capi/raise.cpp); core never builds a message itself.
#pragma once

#include <cstddef>

namespace pybuffer::core {

enum class Code : unsigned char {
  ok,
  null_argument,       // what: the argument's name
  ndim_out_of_range,   // value: ndim
  missing_shape,       // value: ndim (> 1 with shape == NULL)
  missing_strides,     // what: why strides were needed
  negative_shape,      // dim, value
  bad_itemsize,        // value
  size_overflow,       // what: which product
  len_mismatch,        // value: len, expected: product(shape) * itemsize
  negative_len,        // value: len
  bad_order,           // value: the order character
  shape_mismatch,      // dim (-1: ndim differs), value: dest extent, expected: source extent
  index_out_of_range,  // dim, value: index, expected: extent
  no_memory,
  // CPython's own messages for the copy operations, raised word for word.
  len_not_view_len,         // ToContiguous: len differs from the view's len (ValueError)
  destination_too_small,    // CopyData: dest.len < src.len (BufferError)
  not_bytes_like,           // CopyData: an object without buffer slots (TypeError)
  not_writable,             // GetContiguous: PyBUF_WRITE on read-only memory (BufferError)
  writable_not_contiguous,  // GetContiguous: PyBUF_WRITE needs a copy (BufferError)
  too_many_dimensions,      // memoryview's own limit, ndim > 64 (ValueError); value: ndim
  // pybuffer's refusals of arguments CPython only asserts.
  bad_request_flags,  // what: the argument's name, value: it (SystemError)
  // Python 2.7's buffer objects (core/legacy_buffer.hpp): 2.7's ValueErrors word for word,
  // and pybuffer's refusal where 2.7's offset arithmetic overflows.
  negative_buffer_size,    // value: size
  negative_buffer_offset,  // value: offset
  buffer_offset_overflow,  // value: requested offset, expected: the outer buffer's offset
};

struct Status {
  Code code = Code::ok;
  int dim = -1;
  long long value = 0;
  long long expected = 0;
  const char *what = nullptr;

  constexpr bool ok() const { return code == Code::ok; }
};

constexpr Status ok_status() {
  return Status{};
}

}  // namespace pybuffer::core
