#!/usr/bin/env python3
"""Instructions per call, ours and the host's, for every case of a pybuffer_bench_calls program.

Usage: bench/calls/count_instructions.py build/default/bench/calls/pybuffer_bench_calls_3_11

Runs the program under valgrind's callgrind once per case (rows <case>/ours and <case>/host,
a few thousand calls each) and prints, per case, the instructions executed inside the
functions the timed loop calls (inclusive: the exporter's slot, Py_DecRef, ...), divided by
the number of calls of the case's first function. Unlike times, the counts do not depend on
the machine's load; they show where the extra work is, not what it costs.
"""
import os
import re
import subprocess
import sys
import tempfile

OUR_SOURCES = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "src", "")
CALLEE = re.compile(r"^\s*([\d,]+) \([^)]*\)\s+>\s+(\S+?):(\S+) \(([\d,]+)x\)")


def cases_of(program):
    out = subprocess.run([program, "--benchmark_list_tests=true"], check=True,
                         capture_output=True, text=True).stdout
    cases = []
    for name in out.split():
        case = name.rsplit("/", 1)[0]
        if case not in cases:
            cases.append(case)
    return cases


def count(program, case, workdir):
    out_file = os.path.join(workdir, "callgrind.out")
    # Google Benchmark's filter is a POSIX extended regex, where "\\-" is not an escape.
    pattern = "^" + re.sub(r"([+.()\[\]^$*?{}|\\])", r"\\\1", case) + "/(ours|host)$"
    subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out_file}", program,
                    f"--benchmark_filter={pattern}", "--benchmark_min_time=0.005"],
                   check=True, capture_output=True)
    tree = subprocess.run(["callgrind_annotate", "--tree=calling", "--inclusive=yes",
                           "--threshold=100", out_file], check=True, capture_output=True,
                          text=True).stdout
    # The callees of the timed loop: the block that opens with "* ...timed<...>".
    sides = {"ours": [0, 0], "host": [0, 0]}  # instructions, calls of the first function
    in_loop = False
    for line in tree.splitlines():
        if "*  " in line:
            in_loop = "timed<" in line and "bench_calls.cpp" in line
            continue
        match = CALLEE.match(line) if in_loop else None
        if match is None:
            continue
        cost, path, function, calls = match.groups()
        if "bench_calls.cpp" in path or "libbenchmark" in line:
            continue
        # callgrind_annotate names an object only when it changes from the line before, so
        # ours is recognised by its source files (this checkout's src/) or its object.
        side = "ours" if path.startswith(OUR_SOURCES) or "libpybuffer" in line else "host"
        sides[side][0] += int(cost.replace(",", ""))
        sides[side][1] = max(sides[side][1], int(calls.replace(",", "")))
    for side, (cost, calls) in sides.items():
        if calls == 0:
            # Nothing of that side was recognised: a table of zeros would look like a result.
            sys.exit(f"{case}: no calls attributed to the {side} side; build {program} with "
                     "debug information and absolute source paths (RelWithDebInfo, without "
                     "ccache's CCACHE_BASEDIR)")
    return {side: cost / calls for side, (cost, calls) in sides.items()}


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__.strip().splitlines()[2])
    program = argv[1]
    print("| case | ours instructions/call | host instructions/call | extra |")
    print("| --- | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as workdir:
        for case in cases_of(program):
            counts = count(program, case, workdir)
            ours, host = counts["ours"], counts["host"]
            print(f"| {case} | {ours:.1f} | {host:.1f} | {ours - host:+.1f} |")


if __name__ == "__main__":
    main(sys.argv)
