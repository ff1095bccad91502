#!/usr/bin/env python3
"""Compares two benchmark reports (results.json from scripts/bench.sh), case by case.

    python3 benchmarks/compare_reports.py OLD/results.json NEW/results.json [--limit 1.05]

For every ctnn case in both reports it prints the median CPU time of each and
new / old. Two reports are two processes, often hours apart on a shared
machine, so a slower case is also judged against its Eigen fixed-size
neighbour, measured in the same process as it: the line shows how
ctnn / Eigen fixed moved too. A case is flagged when new / old exceeds the
limit; the closing line counts them. Exit status 0 always: the verdict is the
reader's, with both figures in front of them.
"""
import argparse
import json
import sys


def medians(path):
    with open(path, encoding="utf-8") as f:
        report = json.load(f)
    return {c["name"]: c["cpu_time_ns"]["median"] for c in report["cases"]}, report


def eigen_twin(name):
    """the Eigen fixed-size case measured beside a ctnn case, if there is one"""
    parts = name.split("/")
    if len(parts) < 3 or not parts[-1].startswith("ctnn"):
        return None
    return "/".join(parts[:-1] + ["eigen_fixed"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old")
    ap.add_argument("new")
    ap.add_argument("--limit", type=float, default=1.05, help="flag new/old above this (1.05)")
    args = ap.parse_args()
    old, old_report = medians(args.old)
    new, new_report = medians(args.new)
    for label, r in (("old", old_report), ("new", new_report)):
        m = r["machine"]
        build = m.get("runtime_build", {})
        print(f"{label}: commit {m.get('git_commit', '?')[:7]}, {m.get('cpu_model', '?')}, "
              f"-march={build.get('march', '?')}, "
              f"load before {r.get('load_average_before', {}).get('load_average_1_5_15_min', '?')}")
    names = [n for n in new if n in old and n.split("/")[-1].startswith("ctnn")]
    if not names:
        print("ctnn: the two reports share no ctnn case", file=sys.stderr)
        return 1
    print(f"{'case':44} {'old ns':>10} {'new ns':>10} {'new/old':>8}   ctnn/eigen_fixed old -> new")
    flagged = 0
    for n in names:
        ratio = new[n] / old[n]
        twin = eigen_twin(n)
        vs = ""
        if twin and twin in old and twin in new:
            vs = f"   {old[n] / old[twin]:.3f} -> {new[n] / new[twin]:.3f}"
        mark = "  <-- slower" if ratio > args.limit else ""
        flagged += ratio > args.limit
        print(f"{n:44} {old[n]:10.1f} {new[n]:10.1f} {ratio:8.3f}{vs}{mark}")
    print(f"{flagged} of {len(names)} ctnn cases more than {100 * (args.limit - 1):.0f} % slower (median CPU time)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
