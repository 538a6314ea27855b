#!/usr/bin/env python3
"""Prints the Markdown tables of bench/RESULTS.md from Google Benchmark CSVs.

Usage:
  bench/results_table.py copy bench/results/copy.csv
  bench/results_table.py calls [--matrix] bench/results/calls-*.csv

Every table reads the median rows (--benchmark_repetitions with
--benchmark_report_aggregates_only). A benchmark's name is <case>/<implementation>, with
Google Benchmark's /real_time and /iterations:N parts dropped.

copy   pybuffer_bench_copy: for each case, memcpy's, CPython's and pybuffer's bandwidth, and
       pybuffer's x_cpython and of_memcpy counters as the benchmark computed them.
calls  pybuffer_bench_calls_<host>, one CSV per host (the host's id is the "host:" line of
       the CSV's context): for each case and host, the <case>/paired row's medians of ours_ns,
       host_ns and ratio (ours / host, measured in alternating batches; the target is
       <= 1.05), and the ratio of the separate <case>/ours and <case>/host rows' median CPU
       times. --matrix prints only the paired ratios, one column per host.
"""
import csv
import sys

CALLS_TARGET = 1.05


def read_run(path):
    """Returns (context, cases in first-seen order, {case: {implementation: median row}})."""
    with open(path, newline="") as handle:
        lines = handle.read().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("name,"))
    context = {}
    for line in lines[:start]:
        key, sep, value = line.partition(": ")
        if sep:
            context[key] = value
    medians = {}
    order = []
    for row in csv.DictReader(lines[start:]):
        name = row["name"]
        if not name.endswith("_median"):
            continue
        parts = [part for part in name[: -len("_median")].split("/")
                 if part != "real_time" and not part.startswith("iterations:")]
        case, impl = "/".join(parts[:-1]), parts[-1]
        if case not in medians:
            medians[case] = {}
            order.append(case)
        medians[case][impl] = row
    return context, order, medians


def seconds(row, column):
    scale = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[row["time_unit"]]
    return float(row[column]) * scale


def fmt_time(value):
    if value < 1e-6:
        return f"{value * 1e9:.0f} ns"
    if value < 1e-3:
        return f"{value * 1e6:.1f} us"
    return f"{value * 1e3:.2f} ms"


def copy_table(paths):
    (path,) = paths
    _, order, medians = read_run(path)

    def gbps(row):
        return f"{float(row['bytes_per_second']) / 1e9:.3g}"

    print("| case | memcpy GB/s | CPython GB/s | pybuffer GB/s | x CPython | of memcpy "
          "| pybuffer time/call |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for case in order:
        rows = medians[case]
        ours = rows["pybuffer"]
        print(f"| {case} | {gbps(rows['memcpy'])} | {gbps(rows['cpython'])} | {gbps(ours)} "
              f"| {float(ours['x_cpython']):.2f}x | {float(ours['of_memcpy']):.2f} "
              f"| {fmt_time(seconds(ours, 'real_time'))} |")


def calls_table(paths):
    matrix = "--matrix" in paths
    paths = [path for path in paths if path != "--matrix"]
    hosts = []
    order = []
    results = {}  # (case, host) -> (ours ns, host ns, ours/host, ours/host of the separate rows)
    for path in paths:
        context, cases, medians = read_run(path)
        host = context.get("host", path)
        hosts.append(host)
        # The benchmark lists its cases in registration order; interleaved runs shuffle rows.
        for case in context.get("cases", "").split() + cases:
            if case in medians and case not in order:
                order.append(case)
        for case in cases:
            rows = medians[case]
            separate = seconds(rows["ours"], "cpu_time") / seconds(rows["host"], "cpu_time")
            pair = rows.get("paired")
            if pair is not None and float(pair["ratio"]) > 0:
                ours, theirs = float(pair["ours_ns"]), float(pair["host_ns"])
                ratio = float(pair["ratio"])
            else:  # a run without paired rows: the separate rows' CPU times
                ours = seconds(rows["ours"], "cpu_time") * 1e9
                theirs = seconds(rows["host"], "cpu_time") * 1e9
                ratio = separate
            results[(case, host)] = (ours, theirs, ratio, separate)
    if matrix:
        print("| case | " + " | ".join(hosts) + " |")
        print("| --- |" + " ---: |" * len(hosts))
        for case in order:
            cells = [f"{results[(case, host)][2]:.2f}" if (case, host) in results else ""
                     for host in hosts]
            print(f"| {case} | " + " | ".join(cells) + " |")
        return
    print(f"| case | host | ours ns | host ns | ours/host | <= {CALLS_TARGET} "
          "| separate rows ours/host |")
    print("| --- | --- | ---: | ---: | ---: | :---: | ---: |")
    for case in order:
        for host in hosts:
            if (case, host) not in results:
                continue
            ours, theirs, ratio, separate = results[(case, host)]
            met = "yes" if ratio <= CALLS_TARGET else "no"
            print(f"| {case} | {host} | {ours:.2f} | {theirs:.2f} | {ratio:.2f} | {met} "
                  f"| {separate:.2f} |")


def main(argv):
    tables = {"copy": copy_table, "calls": calls_table}
    if len(argv) < 3 or argv[1] not in tables:
        sys.exit(__doc__.strip().split("\n\n")[1])
    tables[argv[1]](argv[2:])


if __name__ == "__main__":
    main(sys.argv)
