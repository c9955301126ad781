#!/usr/bin/env bash
# Builds Sluice and runs it on the demo workspace: a generated GitOps repository
# (${DEMO_DIR:-~/.local/share/sluice/demo}), reviewing the commits not yet deployed.
# Usage: scripts/demo.sh [sluicectl arguments]   (default: review web --base deployed --head main)
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"
demo="${DEMO_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/sluice/demo}"

"$root/scripts/build.sh" >/dev/null
if [ ! -d "$demo/.git" ]; then
  "$root/scripts/make-demo.sh" "$demo" >/dev/null
fi
cd "$demo"
if [ $# -eq 0 ]; then
  set -- review web --base deployed --head main
fi
status=0
"$build/app/sluicectl/sluicectl" --workspace "$demo/sluice.yaml" "$@" || status=$?
# review exits 1 when there are differences, which is the point of the demo.
[ "$status" -le 1 ] || exit "$status"
