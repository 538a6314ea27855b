#!/usr/bin/env python3
"""Prints the Markdown table of bench/RESULTS.md from a pybuffer_bench_copy CSV.

Usage: bench/copy/results_table.py bench/results/copy.csv

Reads the median rows (--benchmark_repetitions with --benchmark_report_aggregates_only):
for each case, memcpy's, CPython's and pybuffer's bandwidth, and pybuffer's x_cpython and
of_memcpy counters as the benchmark computed them.
"""
import csv
import sys


def gbps(row):
    return float(row["bytes_per_second"]) / 1e9


def fmt_rate(value):
    return f"{value:.3g}"


def fmt_time(row):
    value = float(row["real_time"])
    unit = row["time_unit"]
    scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[unit]
    seconds = value * scale
    if seconds < 1e-6:
        return f"{seconds * 1e9:.0f} ns"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} us"
    return f"{seconds * 1e3:.2f} ms"


def main(path):
    with open(path, newline="") as handle:
        lines = handle.read().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("name,"))
    medians = {}
    order = []
    for row in csv.DictReader(lines[start:]):
        name = row["name"]
        if not name.endswith("/real_time_median"):
            continue
        parts = name[: -len("/real_time_median")].split("/")
        impl = parts[-1]
        if impl.startswith("iterations:"):
            parts = parts[:-1]
            impl = parts[-1]
        case = "/".join(parts[:-1])
        if case not in medians:
            medians[case] = {}
            order.append(case)
        medians[case][impl] = row
    print("| case | memcpy GB/s | CPython GB/s | pybuffer GB/s | x CPython | of memcpy "
          "| pybuffer time/call |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for case in order:
        rows = medians[case]
        ours = rows["pybuffer"]
        print(f"| {case} | {fmt_rate(gbps(rows['memcpy']))} | {fmt_rate(gbps(rows['cpython']))} "
              f"| {fmt_rate(gbps(ours))} | {float(ours['x_cpython']):.2f}x "
              f"| {float(ours['of_memcpy']):.2f} | {fmt_time(ours)} |")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[2])
    main(sys.argv[1])
