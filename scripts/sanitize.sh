#!/usr/bin/env bash
# Builds every target with clang, ASan and UBSan (the `asan` preset: build-asan/) and runs the
# whole suite under them. The asan test preset sets the runtime options, which the sluicectl and
# sluice-sandbox the tests start inherit, and sends every report of every process to
# build-asan/sanitizer-reports/: any report fails the run (the test sanitizer_reports_check prints
# them). Suppressions for libraries that are not ours: tests/sanitizers/*.supp.
# Usage: scripts/sanitize.sh [ctest arguments, e.g. -R yaml]
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"

"$root/scripts/deps.sh"
cd "$root"
cmake --preset asan >/dev/null
cmake --build --preset asan
for tool in git kubectl; do
  command -v "$tool" >/dev/null || echo "warning: $tool is not on PATH; the tests that use it will fail" >&2
done
ctest --preset asan "$@"
