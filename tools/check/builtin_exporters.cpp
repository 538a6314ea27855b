#include "builtin_exporters.hpp"

namespace pybuffer::check {

#define TB "_testbuffer."

const BuiltinExporter kBuiltinExporters[] = {
    {"bytes", "b'pybuffer'", nullptr},
    {"bytearray", "bytearray(range(12))", nullptr},
    {"bytearray (empty)", "bytearray()", nullptr},
    {"array('b')", "array.array('b', [-1, 0, 1])", nullptr},
    {"array('H')", "array.array('H', [1, 2, 65535])", nullptr},
    {"array('i')", "array.array('i', range(5))", nullptr},
    {"array('q')", "array.array('q', [2**40, -2**40])", nullptr},
    {"array('f')", "array.array('f', [0.25, 0.5])", nullptr},
    {"array('d')", "array.array('d', [0.5, 1.5, 2.5])", nullptr},
    {"array('i') (empty)", "array.array('i')", nullptr},
    {"memoryview(bytes)", "memoryview(b'abcdef')", nullptr},
    {"memoryview[1:7:2] of bytes", "memoryview(b'abcdefgh')[1:7:2]", nullptr},
    {"memoryview[::-2]", "memoryview(bytearray(range(10)))[::-2]", nullptr},
    {"memoryview.cast('B', [3, 4])", "memoryview(bytearray(range(12))).cast('B', [3, 4])", nullptr},
    {"memoryview.cast('i', [2, 3])", "memoryview(bytearray(24)).cast('i', [2, 3])", nullptr},
    {"memoryview.cast('d', []) (0-d)", "memoryview(bytearray(8)).cast('d', [])", nullptr},
    {"memoryview.toreadonly()", "memoryview(bytearray(range(6))).toreadonly()", nullptr,
     0x03080000},
    {"memoryview of ndarray[::2, ::-1]",
     "memoryview(" TB "ndarray(list(range(12)), shape=[3, 4], format='i')[::2, ::-1])",
     "_testbuffer"},
    {"ndarray 3x4 writable", TB "ndarray(list(range(12)), shape=[3, 4], flags=" TB "ND_WRITABLE)",
     "_testbuffer"},
    {"ndarray 3x4 [::2, ::-1]",
     TB "ndarray(list(range(12)), shape=[3, 4], flags=" TB "ND_WRITABLE)[::2, ::-1]",
     "_testbuffer"},
    {"ndarray Fortran 2x3 'i'",
     TB "ndarray(list(range(6)), shape=[2, 3], format='i', flags=" TB "ND_FORTRAN)", "_testbuffer"},
    {"ndarray PIL 2x3", TB "ndarray(list(range(6)), shape=[2, 3], flags=" TB "ND_PIL)",
     "_testbuffer"},
    {"ndarray PIL 3x4 [1:, ::-1]",
     TB "ndarray(list(range(12)), shape=[3, 4], flags=" TB "ND_PIL)[1:, ::-1]", "_testbuffer"},
    {"ndarray 0-d 'q'", TB "ndarray(7, shape=[], format='q')", "_testbuffer"},
    {"ndarray 0x4 'i' (zero extent)", TB "ndarray(list(range(12)), shape=[3, 4], format='i')[1:1]",
     "_testbuffer"},
    {"ndarray struct 'hQ'", TB "ndarray([(1, 2), (3, 4)], shape=[2], format='hQ')", "_testbuffer"},
    {"ndarray redirect to bytearray",
     TB "ndarray(bytearray(range(12)), getbuf=" TB "PyBUF_FULL_RO, flags=" TB "ND_REDIRECT)",
     "_testbuffer"},
};

#undef TB

const int kBuiltinExporterCount =
    static_cast<int>(sizeof kBuiltinExporters / sizeof kBuiltinExporters[0]);

}  // namespace pybuffer::check
