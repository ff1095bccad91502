#!/usr/bin/env bash
# compare.sh — builds benchmarks/micro/steps.cpp two ways (A and B) and runs
# the two binaries alternately, 5 rounds; prints each case's best time for A
# and B and the ratio B / A. A change to the library is judged this way: the
# same machine, the same moment, the same harness.
#
#   bash benchmarks/micro/compare.sh [--a-rev REV] [--a "FLAGS"] [--b "FLAGS"]
#
# --a-rev REV  build A against the headers of git revision REV (B: the working tree)
# --a, --b     extra compiler flags for A and B, e.g. --a -DCTNN_REREAD_CACHE_BYTES=-1
# CXX          the compiler (g++); both builds use -std=c++20 -O3 -march=native
#              -DCTNN_FP_CONTRACT=1 (the compiler's contraction, as the benchmarks).
set -euo pipefail
cd "$(dirname "$0")/../.."
a_rev="" a_flags="" b_flags=""
while [ $# -gt 0 ]; do
    case $1 in
    --a-rev) a_rev=$2; shift 2 ;;
    --a) a_flags=$2; shift 2 ;;
    --b) b_flags=$2; shift 2 ;;
    *) echo "usage: $0 [--a-rev REV] [--a FLAGS] [--b FLAGS]" >&2; exit 2 ;;
    esac
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
a_include=include
if [ -n "$a_rev" ]; then
    mkdir -p "$work/a"
    git archive "$a_rev" include | tar -x -C "$work/a"
    a_include="$work/a/include"
fi
cxx=${CXX:-g++}
# shellcheck disable=SC2086  # the flags are meant to split
"$cxx" -std=c++20 -O3 -march=native -DCTNN_FP_CONTRACT=1 -I"$a_include" $a_flags benchmarks/micro/steps.cpp -o "$work/A" &
# shellcheck disable=SC2086
"$cxx" -std=c++20 -O3 -march=native -DCTNN_FP_CONTRACT=1 -Iinclude $b_flags benchmarks/micro/steps.cpp -o "$work/B"
wait
for round in 1 2 3 4 5; do
    "$work/A" | sed 's/^/A /'
    "$work/B" | sed 's/^/B /'
done | awk '{ k = $2; v = $3 + 0; key = $1 " " k
              if (!(key in best) || v < best[key]) best[key] = v; order[k] = ++n }
            END { printf "%-22s %10s %10s %8s\n", "case (ns)", "A", "B", "B / A"
                  for (k in order) cases[order[k]] = k
                  for (i = 1; i <= n; ++i) if (i in cases) {
                      k = cases[i]; printf "%-22s %10.2f %10.2f %8.3f\n", k, best["A " k], best["B " k], best["B " k] / best["A " k] } }'
