#!/usr/bin/env python3
"""The binding's per-record cost over the C library, measured.

    python3 bindings/python/bench_overhead.py -p POLICY [--as-of DATE]
        [--gavel build/gavel] [--runs 3] DATA.jsonl

Times, over the same JSON Lines file (median of --runs, whole wall time):

  gavel eval -j 1      the CLI on one thread, output to /dev/null: the C
                       figure every other line is compared with
  gavel eval           the CLI with its default threads (-j = cores)
  evaluate_many/json   Policy.evaluate_many over the file's lines, each
                       decision's to_json() written out (what gavel eval does)
  evaluate_many/attrs  the same, reading d.decision and d.reasons instead
                       (parses the decision JSON)
  evaluate(dict)       json.loads each line, then Policy.evaluate(dict)
  2 threads            evaluate_many over two halves in two threads

and prints records/s for each and the overhead per record over gavel eval
in microseconds, by wall time and by CPU time (user+sys, of this process or
of the gavel child): on a shared, loaded machine the CPU figures are the
steadier ones. Make data with bench/gen.py (python3 bench/gen.py 50000 --out DATA.jsonl).
"""
import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gavel  # noqa: E402


def _cpu():
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def timed(fn, runs):
    """(median wall seconds, median CPU seconds)."""
    walls, cpus = [], []
    for _ in range(runs):
        c, t = _cpu(), time.perf_counter()
        fn()
        walls.append(time.perf_counter() - t)
        cpus.append(_cpu() - c)
    return statistics.median(walls), statistics.median(cpus)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-p", "--policy", required=True)
    ap.add_argument("--as-of", default="2021-02-04")
    ap.add_argument("--gavel", default=os.path.join(os.path.dirname(__file__), "..", "..",
                                                      "build", "gavel"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("data")
    a = ap.parse_args()
    with open(a.data, encoding="utf-8") as f:
        lines = f.readlines()
    n = sum(1 for line in lines if line.strip())
    policy = gavel.Policy(a.policy)
    devnull = open(os.devnull, "w")

    def cli(*extra):
        return lambda: subprocess.run([a.gavel, "eval", "-p", a.policy, "--as-of", a.as_of,
                                       *extra, a.data], stdout=subprocess.DEVNULL, check=False)

    def many_json():
        w = devnull.write
        for d in policy.evaluate_many(lines, as_of=a.as_of):
            w(d.to_json())
            w("\n")

    def many_attrs():
        k = 0
        for d in policy.evaluate_many(lines, as_of=a.as_of):
            k += len(d.decision) + len(d.reasons)

    def each_dict():
        for line in lines:
            if line.strip():
                policy.evaluate(json.loads(line), as_of=a.as_of).to_json()

    def two_threads():
        half = len(lines) // 2
        parts = [lines[:half], lines[half:]]
        ts = [threading.Thread(target=lambda p=p: [d.to_json() for d in
                                                   policy.evaluate_many(p, as_of=a.as_of)])
              for p in parts]
        for t in ts:
            t.start()
        for t in ts:
            t.join()

    # Same decisions first.
    out = subprocess.run([a.gavel, "eval", "-p", a.policy, "--as-of", a.as_of, a.data],
                         stdout=subprocess.PIPE, check=False).stdout.decode().splitlines()
    assert out == [d.to_json() for d in policy.evaluate_many(lines, as_of=a.as_of)]

    bw, bc = timed(cli("-j", "1"), a.runs)
    print("%d records, %s, median of %d runs" % (n, gavel.version(), a.runs))
    print("%-22s %12s %12s %14s %14s" % ("", "rec/s wall", "rec/s CPU", "+us/rec wall",
                                         "+us/rec CPU"))
    print("%-22s %12.0f %12.0f %14s %14s" % ("gavel eval -j 1", n / bw, n / bc, "-", "-"))
    for name, fn in (("gavel eval", cli()), ("evaluate_many/json", many_json), ("evaluate_many/attrs", many_attrs),
                     ("evaluate(dict)", each_dict), ("2 threads", two_threads)):
        w, c = timed(fn, a.runs)
        print("%-22s %12.0f %12.0f %14.1f %14.1f" % (name, n / w, n / c, (w - bw) / n * 1e6,
                                                     (c - bc) / n * 1e6))


if __name__ == "__main__":
    main()
