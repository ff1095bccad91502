#!/usr/bin/env bash
# Runs every benchmark and writes the report to benchmarks/results/:
# report.md (tables, targets met / not met), results.json (machine description
# and every figure), time_per_case.svg, sweep.svg, raw/*.json (the tools' own
# output, every repetition). Installs missing Debian packages first. Takes
# about 10 minutes; run it on a quiet machine (see benchmarks/README.md).
#
# Settings (environment): CTNN_BENCH_BUILD_DIR (default build/bench),
# CTNN_BENCH_REPETITIONS (10), CTNN_BENCH_MIN_TIME (seconds per repetition,
# 0.05), CTNN_BENCH_COMPILE_RUNS (3), CTNN_BENCH_OUT (benchmarks/results).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
ctnn_ensure_packages cmake make g++ clang libboost-dev libbenchmark-dev libeigen3-dev \
    python3 python3-torch python3-matplotlib

build=${CTNN_BENCH_BUILD_DIR:-build/bench}
reps=${CTNN_BENCH_REPETITIONS:-10}
min_time=${CTNN_BENCH_MIN_TIME:-0.05}
compile_runs=${CTNN_BENCH_COMPILE_RUNS:-3}
out=${CTNN_BENCH_OUT:-benchmarks/results}
py=/usr/bin/python3   # Debian's, the one with python3-torch and python3-matplotlib

# Everything is written to a scratch directory first; benchmarks/results/ is
# replaced only when every step succeeded.
raw=$(mktemp -d)
trap 'rm -rf "$raw"' EXIT
step() { echo "=== $* ($(date +%T))"; }

step "configure and build ctnn_bench_runtime (Release) in $build"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=g++ -DCTNN_BUILD_BENCHMARKS=ON \
    -DCTNN_BUILD_TESTS=OFF -DCTNN_BUILD_EXAMPLES=OFF -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
cmake --build "$build" --target ctnn_bench_runtime -j"$(nproc)" 2>&1 | { grep -vE '^\[ *[0-9]+%\]' || true; }
bench_bin="$build/benchmarks/runtime/ctnn_bench_runtime"
[ -x "$bench_bin" ] || { echo "ctnn: $bench_bin was not built" >&2; exit 1; }

"$py" benchmarks/report.py snapshot "$raw/before.json"

step "single-core FMA peak"
g++ -O3 -march=native -Wall -Wextra -Werror benchmarks/fma_peak/fma_peak.cpp -o "$raw/fma_peak"
"$raw/fma_peak" >"$raw/fma_peak.json"
rm "$raw/fma_peak"

step "runtime benchmarks: $reps repetitions, random interleaving"
"$bench_bin" --benchmark_repetitions="$reps" --benchmark_enable_random_interleaving=true \
    --benchmark_min_time="$min_time" --benchmark_out="$raw/runtime.json" --benchmark_out_format=json \
    >"$raw/runtime.txt"   # a failing binary stops the script here (set -e)
grep -E '_median ' "$raw/runtime.txt" || true
[ -s "$raw/runtime.json" ] || { echo "ctnn: the runtime benchmark wrote no JSON" >&2; exit 1; }

step "PyTorch benchmarks"
"$py" benchmarks/pytorch/bench.py --out "$raw/pytorch.json" --repetitions "$reps" --min-time "$min_time"

step "compile-time benchmarks: $compile_runs runs each"
"$py" benchmarks/compile_time/bench.py --out "$raw/compile_time.json" --runs "$compile_runs"

"$py" benchmarks/report.py snapshot "$raw/after.json"

step "report"
staged=$(mktemp -d)
trap 'rm -rf "$raw" "$staged"' EXIT
mkdir "$staged/raw"
cp "$raw"/*.json "$staged/raw/"
"$py" benchmarks/report.py render --raw "$staged/raw" --out-dir "$staged" --build-dir "$build" >/dev/null
mkdir -p "$out"
rm -rf "$out/raw" "$out/report.md" "$out/results.json" "$out/time_per_case.svg" "$out/sweep.svg"
cp -r "$staged/." "$out/"
chmod -R u=rwX,go=rX "$out"
echo "ctnn: report written to $out/report.md"
grep -E '^[0-9]+ of [0-9]+ target checks met' "$out/report.md"
