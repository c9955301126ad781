#!/usr/bin/env bash
# Installs what is needed, builds from scratch-or-incrementally, and runs every test with ctest.
# Usage: scripts/test.sh [ctest arguments, e.g. -R yaml]
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"

"$root/scripts/build.sh"
# Tests that need kubectl or git fail (not skip) without them: say so early.
for tool in git kubectl; do
  command -v "$tool" >/dev/null || echo "warning: $tool is not on PATH; the tests that use it will fail" >&2
done
cd "$build"
ctest --output-on-failure -j2 "$@"
