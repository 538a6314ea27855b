"""Expectations for the PEP 3118 mode, computed by the host at run time.

Run inside the embedded interpreter of pep3118_host_test.cpp: every format and size here
comes from a real exporter (ctypes, NumPy) or from NumPy's own PEP 3118 reader, never from
pybuffer.
"""
import random


def ctypes_cases():
    """(name, format, itemsize, usable) for ctypes objects. Struct formats are usable only
    when this host's ctypes writes their padding out ('x'); older ones leave it implicit in
    standard mode, so their formats understate sizeof."""
    import ctypes as c

    class CharAfterInt(c.Structure):
        _fields_ = [("a", c.c_int), ("b", c.c_char)]

    class TwoInts(c.Structure):
        _fields_ = [("a", c.c_int), ("b", c.c_int)]

    class BigEndian(c.BigEndianStructure):
        _fields_ = [("a", c.c_short), ("b", c.c_longlong)]

    class Nested(c.Structure):
        _fields_ = [("s", TwoInts * 2), ("d", c.c_double)]

    class Mixed(c.Structure):
        _fields_ = [("c", c.c_char), ("s", CharAfterInt), ("d", c.c_double * 3),
                    ("p", c.POINTER(c.c_int)), ("w", c.c_wchar), ("z", c.c_char_p),
                    ("g", c.c_longdouble)]

    explicit = "x" in memoryview(CharAfterInt()).format
    objects = [
        ("c_int", c.c_int(), True),
        ("c_bool", c.c_bool(), True),
        ("c_wchar", c.c_wchar(), True),
        ("c_char_p", c.c_char_p(), True),
        ("c_wchar_p", c.c_wchar_p(), True),
        ("c_void_p", c.c_void_p(), True),
        ("c_longdouble", c.c_longdouble(), True),
        ("c_size_t", c.c_size_t(), True),
        ("py_object", c.py_object(), True),
        ("POINTER(c_int)", c.pointer(c.c_int()), True),
        ("c_double * 3", (c.c_double * 3)(), True),
        ("(c_int * 2) * 3", ((c.c_int * 2) * 3)(), True),
        ("TwoInts", TwoInts(), True),
        ("Nested", Nested(), True),
        ("POINTER(CharAfterInt)", c.pointer(CharAfterInt()), True),
        ("CharAfterInt", CharAfterInt(), explicit),
        ("BigEndian", BigEndian(), explicit),
        ("Mixed", Mixed(), explicit),
    ]
    return [(name, memoryview(o).format, memoryview(o).itemsize, usable)
            for name, o, usable in objects]


def numpy_reader():
    """NumPy's PEP 3118 reader: format -> (itemsize, alignment) or an exception."""
    try:
        from numpy._core import _internal  # NumPy 2
    except ImportError:
        from numpy.core import _internal
    parse = getattr(_internal, "__dtype_from_pep3118")

    def read(fmt):
        dtype, alignment = parse(_internal._Stream(fmt), is_subdtype=False)
        return dtype.itemsize, alignment

    return read


def numpy_missing_advice(executable):
    """How the host running this (the interpreter at `executable`) could get NumPy, for the
    message of a NumPy test that cannot run. A distribution's python reads the
    distribution's packages (a dist-packages directory on sys.path); another (pyenv's, a
    build of one's own) has its own site-packages, which no distribution package fills."""
    import sys

    if any(entry.rstrip("/").endswith("dist-packages") for entry in sys.path):
        return "install it for this host (Debian: apt-get install python3-numpy)"
    return ("this host does not read the distribution's packages (Debian's python3-numpy "
            "serves only Debian's own python3): install NumPy into it (%s -m pip install "
            "numpy)" % executable)


def numpy_export_cases():
    """(description, format, itemsize) of memoryview(numpy.zeros(2, dtype))."""
    import numpy as np

    inner = [("x", "f8"), ("y", "i2")]
    dtypes = [
        "?", "i1", "u1", "i2", "u2", "i4", "u4", "i8", "u8", "int", "intc", "longlong",
        "f2", "f4", "f8", "longdouble", "c8", "c16", "clongdouble", "O", "S1", "S7", "U1",
        "U5", "V3", "V16", ">i2", ">i4", ">f8", ">c16", "<i8", "<f4", "(2,3)f8",
        [("a", "<i4"), ("b", "<f8")],
        np.dtype([("a", "<i4"), ("b", "<f8")], align=True),
        [("a", "i4"), ("b", "u1")],
        np.dtype([("a", "i4"), ("b", "u1")], align=True),
        [("a", "u1"), ("b", inner), ("c", "(2,3)i4")],
        np.dtype([("a", "u1"), ("b", inner), ("c", "(2,3)i4")], align=True),
        np.dtype([("a", "u1"), ("b", np.dtype(inner, align=True)), ("c", "(2,3)i4")],
                 align=True),
        [("a", ">i4"), ("b", "<f8"), ("c", ">u2")],
        {"names": ["a", "b"], "formats": ["i4", "i4"], "offsets": [0, 8], "itemsize": 16},
        {"names": ["a", "b"], "formats": ["u1", "f8"], "offsets": [0, 3], "itemsize": 11},
        [("a", "c16"), ("b", "g"), ("o", "O")],
        np.dtype([("a", "c16"), ("b", "g"), ("o", "O")], align=True),
        [("s", "S3"), ("u", "U2"), ("v", "V5"), ("b", "?")],
        np.dtype([("s", "S3"), ("u", "U2"), ("v", "V5"), ("d", "f8")], align=True),
        [("m", "(2,2)i2"), ("n", [("p", "u1"), ("q", "(3,)f4")])],
        np.dtype([("m", "(2,2)i2"), ("n", [("p", "u1"), ("q", "(3,)f4")])], align=True),
        [("deep", [("deeper", [("deepest", "i8"), ("c", "S1")])]), ("tail", "u2")],
        np.dtype([("deep", [("deeper", [("deepest", "i8"), ("c", "S1")])]), ("tail", "u2")],
                 align=True),
        [("e", "f2"), ("g", "(0,)i4"), ("h", "i2")],
    ]
    cases = []
    for spec in dtypes:
        dtype = np.dtype(spec)
        view = memoryview(np.zeros(2, dtype=dtype))
        cases.append((repr(dtype), view.format, view.itemsize))
    return cases


def random_pep3118(seed, count):
    """Random formats in the language both NumPy's reader and pybuffer accept: balanced
    T{ }, unique names, g and Zg only where a native order is in force (NumPy has no
    standard size for them)."""
    rng = random.Random(seed)
    formats = []
    for _ in range(count):
        state = {"order": "@", "name": 0}
        formats.append(_items(rng, state, 0))
    return formats


def _items(rng, state, depth):
    out = []
    for _ in range(rng.randint(0, 5)):
        item = ""
        if rng.random() < 0.15:
            dims = [str(rng.randint(0, 3)) for _ in range(rng.randint(1, 3))]
            item += "(" + ",".join(dims) + ")"
        if rng.random() < 0.35:
            state["order"] = rng.choice("@=<>!^")
            item += state["order"]
        if depth < 4 and rng.random() < 0.2:
            item += rng.choice(["", "", "", "0", "2", "3"]) + "T{" + _items(rng, state, depth + 1) + "}"
        else:
            codes = ["?", "c", "b", "B", "h", "H", "i", "I", "l", "L", "q", "Q", "e", "f", "d",
                     "s", "w", "x", "O", "Zf", "Zd"]
            if state["order"] in "@^":
                codes += ["g", "Zg"]
            code = rng.choice(codes)
            number = rng.choice(["", "", "", "1", "2", "3", "5", "0", "12"])
            if code in ("s", "w", "x") and number == "0":
                number = "1"
            item += number + code
        if rng.random() < 0.5:
            state["name"] += 1
            item += ":n%d:" % state["name"]
        out.append(item)
    return "".join(out)
