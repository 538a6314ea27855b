// Python source of the helper namespace: building blocks for the exporters the tests use.
// Every case is a Python expression evaluated here that returns (exporter, root), where root
// is the object whose whole memory snapshot() compares after a call that may write.
namespace diff {

extern const char *const kHelperSource;
const char *const kHelperSource = R"PY(
import array
import sys
import warnings


class Unavailable(Exception):
    """This case cannot be built on this host (a module or a feature is missing)."""


try:
    import _testbuffer as tb
except ImportError:
    tb = None
try:
    import ctypes
except ImportError:
    ctypes = None

MINOR = sys.version_info[1]
if tb is not None:
    W = tb.ND_WRITABLE
    FORTRAN = tb.ND_FORTRAN
    PIL = tb.ND_PIL
    REDIRECT = tb.ND_REDIRECT
    GETBUF_FAIL = tb.ND_GETBUF_FAIL
    GETBUF_UNDEFINED = tb.ND_GETBUF_UNDEFINED
    VAREXPORT = tb.ND_VAREXPORT


def need(ok, what):
    if not ok:
        raise Unavailable(what)


def pat(n, salt=0):
    return bytes((i * 37 + salt * 101 + 11) & 0xFF for i in range(n))


def same(x):
    return (x, x)


def arr(tc, n=7):
    need(tc in array.typecodes, "array typecode %r" % tc)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # 'u' is deprecated on newer hosts
        if tc in "uw":
            return same(array.array(tc, "h\xe9llo w\u20acrld"[:n]))
        if tc in "fd":
            return same(array.array(tc, [1.5 * i - 2.25 for i in range(n)]))
        low = 0 if tc.isupper() else -3
        return same(array.array(tc, [low + 5 * i for i in range(n)]))


def items(fmt, n):
    if fmt in ("f", "d", "e"):
        return [0.5 * i - 1.0 for i in range(n)]
    if fmt == "?":
        return [i % 3 == 0 for i in range(n)]
    if fmt == "c":
        return [bytes([65 + i % 26]) for i in range(n)]
    if fmt == "hQ":
        return [(i - 2, 1000 * i) for i in range(n)]
    if fmt in ("b", "h", "i", "l", "q"):
        return [(i * 7) % 50 - 20 for i in range(n)]
    return [(i * 7 + 3) % 100 for i in range(n)]


def nd(shape, fmt="B", flags=0, **kw):
    """A _testbuffer.ndarray owning its memory (zero-size shapes come from slicing)."""
    need(tb is not None, "_testbuffer")
    n = 1
    for s in shape:
        n *= s
    if not shape:
        return tb.ndarray(items(fmt, 1)[0], shape=[], format=fmt, flags=flags, **kw)
    return tb.ndarray(items(fmt, n), shape=list(shape), format=fmt, flags=flags, **kw)


def sliced(base, key):
    """(base[key], base): a strided consumer view of base and the memory it lives in."""
    return (base[key], base)


def consumer(base, getbuf, flags=0):
    """An ndarray re-exporting base's buffer as obtained with the request getbuf."""
    need(tb is not None, "_testbuffer")
    return (tb.ndarray(base, getbuf=getbuf, flags=flags), base)


def mv(base, key=None, fmt=None, shape=None):
    m = memoryview(base)
    if key is not None:
        m = m[key]
    if fmt is not None:
        m = m.cast("B").cast(fmt, shape) if shape is not None else m.cast(fmt)
    return (m, base)


def released_mv():
    m = memoryview(bytearray(pat(8)))
    m.release()
    return same(m)


class PyExporter:
    """PEP 688 exporter: hands out views of its own bytes or bytearray."""

    def __init__(self, data):
        self.data = data
        self.calls = []

    def __buffer__(self, flags):
        self.calls.append(flags)
        return memoryview(self.data)

    def __release_buffer__(self, view):
        self.calls.append("release")


class PyExporterRaises:
    def __buffer__(self, flags):
        raise ValueError("PyExporterRaises refuses flags %#x" % flags)


class PyExporterBadReturn:
    def __buffer__(self, flags):
        return 42


def pep688(kind, data=b""):
    need(MINOR >= 12, "__buffer__ needs Python 3.12")
    if kind == "ok":
        x = PyExporter(data)
        return (x, data)
    return same(PyExporterRaises() if kind == "raises" else PyExporterBadReturn())


class BytesSub(bytes):
    pass


def ct(kind):
    need(ctypes is not None, "ctypes")
    if kind == "ints":
        return same((ctypes.c_int * 4)(1, -2, 3, -4))
    if kind == "2d":
        a = ((ctypes.c_short * 3) * 2)()
        for i in range(2):
            for j in range(3):
                a[i][j] = 10 * i + j
        return same(a)

    class Point(ctypes.Structure):
        _fields_ = [("x", ctypes.c_int), ("y", ctypes.c_double)]

    a = (Point * 2)()
    a[0].x, a[0].y, a[1].x, a[1].y = 1, 2.5, -3, 4.25
    return same(a)


def pair(dest, src):
    """(dest, src, dest_root, src_root) from two (exporter, root) cases."""
    return (dest[0], src[0], dest[1], src[1])


def self_pair(x):
    return (x, x, x, x)


def snap(root):
    try:
        return memoryview(root).tobytes()
    except Exception as e:
        return ("<no buffer: %s>" % type(e).__name__).encode()
)PY";

}  // namespace diff
