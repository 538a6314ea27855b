"""pypy.smoke: libpybuffer-pypy39's GetBuffer, Release, IsContiguous and ToContiguous inside
pypy3, on bytes, bytearray, array and memoryview objects.

pybuffer's answers are checked against the exporter's own description of itself (its
memoryview: shape, strides, format, contiguity, the bytes in each order); a disagreement
fails the test, unless PyPy's own GetBuffer gets the same field wrong: then it is the
exporter's, printed as an 'exporter:' line. Where PyPy's own functions answer differently
from pybuffer's, a 'difference:' line says so without failing: the exact differential
against CPython 3.9 is a later step. Prints 'N passed, N failed'.
"""
import array
import struct
import sys

import pybuffer_pypy_smoke as smoke

PYPY, PYBUFFER = 0, 1
checks = []
differences = []


def check(name, got, expected):
    checks.append(got == expected)
    if got != expected:
        print("FAIL %s: got %r, expected %r" % (name, got, expected))


def exporters():
    matrix = memoryview(bytearray(range(24))).cast("B", (4, 6))
    return [
        ("bytes", b"abcdef"),
        ("bytearray", bytearray(b"0123456789")),
        ("array('i')", array.array("i", [1, -2, 3, 70000])),
        ("array('d')", array.array("d", [0.5, 1.5])),
        ("memoryview of bytes", memoryview(b"xyz")),
        ("memoryview strided", memoryview(bytes(range(20)))[::3]),
        ("memoryview reversed", memoryview(bytes(range(5)))[::-1]),
        ("memoryview 2-d", matrix),
        ("memoryview 2-d rows", matrix[::2]),
        ("memoryview 2-d cast 'H'", memoryview(bytearray(24)).cast("H", (3, 4))),
    ]


def item_bytes(m, order):
    """The items of m as bytes, in C or Fortran order, from first principles: its items as
    Python values (tolist) packed by its format, one index stepped at a time."""
    if m.ndim == 0:
        return struct.pack(m.format, m.tolist())
    shape, items = tuple(m.shape), m.tolist()
    out = bytearray()
    index = [0] * m.ndim
    steps = range(m.ndim) if order == "F" else range(m.ndim - 1, -1, -1)
    for _ in range(m.nbytes and product(shape)):
        item = items
        for i in index:
            item = item[i]
        out += struct.pack(m.format, item)
        for k in steps:
            index[k] += 1
            if index[k] < shape[k]:
                break
            index[k] = 0
    return bytes(out)


def product(values):
    result = 1
    for value in values:
        result *= value
    return result


def expected_view(obj, flags):
    """The view a CPython 3.9 exporter gives for a strided request: the layout its memoryview
    reports, the length and bytes that layout implies."""
    m = memoryview(obj)
    shape = tuple(m.shape)
    c_order, f_order = item_bytes(m, "C"), item_bytes(m, "F")
    return {
        "len": product(shape) * m.itemsize, "itemsize": m.itemsize, "readonly": int(m.readonly),
        "ndim": m.ndim,
        "format": m.format if flags & smoke.PyBUF_RECORDS_RO == smoke.PyBUF_RECORDS_RO else None,
        "shape": shape, "strides": tuple(m.strides), "suboffsets": None,
        "obj_is_exporter": True,
        "contiguous": (int(m.c_contiguous), int(m.f_contiguous), int(m.contiguous)),
        # 'A': the memory as it lies when the view is contiguous either way, else C order.
        "to_contiguous": (c_order, f_order,
                          f_order if m.f_contiguous and not m.c_contiguous else c_order),
        "obj_cleared_by_release": True,
    }


def outcome(obj, flags, get, use):
    try:
        return smoke.view(obj, flags, get, use)
    except Exception as e:  # compared like any answer
        return "%s: %s" % (type(e).__name__, e)


def compare_with_pypy(name, key, pypy_value, pybuffer_value):
    if pypy_value != pybuffer_value:
        differences.append("%s %s: PyPy %r, pybuffer %r" % (name, key, pypy_value, pybuffer_value))


FIELDS = ("len", "itemsize", "readonly", "ndim", "format", "shape", "strides", "suboffsets",
          "obj_is_exporter", "obj_cleared_by_release")
LAYOUT = ("len", "itemsize", "ndim", "shape", "strides", "suboffsets")
UNWRITTEN = -0x54545455  # the int the smoke module's 0xAB fill reads as
DERIVED = ("contiguous", "to_contiguous")
exporter_notes = []


def judge(label, ours, theirs, expected):
    """Fails pybuffer where it disagrees with the exporter's description while PyPy's own
    GetBuffer agrees with it; a field both get wrong is the exporter's (noted). Contiguity
    and copies are judged only on a view whose layout is right."""
    layout_right = True
    for key in FIELDS:
        if ours[key] == expected[key]:
            checks.append(True)
        elif not isinstance(theirs, dict) or theirs[key] != expected[key]:
            layout_right = layout_right and key not in LAYOUT
            given = "left unwritten" if ours[key] == UNWRITTEN else "%r" % (ours[key],)
            exporter_notes.append("%s %s: the exporter's view has %s, the object says %r"
                                  % (label, key, given, expected[key]))
        else:
            check("%s %s" % (label, key), ours[key], expected[key])
    for key in DERIVED:
        if layout_right:
            check("%s %s" % (label, key), ours[key], expected[key])
        else:
            exporter_notes.append("%s %s: not judged (malformed view); pybuffer gives %r"
                                  % (label, key, ours[key]))


# The interpreter pybuffer found at run time (under PyPy's names) is this one: its language
# version, as PY_VERSION_HEX spells it.
major, minor, micro, level, serial = sys.version_info
levels = {"alpha": 0xA, "beta": 0xB, "candidate": 0xC, "final": 0xF}
check("host version", smoke.host_version_hex(),
      major << 24 | minor << 16 | micro << 8 | levels[level] << 4 | serial)

# Which object serves each name in this process.
check("pybuffer twin served by libpybuffer-pypy39",
      "libpybuffer-pypy39" in (smoke.provider("pybuffer_PyObject_GetBuffer") or ""), True)
print("PyObject_GetBuffer served by %s" % smoke.provider("PyObject_GetBuffer"))

for name, obj in exporters():
    pypy_check, pybuffer_check = smoke.check_buffer(obj)
    check("%s CheckBuffer" % name, pybuffer_check, 1)
    compare_with_pypy(name, "CheckBuffer", pypy_check, pybuffer_check)
    for flags_name in ("PyBUF_FULL_RO", "PyBUF_RECORDS_RO"):
        flags = getattr(smoke, flags_name)
        label = "%s %s" % (name, flags_name)
        expected = expected_view(obj, flags)
        ours = outcome(obj, flags, PYBUFFER, PYBUFFER)
        theirs = outcome(obj, flags, PYPY, PYPY)
        if isinstance(ours, str):
            check(label, ours, "a view")
            continue
        judge(label, ours, theirs, expected)
        # PyPy's functions beside pybuffer's: on PyPy's view, and on pybuffer's view.
        for other_name, other in (("PyPy", theirs),
                                  ("PyPy's functions on pybuffer's view",
                                   outcome(obj, flags, PYBUFFER, PYPY))):
            if isinstance(other, str):
                differences.append("%s: %s raised %s" % (label, other_name, other))
                continue
            for key in FIELDS + DERIVED:
                if other[key] != ours[key]:
                    differences.append("%s %s: %s %r, pybuffer %r"
                                       % (label, key, other_name, other[key], ours[key]))

# A simple request of a non-contiguous exporter: CPython's memoryview refuses it
# (BufferError); pybuffer passes the exporter's answer on, as CPython's GetBuffer does.
strided = memoryview(bytes(range(20)))[::3]
ours = outcome(strided, smoke.PyBUF_SIMPLE, PYBUFFER, PYBUFFER)
if not (isinstance(ours, str) and ours.startswith("BufferError")):
    exporter_notes.append("strided memoryview PyBUF_SIMPLE: accepted, not BufferError")
compare_with_pypy("strided", "PyBUF_SIMPLE", outcome(strided, smoke.PyBUF_SIMPLE, PYPY, PYPY),
                  ours)
# An object without the buffer slot: CPython 3.9's TypeError.
check("int refused", outcome(42, smoke.PyBUF_SIMPLE, PYBUFFER, PYBUFFER),
      "TypeError: a bytes-like object is required, not 'int'")
compare_with_pypy("int", "PyBUF_SIMPLE", outcome(42, smoke.PyBUF_SIMPLE, PYPY, PYPY),
                  outcome(42, smoke.PyBUF_SIMPLE, PYBUFFER, PYBUFFER))

for line in exporter_notes:
    print("exporter: %s" % line)
for line in differences:
    print("difference: %s" % line)
failed = checks.count(False)
print("%d passed, %d failed" % (len(checks) - failed, failed))
sys.exit(1 if failed else 0)
