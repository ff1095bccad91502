#!/usr/bin/env bash
# Builds and runs ctnn's whole test suite four times: with g++ and with
# clang++ (warnings are errors on ctnn's own targets), with g++ under
# AddressSanitizer + UndefinedBehaviorSanitizer, and with g++ for plain AVX2
# (-march=x86-64-v3: the tests, the examples and the benchmarks as most x86
# machines run them). Every build that has the benchmarks runs each of them
# briefly (CTest's `bench: smoke`); the clang build also fuzzes each loader
# for 25 s (label `fuzz`, tests/fuzz). Installs missing Debian packages first.
# Prints one closing line with the totals.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
# libclang-rt-14-dev: clang's libFuzzer runtime, for the fuzz smoke
ctnn_ensure_packages cmake make g++ clang libclang-rt-14-dev binutils python3 python3-torch libboost-dev catch2 libbenchmark-dev libeigen3-dev
# the Cortex-M toolchain (C++ headers only, no libstdc++ build) and QEMU for the embedded tests
ctnn_ensure_packages gcc-arm-none-eabi libnewlib-arm-none-eabi libstdc++-arm-none-eabi-dev qemu-system-arm
# a comma-decimal locale: the loaders and writers must not depend on the
# locale a program runs under (tests/locale_guard.hpp); demanded, not skipped
ctnn_ensure_packages locales
if ! locale -a 2>/dev/null | grep -qiE '^de_DE\.utf-?8$'; then
    if [ "$(id -u)" -eq 0 ]; then localedef -i de_DE -f UTF-8 de_DE.UTF-8; else sudo localedef -i de_DE -f UTF-8 de_DE.UTF-8; fi
fi
export CTNN_REQUIRE_LOCALE=1

jobs=$(nproc)
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# run NAME LABEL-REGEX CMAKE-ARGS...: configure, build, test; count the results
run() {
    local name=$1 labels=$2
    shift 2
    echo "=== $name ==="
    local start=$SECONDS
    cmake -S . -B "build/$name" "$@" >/dev/null
    cmake --build "build/$name" -j"$jobs" 2>&1 | { grep -vE '^\[ *[0-9]+%\]|^-- ' || true; }
    local status=0
    ctest --test-dir "build/$name" -j"$jobs" -L "$labels" --output-on-failure 2>&1 | tee "$log" | grep -vE '^ +Start|Test +#' || status=$?
    local line
    line=$(grep -E 'tests passed, [0-9]+ tests failed out of [0-9]+' "$log" || echo "0% tests passed, 1 tests failed out of 1")
    local total fail
    total=$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$line")
    fail=$(sed -E 's/.*passed, ([0-9]+) tests failed.*/\1/' <<<"$line")
    passed=$((passed + total - fail))
    failed=$((failed + fail))
    echo "=== $name: $((total - fail)) of $total passed in $((SECONDS - start)) s ==="
}

run gcc '.*' -DCMAKE_CXX_COMPILER=g++ -DCMAKE_BUILD_TYPE=Release -DCTNN_REQUIRE_TORCH=ON -DCTNN_BUILD_EMBEDDED=ON -DCTNN_BUILD_BENCHMARKS=ON
run clang '.*' -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Release -DCTNN_REQUIRE_TORCH=ON -DCTNN_BUILD_EMBEDDED=OFF -DCTNN_BUILD_BENCHMARKS=ON
run sanitize 'unit|example|bench' -DCMAKE_CXX_COMPILER=g++ -DCMAKE_BUILD_TYPE=Debug -DCTNN_SANITIZE=ON -DCTNN_REQUIRE_TORCH=ON -DCTNN_BUILD_EMBEDDED=OFF -DCTNN_BUILD_BENCHMARKS=ON
# Plain AVX2 + FMA, with no -ffp-contract flag of its own: the tests check that
# run time gives the bits of constant evaluation, which holds without fused
# multiply-adds, so this stage also proves that ctnn::ctnn turns them off for
# its users (config.hpp: CTNN_FP_CONTRACT). The benchmarks of this build still
# crashed on the harness that issue 25 fixed.
if grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo; then
    run avx2 '.*' -DCMAKE_CXX_COMPILER=g++ -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS=-march=x86-64-v3 -DCTNN_BENCH_MARCH=x86-64-v3 -DCTNN_REQUIRE_TORCH=ON -DCTNN_BUILD_EMBEDDED=OFF -DCTNN_BUILD_BENCHMARKS=ON
else
    echo "=== avx2: skipped, this CPU cannot run AVX2 + FMA code ==="
fi

echo "ctnn: $passed passed, $failed failed, in $SECONDS s"
[ "$failed" -eq 0 ]
