// The exporter catalog: Python expressions over the helpers in helpers_py.cpp.
#include "exporters.hpp"

namespace diff {

const std::vector<ExporterCase> &exporter_cases() {
  static const std::vector<ExporterCase> cases = {
      // bytes and bytearray: PyBuffer_FillInfo-based exporters
      {"bytes_empty", "same(b'')", true},
      {"bytes_17", "same(pat(17))", true},
      {"bytes_subclass", "same(BytesSub(pat(5)))", true},
      {"bytearray_empty", "same(bytearray())", true},
      {"bytearray_16", "same(bytearray(pat(16, 1)))", true},
      // array.array: one per typecode (the ones this host lacks are skipped)
      {"array_b", "arr('b')", true},
      {"array_B", "arr('B')", true},
      {"array_u", "arr('u')", true},
      {"array_w", "arr('w')", true},
      {"array_h", "arr('h')", true},
      {"array_H", "arr('H')", true},
      {"array_i", "arr('i')", true},
      {"array_I", "arr('I')", true},
      {"array_l", "arr('l')", true},
      {"array_L", "arr('L')", true},
      {"array_q", "arr('q')", true},
      {"array_Q", "arr('Q')", true},
      {"array_f", "arr('f')", true},
      {"array_d", "arr('d')", true},
      {"array_empty", "arr('d', 0)", true},
      // memoryview: slices (negative and non-unit steps), casts to N-d and 0-d
      {"mv_bytes", "mv(pat(12, 2))", true},
      {"mv_step2", "mv(bytearray(pat(16, 3)), slice(1, None, 2))", true},
      {"mv_reversed", "mv(bytearray(pat(16, 4)), slice(None, None, -1))", true},
      {"mv_step_minus3", "mv(bytearray(pat(16, 5)), slice(-2, None, -3))", true},
      {"mv_empty_slice", "mv(bytearray(pat(16, 6)), slice(5, 5))", true},
      {"mv_cast_2d", "mv(bytearray(pat(24, 7)), None, 'B', [4, 6])", true},
      {"mv_cast_2d_readonly", "mv(pat(24, 8), None, 'h', [3, 4])", true},
      {"mv_cast_3d_i", "mv(arr('i', 24)[0], None, 'i', [2, 3, 4])", true},
      {"mv_cast_0d", "mv(bytearray(pat(4, 9)), None, 'i', [])", true},
      {"mv_of_strided_nd", "(memoryview(nd([6, 4], 'h', W)[::2, ::-1]), None)", true},
      {"mv_released", "released_mv()", true},
      // _testbuffer.ndarray: N-d, strided, Fortran, PIL, read-only, refusing, redirecting
      {"nd_1d_B", "same(nd([12], 'B', W))", true},
      {"nd_2d_i_readonly", "same(nd([3, 4], 'i'))", true},
      {"nd_2d_i", "same(nd([3, 4], 'i', W))", true},
      {"nd_3d_h", "same(nd([2, 3, 4], 'h', W))", true},
      {"nd_4d_d", "same(nd([2, 2, 2, 3], 'd', W))", true},
      {"nd_64d", "same(nd([1] * 61 + [2, 1, 3], 'B', W))", true},
      {"nd_fortran", "same(nd([3, 4], 'i', W | FORTRAN))", true},
      {"nd_fortran_readonly", "same(nd([2, 3, 2], 'h', FORTRAN))", true},
      {"nd_rows_step2", "sliced(nd([6, 4], 'i', W), slice(None, None, 2))", true},
      {"nd_cols_reversed", "sliced(nd([3, 4], 'i', W), (slice(None), slice(None, None, -1)))",
       true},
      {"nd_both_strided", "sliced(nd([6, 5], 'h', W), (slice(None, None, -2), slice(1, None, 2)))",
       true},
      {"nd_column", "sliced(nd([4, 3], 'q', W), (slice(None), slice(1, 2)))", true},
      {"nd_pil_2d", "same(nd([3, 4], 'B', W | PIL))", true},
      {"nd_pil_3d", "same(nd([2, 3, 2], 'i', W | PIL))", true},
      {"nd_pil_sliced", "sliced(nd([3, 4], 'B', W | PIL), (slice(None, None, -1), slice(1, 3)))",
       true},
      {"nd_pil_readonly", "same(nd([2, 3], 'h', PIL))", true},
      {"nd_scalar", "same(nd([], 'i', W))", true},
      {"nd_zero_1d", "sliced(nd([3], 'i', W), slice(1, 1))", true},
      {"nd_zero_2d", "sliced(nd([3, 4], 'i', W), (slice(None), slice(2, 2)))", true},
      {"nd_zero_first", "sliced(nd([3, 4], 'h', W), slice(0, 0))", true},
      {"nd_struct_format", "same(nd([3], 'hQ', W))", true},
      {"nd_bool_format", "same(nd([2, 2], '?', W))", true},
      {"nd_getbuf_fail", "same(nd([3], 'B', W | GETBUF_FAIL))", true},
      {"nd_getbuf_undefined", "same(nd([3], 'B', GETBUF_FAIL | GETBUF_UNDEFINED))", true},
      {"nd_redirect", "consumer(bytearray(pat(8, 10)), tb.PyBUF_FULL_RO, REDIRECT)", true},
      {"nd_reexport_nd_only", "consumer(nd([3, 4], 'B', W), tb.PyBUF_ND)", true},
      {"nd_reexport_simple", "consumer(bytearray(pat(6, 11)), tb.PyBUF_SIMPLE)", true},
      {"nd_varexport", "same(nd([2, 3], 'i', W | VAREXPORT))", true},
      // ctypes: PEP 3118 formats with byte order and structs
      {"ctypes_int_array", "ct('ints')", true},
      {"ctypes_2d_short", "ct('2d')", true},
      {"ctypes_struct_array", "ct('struct')", true},
      // PEP 688 classes (3.12+), and exporters whose bf_getbuffer raises
      {"pep688_bytearray", "pep688('ok', bytearray(pat(8, 12)))", true},
      {"pep688_bytes", "pep688('ok', pat(8, 13))", true},
      {"pep688_raises", "pep688('raises')", true},
      {"pep688_bad_return", "pep688('bad')", true},
      {"tracer_refusing", "same(Tracer(None, 1))", true},
      // no buffer protocol at all
      {"nobuf_int", "same(12345)", false},
      {"nobuf_str", "same('abc')", false},
      {"nobuf_none", "same(None)", false},
      {"nobuf_list", "same([1, 2, 3])", false},
      {"nobuf_type", "same(bytes)", false},
  };
  return cases;
}

std::vector<ExporterCase> buffer_exporter_cases() {
  std::vector<ExporterCase> out;
  for (const ExporterCase &c : exporter_cases()) {
    if (c.has_buffer && std::string(c.name) != "tracer_refusing") out.push_back(c);
  }
  return out;
}

Built build_exporter(const char *expr) {
  Built b;
  Ref pair = eval(expr);
  if (!pair) {
    if (PyErr_ExceptionMatches(unavailable_error())) {
      b.unavailable = take_error().message;
    } else {
      b.error = std::string(expr) + ": " + take_error_text();
    }
    return b;
  }
  if (!PyTuple_Check(pair.get()) || PyTuple_GET_SIZE(pair.get()) != 2) {
    b.error = std::string(expr) + " did not return (exporter, root)";
    return b;
  }
  b.exporter = Ref::borrow(PyTuple_GET_ITEM(pair.get(), 0));
  b.root = Ref::borrow(PyTuple_GET_ITEM(pair.get(), 1));
  return b;
}

const std::vector<FlagCase> &request_flags() {
  static const std::vector<FlagCase> flags = {
      {"SIMPLE", PyBUF_SIMPLE},
      {"WRITABLE", PyBUF_WRITABLE},
      {"FORMAT", PyBUF_FORMAT},
      {"WRITABLE_FORMAT", PyBUF_WRITABLE | PyBUF_FORMAT},
      {"ND_is_CONTIG_RO", PyBUF_ND},
      {"CONTIG", PyBUF_CONTIG},
      {"ND_FORMAT", PyBUF_ND | PyBUF_FORMAT},
      {"CONTIG_FORMAT", PyBUF_CONTIG | PyBUF_FORMAT},
      {"STRIDES_is_STRIDED_RO", PyBUF_STRIDES},
      {"STRIDED", PyBUF_STRIDED},
      {"RECORDS_RO", PyBUF_RECORDS_RO},
      {"RECORDS", PyBUF_RECORDS},
      {"C_CONTIGUOUS", PyBUF_C_CONTIGUOUS},
      {"C_CONTIGUOUS_WRITABLE", PyBUF_C_CONTIGUOUS | PyBUF_WRITABLE},
      {"C_CONTIGUOUS_FORMAT", PyBUF_C_CONTIGUOUS | PyBUF_FORMAT},
      {"C_CONTIGUOUS_WRITABLE_FORMAT", PyBUF_C_CONTIGUOUS | PyBUF_WRITABLE | PyBUF_FORMAT},
      {"F_CONTIGUOUS", PyBUF_F_CONTIGUOUS},
      {"F_CONTIGUOUS_WRITABLE", PyBUF_F_CONTIGUOUS | PyBUF_WRITABLE},
      {"F_CONTIGUOUS_FORMAT", PyBUF_F_CONTIGUOUS | PyBUF_FORMAT},
      {"F_CONTIGUOUS_WRITABLE_FORMAT", PyBUF_F_CONTIGUOUS | PyBUF_WRITABLE | PyBUF_FORMAT},
      {"ANY_CONTIGUOUS", PyBUF_ANY_CONTIGUOUS},
      {"ANY_CONTIGUOUS_WRITABLE", PyBUF_ANY_CONTIGUOUS | PyBUF_WRITABLE},
      {"ANY_CONTIGUOUS_FORMAT", PyBUF_ANY_CONTIGUOUS | PyBUF_FORMAT},
      {"ANY_CONTIGUOUS_WRITABLE_FORMAT", PyBUF_ANY_CONTIGUOUS | PyBUF_WRITABLE | PyBUF_FORMAT},
      {"INDIRECT", PyBUF_INDIRECT},
      {"INDIRECT_WRITABLE", PyBUF_INDIRECT | PyBUF_WRITABLE},
      {"FULL_RO", PyBUF_FULL_RO},
      {"FULL", PyBUF_FULL},
      {"READ", PyBUF_READ},
      {"WRITE", PyBUF_WRITE},
  };
  return flags;
}

}  // namespace diff
