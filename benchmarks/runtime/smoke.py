#!/usr/bin/env python3
"""Runs every benchmark that ctnn_bench_runtime registers, each in its own
process for a few iterations, and fails naming each one that crashes, hangs
(runs past its time limit), reports an error, or does not run at all.

    smoke.py BINARY [--min-time SECONDS] [--timeout SECONDS] [--jobs N]

One process per benchmark, so a crash or a hang names its benchmark, and a
benchmark that corrupts memory cannot make a later one fail in its place.
This is CTest's `bench: smoke` (label bench): CI builds the binary with g++
and clang++ at -march=native, with g++ at -march=x86-64-v3, and under
AddressSanitizer + UndefinedBehaviorSanitizer.
"""

import argparse
import concurrent.futures
import json
import re
import signal
import subprocess
import sys
import time


def list_benchmarks(binary):
    out = subprocess.run([binary, "--benchmark_list_tests=true"], capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        sys.exit(f"ctnn: {binary} --benchmark_list_tests failed (exit {out.returncode}):\n{out.stderr}")
    names = [line.strip() for line in out.stdout.splitlines() if line.strip()]
    if not names:
        sys.exit(f"ctnn: {binary} registers no benchmark")
    return names


def exact_filter(name):
    """a --benchmark_filter (POSIX extended regex) that matches name alone; not
    re.escape, whose '\\-' POSIX does not define"""
    return "^" + re.sub(r"([.^$*+?()\[\]{}|\\])", r"\\\1", name) + "$"


def run_one(binary, name, min_time, timeout):
    """None if the benchmark ran and reported no error, else why not"""
    cmd = [binary, f"--benchmark_filter={exact_filter(name)}", f"--benchmark_min_time={min_time}",
           "--benchmark_format=json"]
    start = time.monotonic()
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"hangs: no result after {timeout} s"
    seconds = time.monotonic() - start
    if out.returncode != 0:
        if out.returncode < 0:
            how = f"killed by signal {-out.returncode} ({signal.Signals(-out.returncode).name})"
        else:
            how = f"exit status {out.returncode}"
        tail = "\n".join(out.stderr.strip().splitlines()[-15:])
        return f"{how} after {seconds:.1f} s" + (f"\n{tail}" if tail else "")
    try:
        runs = json.loads(out.stdout)["benchmarks"]
    except (ValueError, KeyError) as e:
        return f"wrote no valid JSON ({e})"
    if [r.get("name") for r in runs] != [name]:
        return f"expected one run of {name}, got {[r.get('name') for r in runs]}"
    run = runs[0]
    if run.get("error_occurred"):
        return f"reported an error: {run.get('error_message', '?')}"
    if int(run.get("iterations", 0)) < 1:
        return "ran no iteration"
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binary")
    ap.add_argument("--min-time", default="0.01", help="--benchmark_min_time of each run, seconds (default 0.01)")
    ap.add_argument("--timeout", type=float, default=60, help="time limit of one benchmark, seconds (default 60)")
    ap.add_argument("--jobs", type=int, default=2, help="benchmarks run at once (default 2)")
    args = ap.parse_args()

    names = list_benchmarks(args.binary)
    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(lambda n: (n, run_one(args.binary, n, args.min_time, args.timeout)), names))
    failed = [(n, why) for n, why in results if why is not None]
    for n, why in failed:
        print(f"ctnn: benchmark {n} failed: {why}", file=sys.stderr)
    print(f"ctnn: {len(names) - len(failed)} of {len(names)} benchmarks ran cleanly "
          f"({time.monotonic() - start:.1f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
