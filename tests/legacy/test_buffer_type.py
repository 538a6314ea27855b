"""legacy.python.<host>: the Python-visible behaviour of pybuffer.buffer on this interpreter,
against the bytes a buffer means: buffer(base, offset, size) shows base[offset:offset+size]
(to the end for Py_END_OF_BUFFER), taken afresh at every access.

    test_buffer_type.py <libpybuffer.so>             (CPython: the twins through ctypes)
    test_buffer_type.py --module <dir> <module>      (any runtime, PyPy included: the twins
                                                      through tests/legacy/constructors.c)
"""
import array
import ctypes
import gc
import importlib
import re
import sys
import unittest

END = -1


class Api:
    """The porting layer's constructors and checks, as Python callables."""


api = Api()
if sys.argv[1] == "--module":
    sys.path.insert(0, sys.argv.pop(2))
    _module = importlib.import_module(sys.argv.pop(2))
    sys.argv.pop(1)
    for _name in ("from_object", "from_read_write_object", "from_memory",
                  "from_read_write_memory", "new", "check", "sequence_item"):
        setattr(api, _name, getattr(_module, _name))
else:
    lib = ctypes.PyDLL(sys.argv.pop(1))
    for _name in ("FromObject", "FromReadWriteObject"):
        _f = getattr(lib, "pybuffer_PyBuffer_" + _name)
        _f.restype = ctypes.py_object
        _f.argtypes = [ctypes.py_object, ctypes.c_ssize_t, ctypes.c_ssize_t]
    for _name in ("FromMemory", "FromReadWriteMemory"):
        _f = getattr(lib, "pybuffer_PyBuffer_" + _name)
        _f.restype = ctypes.py_object
        _f.argtypes = [ctypes.c_void_p, ctypes.c_ssize_t]
    lib.pybuffer_PyBuffer_New.restype = ctypes.py_object
    lib.pybuffer_PyBuffer_New.argtypes = [ctypes.c_ssize_t]
    lib.pybuffer_PyBuffer_Check.restype = ctypes.c_int
    lib.pybuffer_PyBuffer_Check.argtypes = [ctypes.py_object]
    ctypes.pythonapi.PySequence_GetItem.restype = ctypes.py_object
    ctypes.pythonapi.PySequence_GetItem.argtypes = [ctypes.py_object, ctypes.c_ssize_t]
    api.from_object = lib.pybuffer_PyBuffer_FromObject
    api.from_read_write_object = lib.pybuffer_PyBuffer_FromReadWriteObject
    api.from_memory = lib.pybuffer_PyBuffer_FromMemory
    api.from_read_write_memory = lib.pybuffer_PyBuffer_FromReadWriteMemory
    api.new = lib.pybuffer_PyBuffer_New
    api.check = lib.pybuffer_PyBuffer_Check
    api.sequence_item = ctypes.pythonapi.PySequence_GetItem

# The repr shows C addresses: CPython's id() is one, PyPy's is not.
ID_IS_ADDRESS = sys.implementation.name == "cpython"


def _host_locks_exports():
    """Whether this runtime's bytearray refuses to resize while exported (PyPy's does not)."""
    base = bytearray(b"a")
    view = memoryview(base)
    try:
        base.extend(b"x")
        return False
    except BufferError:
        return True
    finally:
        view.release()


HOST_LOCKS_EXPORTS = _host_locks_exports()

seq_item = api.sequence_item
ro = api.from_object
rw = api.from_read_write_object


def meant(base, offset, size):
    data = bytes(base)[offset:]
    return data if size == END else data[:size]


class BufferType(unittest.TestCase):
    def test_bytes_like_behaviour(self):
        base = b"hello world"
        for offset in (0, 2, 11, 20):
            for size in (END, 0, 3, 9, 20):
                with self.subTest(offset=offset, size=size):
                    b = ro(base, offset, size)
                    want = meant(base, offset, size)
                    self.assertEqual(len(b), len(want))
                    self.assertEqual(bytes(b), want)
                    self.assertEqual(memoryview(b).tobytes(), want)
                    self.assertTrue(memoryview(b).readonly)
                    self.assertEqual(b[:], want)
                    self.assertEqual(b[1:3], want[1:3])
                    self.assertEqual(b[::-1], want[::-1])
                    self.assertEqual(list(b), list(want))
                    for i in range(-len(want), len(want)):
                        self.assertEqual(b[i], want[i])
                    self.assertRaises(IndexError, lambda: b[len(want)])
                    for i in range(len(want)):  # the sequence protocol, as C callers use it
                        self.assertEqual(seq_item(b, i), want[i])
                    self.assertRaises(IndexError, seq_item, b, len(want))
                    self.assertTrue(b == want and not b != want)
                    self.assertTrue(b == bytearray(want) and b == memoryview(want))
                    self.assertFalse(b == want + b"!")
                    self.assertEqual(b < want + b"!", True)
                    self.assertEqual(hash(b), hash(want))
                    self.assertEqual((b.offset, b.size), (offset, size))
                    self.assertEqual(api.check(b), 1)

    def test_repr_is_two_sevens(self):
        base = b"hello world"
        b = ro(base, 2, 5)
        if ID_IS_ADDRESS:
            self.assertEqual(repr(b), "<read-only buffer for 0x%x, size 5, offset 2 at 0x%x>"
                             % (id(base), id(b)))
        self.assertRegex(repr(b), r"^<read-only buffer for 0x[0-9a-f]+, size 5, offset 2 at "
                                  r"0x[0-9a-f]+>$")
        w = rw(bytearray(base), 0, END)
        self.assertTrue(repr(w).startswith("<read-write buffer for 0x"))
        self.assertRegex(repr(w), r", size -1, offset 0 at 0x[0-9a-f]+>$")
        if ID_IS_ADDRESS:
            self.assertIn("size -1, offset 0 at 0x%x>" % id(w), repr(w))

    def test_sees_the_base_as_it_is_now(self):
        base = bytearray(b"abcdef")
        b = ro(base, 2, 3)
        self.assertEqual(bytes(b), b"cde")
        del base[3:]
        self.assertEqual(bytes(b), b"c")
        base.extend(b"XYZW")
        self.assertEqual(bytes(b), b"cXY")

    def test_view_keeps_the_base_from_resizing(self):
        base = bytearray(b"abcdef")
        view = memoryview(rw(base, 1, 2))
        if HOST_LOCKS_EXPORTS:
            self.assertRaises(BufferError, base.extend, b"x")
        view[0] = ord("Z")
        self.assertEqual(base, bytearray(b"aZcdef"))
        view.release()
        base.extend(b"x")

    def test_holds_the_base(self):
        base = bytearray(b"abc")
        if hasattr(sys, "getrefcount"):  # CPython counts the reference the buffer holds
            before = sys.getrefcount(base)
            b = ro(base, 0, END)
            self.assertEqual(sys.getrefcount(base), before + 1)
            del b
            self.assertEqual(sys.getrefcount(base), before)
        b = ro(base, 1, END)
        del base
        gc.collect()
        self.assertEqual(bytes(b), b"bc")

    def test_buffer_of_buffer_refers_to_the_base(self):
        base = b"0123456789"
        outer = ro(base, 2, 5)
        inner = ro(outer, 1, END)
        self.assertEqual(bytes(inner), meant(meant(base, 2, 5), 1, END))
        self.assertEqual((inner.offset, inner.size), (3, 4))
        if ID_IS_ADDRESS:
            self.assertIn("for 0x%x," % id(base), repr(inner))
        # Whatever the runtime's ids are, inner names the base the outer one names.
        base_of = re.compile(r"^<read-only buffer for (0x[0-9a-f]+), ")
        self.assertEqual(base_of.match(repr(inner)).group(1), base_of.match(repr(outer)).group(1))

    def test_writable(self):
        base = bytearray(b"abcdef")
        w = rw(base, 1, 3)
        self.assertFalse(memoryview(w).readonly)
        self.assertRaises(TypeError, hash, w)
        self.assertRaises(TypeError, memoryview(ro(base, 0, END)).__setitem__, 0, 1)
        array_base = array.array("i", [1, 2])
        self.assertEqual(bytes(rw(array_base, 0, END)), array_base.tobytes())

    def test_argument_errors(self):
        for call, message in (((b"x", -1, 2), "offset must be zero or positive"),
                              ((b"x", 0, -2), "size must be zero or positive"),
                              ((b"x", -1, -2), "offset must be zero or positive")):
            with self.assertRaises(ValueError) as caught:
                ro(*call)
            self.assertEqual(str(caught.exception), message)
        with self.assertRaises(TypeError) as caught:
            ro(12345, 0, END)
        self.assertEqual(str(caught.exception), "buffer object expected")
        self.assertRaises(TypeError, rw, b"read-only", 0, END)
        self.assertRaises(ValueError, api.new, -1)
        self.assertRaises(MemoryError, api.new, sys.maxsize)
        self.assertRaises(SystemError, api.from_memory, None, 5)
        self.assertRaises(ValueError, api.from_memory, None, END)

    def test_memory_and_new(self):
        keep = ctypes.create_string_buffer(b"0123456789")
        m = api.from_memory(ctypes.addressof(keep), 5)
        self.assertEqual(bytes(m), b"01234")
        self.assertTrue(repr(m).startswith("<read-only buffer ptr 0x%x, size 5 at 0x"
                                           % ctypes.addressof(keep)))
        w = api.from_read_write_memory(ctypes.addressof(keep), 3)
        memoryview(w)[0] = ord("A")
        self.assertEqual(keep.value, b"A123456789")
        n = api.new(6)
        self.assertEqual(bytes(n), bytes(6))
        memoryview(n)[:2] = b"hi"
        self.assertEqual(n[:3], b"hi\0")
        self.assertEqual(api.check(bytearray()), 0)

    def test_not_constructible_from_python(self):
        self.assertRaises(TypeError, type(api.new(1)))


if __name__ == "__main__":
    unittest.main()
