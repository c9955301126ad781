#!/usr/bin/env bash
# Builds the engine with clang, ASan and UBSan into ${FUZZ_BUILD_DIR:-build-fuzz} and runs every
# libFuzzer harness of tests/fuzz for SLUICE_FUZZ_SECONDS (default 30) each, from its seed corpus.
# Fails on a crash, a sanitizer report, a timeout or too much memory; the reproducer is written
# to the build directory (crash-*, leak-*, timeout-*): add it to tests/fuzz/corpus/NAME.
# Usage: scripts/fuzz.sh [ctest arguments, e.g. -R fuzz_yaml]
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
build="${FUZZ_BUILD_DIR:-$root/build-fuzz}"

"$root/scripts/deps.sh"
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSLUICE_FUZZ=ON \
  -DSLUICE_BUILD_GUI=OFF -DSLUICE_BUILD_TESTS=OFF -DSLUICE_BUILD_BENCH=OFF \
  -DSLUICE_FUZZ_SECONDS="${SLUICE_FUZZ_SECONDS:-30}" >/dev/null
cmake --build "$build" -j"${JOBS:-2}"
cd "$build"
ctest --output-on-failure -L fuzz -j"${JOBS:-2}" "$@"
