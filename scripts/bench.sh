#!/usr/bin/env bash
# Runs every benchmark and writes the report to benchmarks/results/:
# report.md (tables, targets met / not met), results.json (machine description,
# the -march the benchmarks were built for, every figure), time_per_case.svg,
# sweep.svg, raw/*.json (the tools' own output, every repetition). Installs
# missing Debian packages first. Takes about 15 minutes; run it on a quiet
# machine (see benchmarks/README.md).
#
# Every step has a time limit; a step that fails or runs past it stops the
# script with a message naming the step (and, for a crashing benchmark, the
# benchmark), and benchmarks/results/ is left as it was.
#
# Settings (environment): CTNN_BENCH_MARCH (native; x86-64-v3 for a report of
# AVX2 code), CTNN_BENCH_BUILD_DIR (build/bench, or build/bench-<march> for
# another -march), CTNN_BENCH_REPETITIONS (10), CTNN_BENCH_MIN_TIME (seconds
# per repetition, 0.05), CTNN_BENCH_COMPILE_RUNS (3), CTNN_BENCH_OUT
# (benchmarks/results, or benchmarks/results-<march> for another -march).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
ctnn_ensure_packages cmake make g++ clang libboost-dev libbenchmark-dev libeigen3-dev \
    python3 python3-torch python3-matplotlib

march=${CTNN_BENCH_MARCH:-native}
suffix=$([ "$march" = native ] && echo "" || echo "-$march")
build=${CTNN_BENCH_BUILD_DIR:-build/bench$suffix}
reps=${CTNN_BENCH_REPETITIONS:-10}
min_time=${CTNN_BENCH_MIN_TIME:-0.05}
compile_runs=${CTNN_BENCH_COMPILE_RUNS:-3}
out=${CTNN_BENCH_OUT:-benchmarks/results$suffix}
py=/usr/bin/python3   # Debian's, the one with python3-torch and python3-matplotlib
export march build reps min_time py

# Everything is written to a scratch directory first; $out is replaced only
# when every step succeeded.
raw=$(mktemp -d)
staged=$(mktemp -d)
export raw staged
trap 'rm -rf "$raw" "$staged"' EXIT

# step NAME LIMIT-SECONDS COMMAND...: runs COMMAND with a time limit; a failure
# or a timeout stops the script naming the step
step() {
    local name=$1 limit=$2
    shift 2
    echo "=== $name ($(date +%T), limit ${limit} s)"
    # a shell function runs in a child bash (timeout runs programs), with the
    # settings below exported to it
    if declare -F "$1" >/dev/null; then
        export -f "$1"
        set -- bash -c "set -euo pipefail; $1"
    fi
    local status=0
    timeout --kill-after=10 "$limit" "$@" || status=$?
    if [ "$status" -eq 124 ] || [ "$status" -eq 137 ]; then
        echo "ctnn: step '$name' ran past its limit of $limit s and was stopped; $out is unchanged" >&2
        exit 1
    elif [ "$status" -ne 0 ]; then
        echo "ctnn: step '$name' failed (exit status $status); $out is unchanged" >&2
        exit 1
    fi
}

build_runtime() {
    cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=g++ -DCTNN_BUILD_BENCHMARKS=ON \
        -DCTNN_BENCH_MARCH="$march" -DCTNN_BUILD_TESTS=OFF -DCTNN_BUILD_EXAMPLES=OFF \
        -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
    cmake --build "$build" --target ctnn_bench_runtime -j"$(nproc)" 2>&1 | { grep -vE '^\[ *[0-9]+%\]' || true; }
}
step "configure and build ctnn_bench_runtime (Release, -march=$march) in $build" 3600 build_runtime
export bench_bin="$build/benchmarks/runtime/ctnn_bench_runtime"
[ -x "$bench_bin" ] || { echo "ctnn: $bench_bin was not built" >&2; exit 1; }

# Every benchmark once, each in its own process: a crash or a hang is named
# here, before the long timed run (whose random interleaving would hide it).
step "smoke run of every runtime benchmark" 1800 "$py" benchmarks/runtime/smoke.py "$bench_bin"

"$py" benchmarks/report.py snapshot "$raw/before.json"

fma_peak() {
    g++ -O3 -march=native -Wall -Wextra -Werror benchmarks/fma_peak/fma_peak.cpp -o "$raw/fma_peak"
    "$raw/fma_peak" >"$raw/fma_peak.json"
    rm "$raw/fma_peak"
}
step "single-core FMA peak" 600 fma_peak

runtime() {
    local status=0
    # line-buffered, so that after a crash runtime.txt ends with the last finished benchmark
    stdbuf -oL "$bench_bin" --benchmark_repetitions="$reps" --benchmark_enable_random_interleaving=true \
        --benchmark_min_time="$min_time" --benchmark_out="$raw/runtime.json" --benchmark_out_format=json \
        >"$raw/runtime.txt" || status=$?
    if [ "$status" -ne 0 ]; then
        echo "ctnn: ctnn_bench_runtime exited with status $status; the last benchmark it finished:" >&2
        grep -E '^[a-z0-9]+/' "$raw/runtime.txt" | tail -n 1 >&2 || true
        return "$status"
    fi
    grep -E '_median ' "$raw/runtime.txt" || true
    [ -s "$raw/runtime.json" ] || { echo "ctnn: the runtime benchmark wrote no JSON" >&2; return 1; }
    if grep -q '"error_occurred": true' "$raw/runtime.json"; then
        echo "ctnn: benchmarks reported errors:" >&2
        grep -B3 '"error_occurred": true' "$raw/runtime.json" | grep '"name"' >&2
        return 1
    fi
}
step "runtime benchmarks: $reps repetitions, random interleaving" 3600 runtime

step "PyTorch benchmarks" 1800 \
    "$py" benchmarks/pytorch/bench.py --out "$raw/pytorch.json" --repetitions "$reps" --min-time "$min_time"

step "compile-time benchmarks: $compile_runs runs each" 3600 \
    "$py" benchmarks/compile_time/bench.py --out "$raw/compile_time.json" --runs "$compile_runs"

"$py" benchmarks/report.py snapshot "$raw/after.json"

render() {
    mkdir "$staged/raw"
    cp "$raw"/*.json "$staged/raw/"
    "$py" benchmarks/report.py render --raw "$staged/raw" --out-dir "$staged" --build-dir "$build" >/dev/null
}
step "report" 600 render
mkdir -p "$out"
rm -rf "$out/raw" "$out/report.md" "$out/results.json" "$out/time_per_case.svg" "$out/sweep.svg"
cp -r "$staged/." "$out/"
chmod -R u=rwX,go=rX "$out"
echo "ctnn: report written to $out/report.md"
grep -E '^[0-9]+ of [0-9]+ target checks met' "$out/report.md"
