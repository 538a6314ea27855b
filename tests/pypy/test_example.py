"""pypy.example: the example extension, built against libpybuffer-pypy39, in pypy3.

Expected values are first principles (sizes from the struct rules, strides from the shape,
copies by index) and CPython 3.9's exceptions and messages (Objects/abstract.c). Prints
'N passed, N failed' and exits non-zero on any failure.
"""
import platform
import struct
import sys

import pybuffer_example as ex

checks = []


def check(name, got, expected):
    checks.append((name, got == expected))
    if got != expected:
        print("FAIL %s: got %r, expected %r" % (name, got, expected))


def raises(name, call, exception, message):
    try:
        call()
    except Exception as e:  # the wrong exception is a failure, not a crash
        check(name, (type(e).__name__, str(e)), (exception.__name__, message))
        return
    check(name, "no exception", exception.__name__)


check("running on PyPy", platform.python_implementation(), "PyPy")

# PyBuffer_SizeFromFormat: 3.9 answers as struct.calcsize; the sizes follow from the codes.
native_long = 8 if sys.maxsize > 2**32 else 4
for fmt, size in [
    ("B", 1), ("i", 4), ("3d", 24), ("<hq", 2 + 8), ("=hq", 2 + 8),
    ("@hq", 8 + 8),            # q aligned to 8 after the 2-byte h: 6 bytes of padding
    ("hq", 8 + 8), ("qh", 8 + 2),  # no trailing padding in struct's native mode
    ("5s", 5), ("?", 1), ("", 0), ("l", native_long), ("!I", 4), ("2x3h", 2 + 6),
]:
    check("SizeFromFormat(%r)" % fmt, ex.size_from_format(fmt), size)
raises("SizeFromFormat bad char", lambda: ex.size_from_format("ii!"), struct.error,
       "bad char in struct format")
raises("SizeFromFormat count without code", lambda: ex.size_from_format("3"), struct.error,
       "repeat count given without format specifier")

# PyBuffer_FillContiguousStrides: C order, last index fastest; 'F' first index fastest;
# 3.9 treats any order but 'F' as C.
shape = (2, 3, 4)
check("strides C", ex.fill_contiguous_strides(shape, 8, "C"), (3 * 4 * 8, 4 * 8, 8))
check("strides F", ex.fill_contiguous_strides(shape, 8, "F"), (8, 2 * 8, 2 * 3 * 8))
check("strides A is C", ex.fill_contiguous_strides(shape, 8, "A"), (96, 32, 8))
check("strides 1-d", ex.fill_contiguous_strides((7,), 2, "F"), (2,))
check("strides 0-d", ex.fill_contiguous_strides((), 4, "C"), ())
check("strides zero extent", ex.fill_contiguous_strides((0, 5), 1, "C"), (5, 1))

# PyObject_CopyData: contiguous, then strided sources and destinations, copied by index.
dest = bytearray(6)
ex.copy_data(dest, b"abcdef")
check("CopyData contiguous", bytes(dest), b"abcdef")

source = bytes(range(20))
dest = bytearray(7)
ex.copy_data(dest, memoryview(source)[::3])
check("CopyData strided source", bytes(dest), bytes(source[i] for i in range(0, 20, 3)))

backing = bytearray(20)
ex.copy_data(memoryview(backing)[1::2], b"ABCDEFGHIJ")
expected = bytearray(20)
for k, byte in enumerate(b"ABCDEFGHIJ"):
    expected[1 + 2 * k] = byte
check("CopyData strided destination", bytes(backing), bytes(expected))

# 2-d, transposed: a 3x4 matrix read through an exporter of its transpose (shape (4, 3),
# strides (1, 4): Fortran- but not C-contiguous), copied into a C-contiguous 4x3 one, and back.
# (PyPy's own 2-d memoryview slices export a wrong len, so a small exporter of the smoke
# module stands in.)
import pybuffer_pypy_smoke as smoke

rows, cols = 3, 4
matrix = bytearray(range(rows * cols))
transposed = [matrix[r * cols + c] for c in range(cols) for r in range(rows)]
backing = bytearray(rows * cols)
ex.copy_data(memoryview(backing).cast("B", (cols, rows)), smoke.Transposed(matrix, rows, cols))
check("CopyData transposed source", list(backing), transposed)
target = bytearray(rows * cols)
ex.copy_data(smoke.Transposed(target, rows, cols), memoryview(backing).cast("B", (cols, rows)))
check("CopyData transposed destination", target, matrix)

# Reversed (negative stride) source.
dest = bytearray(5)
ex.copy_data(dest, memoryview(b"12345")[::-1])
check("CopyData reversed source", bytes(dest), b"54321")

# CPython 3.9's errors.
raises("CopyData non-buffer dest", lambda: ex.copy_data(42, b"x"), TypeError,
       "both destination and source must be bytes-like objects")
raises("CopyData non-buffer src", lambda: ex.copy_data(bytearray(1), "x"), TypeError,
       "both destination and source must be bytes-like objects")
raises("CopyData too small", lambda: ex.copy_data(bytearray(2), b"abc"), BufferError,
       "destination is too small to receive data from source")
# A read-only destination is refused by its exporter's getbuffer, whose exception is the
# exporter's own (CPython's bytes: BufferError "Object is not writable."; PyPy's differs):
# refused it must be, and left as it was.
readonly_dest = b"xyz"
try:
    ex.copy_data(readonly_dest, b"abc")
    check("CopyData read-only dest refused", "no exception", "an exception")
except Exception as e:
    checks.append(("CopyData read-only dest refused", True))
    print("note: read-only destination refused by the exporter with %s(%r)"
          % (type(e).__name__, str(e)))
check("CopyData read-only dest untouched", readonly_dest, b"xyz")

failed = sum(1 for _, ok in checks if not ok)
print("%d passed, %d failed" % (len(checks) - failed, failed))
sys.exit(1 if failed else 0)
