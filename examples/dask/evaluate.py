#!/usr/bin/env python3
"""Decide a JSON Lines data set with Dask distributed and the gavel binding.

    python3 examples/dask/evaluate.py -p POLICY [--as-of DATE] [--context FILE]
        [--workers 2] [--blocksize 64MiB] [--scheduler ADDRESS] -o OUTDIR INPUT.jsonl...

Reads the inputs with dask.bag.read_text (cut into blocks of --blocksize),
decides each partition on a worker with gavel.Policy.evaluate_many (the
Policy loaded once per worker process), and writes one decision per line to
OUTDIR/part-00000.jsonl, part-00001.jsonl, ... in input order: concatenated,
the parts are the lines `gavel eval -p POLICY INPUT...` prints, provided
every record has an id (a record without one gets its position within its
partition, not within the whole input).

Without --scheduler it starts a LocalCluster of --workers processes (one
thread each). With one, the workers must be able to import gavel and
gavel_dask, load libgavel, and read POLICY at the same path.

Needs Dask distributed (Debian: python3-distributed).
"""
import argparse
import logging
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BINDING = os.path.join(HERE, "..", "..", "bindings", "python")


def _importable_everywhere():
    """Makes gavel and gavel_dask importable here and in the worker
    processes a LocalCluster starts (they inherit the environment)."""
    paths = [HERE]
    try:
        import gavel  # noqa: F401  (installed with pip)
    except ImportError:
        paths.append(os.path.abspath(BINDING))
    for p in reversed(paths):
        if p not in sys.path:
            sys.path.insert(0, p)
    old = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(paths + ([old] if old else []))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-p", "--policy", required=True)
    ap.add_argument("--as-of")
    ap.add_argument("--context", help="context file (YAML or JSON) seen by rules as ctx")
    ap.add_argument("-o", "--output", required=True, help="directory for the part files")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--blocksize", default="64MiB", help="bytes of input per partition")
    ap.add_argument("--scheduler", help="address of a running Dask scheduler")
    ap.add_argument("inputs", nargs="+")
    args = ap.parse_args(argv)

    _importable_everywhere()
    import dask.bag as db
    from distributed import Client, LocalCluster
    import gavel
    import gavel_dask

    # Load here first: a policy that does not load fails before any worker
    # starts, and the digest lets each worker check it sees the same files.
    try:
        policy = gavel.Policy(args.policy)
    except gavel.PolicyError as e:
        print("evaluate.py: %s" % e, file=sys.stderr)
        return 2
    context = None
    if args.context:
        with open(args.context, encoding="utf-8") as f:
            context = f.read()

    os.makedirs(args.output, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gavel-dask-") as scratch:
        if args.scheduler:
            cluster, client = None, Client(args.scheduler)
        else:
            cluster = LocalCluster(n_workers=args.workers, threads_per_worker=1,
                                   processes=True, dashboard_address=None,
                                   local_directory=scratch, silence_logs=logging.ERROR)
            client = Client(cluster)
        try:
            started = time.monotonic()
            lines = db.read_text(args.inputs, blocksize=args.blocksize, encoding="utf-8")
            decisions = lines.map_partitions(gavel_dask.evaluate_partition,
                                             os.path.abspath(args.policy), policy.digest,
                                             args.as_of, context)
            paths = decisions.to_textfiles(os.path.join(args.output, "part-*.jsonl"),
                                           name_function=lambda i: "%05d" % i,
                                           encoding="utf-8", last_endline=True)
            elapsed = time.monotonic() - started
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    n = 0
    for path in paths:
        with open(path, "rb") as f:
            n += sum(1 for _ in f)
    print("evaluate.py: %d decisions in %d partitions, %.2f s -> %s"
          % (n, len(paths), elapsed, args.output), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
