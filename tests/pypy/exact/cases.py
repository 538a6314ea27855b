"""The case table of the exact-on-PyPy suite, run unchanged by every interpreter: each case
goes through the recorder module named on the command line (recorder.c, compiled for that
runtime and that set of functions) and the records are printed, one per line:
case<TAB>key<TAB>value.

Exporters are made fresh for every case, so that a write of one case cannot reach another.
Each case is announced on stderr ("#case NAME"; the recorder adds "#put KEY" for each record)
and its records printed before the next begins, so that the driver can name the case, and the
record after which, that crashed the runtime; PYBUFFER_EXACT_SKIP (names, one a
line) lists cases not to run again.
"""
import array
import importlib
import os
import sys

recorder = importlib.import_module(sys.argv[1])
SKIP = set(os.environ.get("PYBUFFER_EXACT_SKIP", "").split("\n"))


def run(case, function, *args):
    if case in SKIP:
        return
    print("#case %s" % case, file=sys.stderr, flush=True)
    function(case, *args)
    for line in recorder.take():
        print(line)
    sys.stdout.flush()

# Every request flag of the buffer protocol documentation's tables, by CPython's value.
WRITABLE, FORMAT, ND = 0x1, 0x4, 0x8
STRIDES = 0x10 | ND
FLAGS = {
    "SIMPLE": 0, "WRITABLE": WRITABLE, "FORMAT": FORMAT, "ND": ND, "STRIDES": STRIDES,
    "C_CONTIGUOUS": 0x20 | STRIDES, "F_CONTIGUOUS": 0x40 | STRIDES,
    "ANY_CONTIGUOUS": 0x80 | STRIDES, "INDIRECT": 0x100 | STRIDES,
    "CONTIG": ND | WRITABLE, "CONTIG_RO": ND, "STRIDED": STRIDES | WRITABLE,
    "STRIDED_RO": STRIDES, "RECORDS": STRIDES | WRITABLE | FORMAT,
    "RECORDS_RO": STRIDES | FORMAT, "FULL": 0x100 | STRIDES | WRITABLE | FORMAT,
    "FULL_RO": 0x100 | STRIDES | FORMAT,
}


def matrix(writable):
    data = bytearray(range(24)) if writable else bytes(range(24))
    return memoryview(data).cast("B", (4, 6))


# name -> a function making a fresh exporter (real ones first, then the suite's own).
EXPORTERS = {
    "bytes": lambda: b"abcdef",
    "bytes empty": lambda: b"",
    "bytearray": lambda: bytearray(b"0123456789"),
    "array i": lambda: array.array("i", [1, -2, 3, 70000]),
    "array d": lambda: array.array("d", [0.5, 1.5]),
    "memoryview bytes": lambda: memoryview(b"xyz"),
    "memoryview step 3": lambda: memoryview(bytearray(range(20)))[::3],
    "memoryview reversed": lambda: memoryview(bytearray(range(5)))[::-1],
    "memoryview cast H 3x4": lambda: memoryview(bytearray(range(24))).cast("H", (3, 4)),
    "memoryview 2-d": lambda: matrix(True),
    "memoryview 2-d rows": lambda: matrix(True)[::2],
    "memoryview 2-d readonly rows": lambda: matrix(False)[1:3],
    "memoryview zero-size": lambda: memoryview(bytearray(12))[4:4],
    "memoryview 2-d zero rows": lambda: matrix(True)[2:2],
}
for kind in ("c2d", "fortran", "strided", "negative", "transposed", "pil", "zero", "scalar"):
    for writable in (True, False):
        EXPORTERS["Exporter %s %s" % (kind, "rw" if writable else "ro")] = (
            lambda kind=kind, writable=writable: recorder.Exporter(kind, writable))

for name, make in EXPORTERS.items():
    run(name, recorder.check_buffer, make())
    run("%s legacy" % name, recorder.legacy, make())
    for flags_name, flags in FLAGS.items():
        run("%s %s" % (name, flags_name), recorder.request, make(), flags, 1)
run("int", recorder.check_buffer, 42)
run("int legacy", recorder.legacy, 42)
run("int SIMPLE", recorder.request, 42, 0, 0)
run("str SIMPLE", recorder.request, "text", 0, 0)

for index, name in enumerate(recorder.hand_view_names()):
    run(name, lambda case, index: recorder.hand_view(index), index)

for readonly in (0, 1):
    for flags_name, flags in FLAGS.items():
        run("FillInfo bytes readonly=%d %s" % (readonly, flags_name), recorder.fill_info,
            b"owner", readonly, flags)
        run("FillInfo NULL readonly=%d %s" % (readonly, flags_name), recorder.fill_info, None,
            readonly, flags)

for shape in ((), (5,), (2, 3), (2, 0, 4), (1, 1, 7)):
    for itemsize in (1, 8):
        for order in "CFA":
            run("FillContiguousStrides %r %d %s" % (shape, itemsize, order),
                recorder.fill_contiguous_strides, shape, itemsize, order)

for fmt in (b"B", b"i", b"3d", b"<hq", b"@bi", b"=bi", b"xxi", b"", b" 2h ", b"?e", b"P",
            b"4s", b"Z", b"3", b"q" * 3, b"9223372036854775807q", b"F"):
    run("SizeFromFormat %r" % fmt, recorder.size_from_format, fmt)

COPIES = {
    "bytearray from bytes": lambda: (bytearray(6), b"abcdef"),
    "bytearray from array": lambda: (bytearray(8), array.array("i", [7, -1])),
    "bytearray too small": lambda: (bytearray(3), b"abcdef"),
    "strided from reversed": lambda: (memoryview(bytearray(20))[::4],
                                      memoryview(bytes(range(5)))[::-1]),
    "2-d from cast": lambda: (memoryview(bytearray(24)).cast("H", (3, 4)),
                              memoryview(bytes(range(24))).cast("H", (3, 4))),
    "bytes destination": lambda: (b"xxxxxx", b"abcdef"),
    "int source": lambda: (bytearray(4), 42),
}
for kind in ("c2d", "fortran", "transposed", "pil", "negative", "strided"):
    COPIES["Exporter %s from itself" % kind] = (
        lambda kind=kind: (recorder.Exporter(kind, True), recorder.Exporter(kind, False)))
COPIES["Exporter fortran from c2d-shaped bytes"] = lambda: (recorder.Exporter("fortran", True),
                                                            bytes(range(24)))
COPIES["Exporter transposed from fortran"] = lambda: (recorder.Exporter("transposed", True),
                                                      recorder.Exporter("fortran", False))
for name, make in COPIES.items():
    run("CopyData %s" % name, recorder.copy_data, *make())

# The memoryview constructors: the runtime's own memoryview type, made by CPython 3.9's
# functions or by pybuffer's on PyPy's.
READ, WRITE = 0x100, 0x200
for name, make in EXPORTERS.items():
    run("FromObject %s" % name, recorder.memoryview_from_object, make())
run("FromObject int", recorder.memoryview_from_object, 42)
run("FromObject str", recorder.memoryview_from_object, "text")
for flags_name, flags in (("READ", READ), ("WRITE", WRITE)):
    for size in (0, 5):
        run("FromMemory %s size %d" % (flags_name, size), recorder.memoryview_from_memory, size,
            flags, 0)
    run("FromMemory %s NULL size 0" % flags_name, recorder.memoryview_from_memory, 0, flags, 1)
HAND_NAMES = recorder.hand_view_names()
for index, name in enumerate(HAND_NAMES[:-2]):  # the PIL views' tables live on the stack
    run("FromBuffer %s" % name, recorder.memoryview_from_buffer, index)
for kind in ("c2d", "fortran", "strided", "transposed"):
    for writable in (True, False):
        for flags_name, flags in (("READ", READ), ("WRITE", WRITE)):
            for order in "CFA":
                run("GetContiguous Exporter %s %s %s %s" % (kind, "rw" if writable else "ro",
                                                            flags_name, order),
                    recorder.memoryview_get_contiguous, recorder.Exporter(kind, writable), flags,
                    order)
