#!/usr/bin/env bash
# Builds and runs ctnn's demo: the seeds' 2-3-3-1 network trained on two moons.
# Installs missing Debian packages first.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/deps.sh
ctnn_ensure_packages cmake make g++ libboost-dev
cmake -S . -B build/demo -DCMAKE_BUILD_TYPE=Release -DCTNN_BUILD_TESTS=OFF -DCTNN_BUILD_EXAMPLES=ON >/dev/null
cmake --build build/demo -j"$(nproc)" --target seed_network
./build/demo/examples/seed_network
