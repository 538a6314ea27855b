"""End-to-end copies as a Python user makes them: memoryview.tobytes() and bytes() of views
that are not contiguous in the order asked for, timed in whatever interpreter runs this file
(the host's own python, or pybuffer-python<id> on the same host: tools/python_host).

    python3 bench/python/bench_tobytes.py [--repetitions N] [--csv FILE]

Each case is timed as the median of N calls (time.process_time: this process's user and
system CPU time, page faults included, so that a shared machine's load does not count), with
beside it the time of the same number of bytes through bytes(memoryview) of a contiguous
view (one memcpy into a fresh bytes object: the floor every case pays for its fresh
destination) and of a copy into an existing bytearray (the memcpy without the fresh pages).
"""
import argparse
import csv
import statistics
import sys
import time


def median_seconds(function, repetitions):
    samples = []
    for _ in range(repetitions):
        start = time.process_time()
        function()
        samples.append(time.process_time() - start)
    return statistics.median(samples)


def cases():
    n4 = 4096
    grid_i4 = memoryview(bytearray(n4 * n4 * 4)).cast("B").cast("i", (n4, n4))
    n1 = 8192
    grid_i1 = memoryview(bytearray(n1 * n1)).cast("B", (n1, n1))
    flat_q = memoryview(bytearray(128 << 20)).cast("q")
    return [
        ("tobytes_F_4096x4096_i4", grid_i4.nbytes, lambda: grid_i4.tobytes("F")),
        ("tobytes_C_4096x4096_i4", grid_i4.nbytes, lambda: grid_i4.tobytes("C")),
        ("tobytes_A_4096x4096_i4", grid_i4.nbytes, lambda: grid_i4.tobytes("A")),
        ("tobytes_F_8192x8192_i1", grid_i1.nbytes, lambda: grid_i1.tobytes("F")),
        ("bytes_stride2_i8", flat_q.nbytes // 2, lambda: bytes(flat_q[::2])),
        ("tobytes_stride2_i8", flat_q.nbytes // 2, lambda: flat_q[::2].tobytes()),
    ]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repetitions", type=int, default=7)
    parser.add_argument("--csv")
    args = parser.parse_args()
    rows = []
    for name, nbytes, function in cases():
        contiguous = memoryview(bytearray(nbytes))
        into = bytearray(nbytes)
        fresh = median_seconds(lambda: bytes(contiguous), args.repetitions)
        reused = median_seconds(lambda: into.__setitem__(slice(None), contiguous),
                                args.repetitions)
        seconds = median_seconds(function, args.repetitions)
        rows.append((name, nbytes, seconds, fresh, reused))
        print("%-26s %6.1f MiB  %8.2f ms  (fresh bytes memcpy %7.2f ms, memcpy into "
              "existing %7.2f ms)" % (name, nbytes / 2**20, seconds * 1e3, fresh * 1e3,
                                      reused * 1e3), flush=True)
    if args.csv:
        with open(args.csv, "w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file)
            writer.writerow(["case", "bytes", "seconds", "fresh_bytes_memcpy_seconds",
                             "memcpy_into_existing_seconds", "python"])
            for row in rows:
                writer.writerow(list(row) + [sys.executable])
    return 0


if __name__ == "__main__":
    sys.exit(main())
