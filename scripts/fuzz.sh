#!/usr/bin/env bash
# fuzz.sh [SECONDS] — the long fuzz run of docs/fuzzing.md: builds the two
# libFuzzer targets (load_csv_fuzz, load_weights_fuzz) with clang++ in
# build/fuzz, then runs each for SECONDS (default 600), both at once when the
# machine has two cores or more, one process each, from a corpus kept in
# build/fuzz/long/ across runs. Prints per target the executions, coverage
# (libFuzzer's cov: edges and ft: features) and crashes, each crash's input
# and the command that reproduces it. Exit status 1 if any target crashed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
ctnn_ensure_packages cmake make clang libclang-rt-14-dev libboost-dev catch2
seconds=${1:-600}
build=build/fuzz
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++ -DCTNN_BUILD_EXAMPLES=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target load_csv_fuzz load_weights_fuzz 2>&1 | { grep -vE '^\[ *[0-9]+%\]' || true; }
mkdir -p "$build/long"
echo "ctnn-fuzz: commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(clang++ --version | head -n 1), $seconds s per target"

status=0
run() { bash tests/fuzz/run.sh "$build/tests/fuzz/$1_fuzz" "$1" "$build/long/$1" "$seconds" long >"$build/long/$1.out" 2>&1; }
if [ "$(nproc)" -ge 2 ]; then
    run load_csv & csv=$!
    run load_weights & weights=$!
    wait "$csv" || status=1
    wait "$weights" || status=1
else
    run load_csv || status=1
    run load_weights || status=1
fi
cat "$build/long/load_csv.out" "$build/long/load_weights.out"
exit "$status"
