#!/usr/bin/env bash
# run.sh FUZZER TARGET WORK_DIR SECONDS [smoke|long] [libFuzzer flags...]
# Runs one fuzz target (docs/fuzzing.md): replays regressions/TARGET/ (each
# input once: a failure there fails at once), then fuzzes for SECONDS from
# corpus/TARGET/, regressions/TARGET/ and, for load_weights, seeds written by
# the target itself through io::save. `smoke` starts from an empty work
# corpus (CTest, -seed=1); `long` keeps WORK_DIR/corpus across runs, and each
# run's crashes in a directory of their own (scripts/fuzz.sh). Prints one line
# with executions, coverage (libFuzzer's cov: edges and ft: features) and
# crashes; a crash's input is kept under WORK_DIR/artifacts/ and its path printed.
set -uo pipefail
fuzzer=$1 target=$2 work=$3 seconds=$4 mode=${5:-smoke}
shift $(($# < 5 ? $# : 5))
src=$(cd "$(dirname "$0")" && pwd)

[ "$mode" = smoke ] && rm -rf "$work"
artifacts_dir="$work/artifacts"
[ "$mode" = long ] && artifacts_dir="$work/artifacts/run-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$work/corpus" "$work/generated" "$artifacts_dir"
log="$work/fuzz.log"

if [ "$target" = load_weights ]; then
    "$fuzzer" --ctnn-write-seeds="$work/generated" >"$log" 2>&1 || { cat "$log"; echo "ctnn-fuzz: $target: writing seeds failed"; exit 1; }
fi

shopt -s nullglob
regressions=("$src/regressions/$target"/*)
if [ ${#regressions[@]} -gt 0 ]; then
    if ! "$fuzzer" -rss_limit_mb=2048 -timeout=10 -artifact_prefix="$artifacts_dir/" "${regressions[@]}" >"$log" 2>&1; then
        grep -aE '^ctnn-fuzz: |^==[0-9]+==ERROR|runtime error|^SUMMARY' "$log" | head -n 20
        tail -n 25 "$log"
        failed=$(grep -aE '^Running: ' "$log" | tail -n 1 | sed 's/^Running: //')
        echo "ctnn-fuzz: $target: regression input FAILED: $failed"
        echo "ctnn-fuzz: reproduce: $fuzzer $failed"
        exit 1
    fi
    echo "ctnn-fuzz: $target: ${#regressions[@]} regression inputs pass"
fi

flags=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192
       -dict="$src/$target.dict" -artifact_prefix="$artifacts_dir/" -print_final_stats=1)
[ "$mode" = smoke ] && flags+=(-seed=1)
start=$SECONDS
# the committed seeds and regressions, where the target has them (load_weights'
# seeds are generated, into $work/generated)
dirs=("$work/corpus")
for d in "$src/corpus/$target" "$src/regressions/$target"; do [ -d "$d" ] && dirs+=("$d"); done
"$fuzzer" "${flags[@]}" "$@" "${dirs[@]}" "$work/generated" >"$log" 2>&1
status=$?
elapsed=$((SECONDS - start))

execs=$(grep -aE '^stat::number_of_executed_units:' "$log" | awk '{print $2}' | tail -n 1)
last=$(grep -aE '^#[0-9]+.*cov: ' "$log" | tail -n 1)
cov=$(sed -nE 's/.*cov: ([0-9]+).*/\1/p' <<<"$last")
ft=$(sed -nE 's/.*ft: ([0-9]+).*/\1/p' <<<"$last")
corp=$(sed -nE 's/.*corp: ([0-9]+).*/\1/p' <<<"$last")
artifacts=("$artifacts_dir"/*)
echo "ctnn-fuzz: $target: ${execs:-?} executions in $elapsed s, cov ${cov:-?}, ft ${ft:-?}, corpus ${corp:-?}, ${#artifacts[@]} crashes"
if [ "$status" -ne 0 ] || [ ${#artifacts[@]} -gt 0 ]; then
    grep -aE '^ctnn-fuzz: |^==[0-9]+==ERROR|runtime error|^SUMMARY' "$log" | head -n 20
    tail -n 30 "$log"
    for a in "${artifacts[@]}"; do
        echo "ctnn-fuzz: $target: crash input kept as $a"
        echo "ctnn-fuzz: reproduce: $fuzzer $a"
    done
    echo "ctnn-fuzz: $target: FAILED (exit $status), full log $log"
    exit 1
fi
