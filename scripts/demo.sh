#!/usr/bin/env bash
# Builds and runs ctnn's demo: a 64-32-10 network learns the handwritten digits (Adam, batch 32).
# Installs missing Debian packages first.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
ctnn_ensure_packages cmake make g++ libboost-dev
cmake -S . -B build/demo -DCMAKE_BUILD_TYPE=Release -DCTNN_BUILD_TESTS=OFF -DCTNN_BUILD_EXAMPLES=ON >/dev/null
cmake --build build/demo -j"$(nproc)" --target digits
./build/demo/examples/digits
