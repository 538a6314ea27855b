"""Runs bench_pypy.c's module inside pypy3 and prints the Markdown table of bench/RESULTS.md:
per case, memcpy's, PyPy's own and pybuffer-pypy39's GB/s (10^9 bytes copied per second, the
median of the repetitions), x PyPy (PyPy's median time over pybuffer's) and of memcpy
(memcpy's median time over pybuffer's), and pybuffer's time per call.

    PYTHONPATH=<build>/bench/pypy pypy3 bench/pypy/bench_pypy.py [--repetitions N]
        [--min-seconds S] [--filter TEXT]
"""
import argparse

import pybuffer_bench_pypy as bench


def median(values):
    values = sorted(values)
    middle = len(values) // 2
    return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2


def per_call(seconds):
    for unit, scale in (("s", 1), ("ms", 1e3), ("us", 1e6)):
        if seconds * scale >= 1:
            return "%.3g %s" % (seconds * scale, unit)
    return "%.0f ns" % (seconds * 1e9)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--min-seconds", type=float, default=0.05)
    parser.add_argument("--filter", default="")
    args = parser.parse_args()
    print("| case | memcpy GB/s | PyPy GB/s | pybuffer GB/s | x PyPy | of memcpy "
          "| pybuffer time/call |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for index, name in enumerate(bench.cases()):
        if args.filter not in name:
            continue
        medians = {}
        for impl in (bench.MEMCPY, bench.PYPY, bench.PYBUFFER):
            size, times = bench.run(index, impl, args.min_seconds, args.repetitions)
            medians[impl] = median(times)
        gbs = [size / medians[impl] / 1e9 for impl in (bench.MEMCPY, bench.PYPY, bench.PYBUFFER)]
        ours = medians[bench.PYBUFFER]
        print("| %s | %.3g | %.3g | %.3g | %.2fx | %.2f | %s |"
              % (name, gbs[0], gbs[1], gbs[2], medians[bench.PYPY] / ours,
                 medians[bench.MEMCPY] / ours, per_call(ours)), flush=True)


if __name__ == "__main__":
    main()
