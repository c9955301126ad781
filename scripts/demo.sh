#!/usr/bin/env bash
# Builds Sluice and opens it on the demo workspace: a generated GitOps repository
# (${DEMO_DIR:-~/.local/share/sluice/demo}) with pending commits, a pull-request ref and tags,
# whose cluster is the embedded sandbox. When the demo is created, its `deployed` tag is synced
# to the sandbox, so the applications start OutOfSync with pending commits.
#
# Usage: scripts/demo.sh                 the window (needs a display; else falls back to the CLI)
#        scripts/demo.sh --cli [ARGS]    sluicectl on the demo (default: status)
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"
demo="${DEMO_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/sluice/demo}"

"$root/scripts/build.sh" >&2
if [ ! -d "$demo/.git" ]; then
  "$root/scripts/make-demo.sh" "$demo" >/dev/null
fi
if [ ! -d "$demo/.sluice/sandbox" ]; then
  # What the cluster runs before the demo starts: the `deployed` tag (the sandbox starts on demand).
  # With Flux's CRDs at hand, Flux (simulated by the sandbox) deploys the status application.
  crds="${SLUICE_CORPUS_DIR:-$root/../shared/data}/flux-crds.yaml"
  apps="cluster web status"
  [ -f "$crds" ] && apps="cluster web"
  for app in $apps; do
    "$build/app/sluicectl/sluicectl" --workspace "$demo/sluice.yaml" sync "$app" --revision deployed --no-wait >/dev/null
  done
  echo "Demo: synced the 'deployed' tag to the sandbox cluster; main has pending commits." >&2
  if [ -f "$crds" ]; then
    "$root/scripts/demo-flux.sh" "$demo" "$crds"
    echo "Demo: Flux (simulated by the sandbox) deploys 'status' from main: Reconcile, Suspend and Resume act through it." >&2
  else
    echo "Demo: Flux's CRDs are not at $crds (set SLUICE_CORPUS_DIR): 'status' is synced by Sluice instead of Flux." >&2
  fi
fi

cli=false
if [ "${1:-}" = "--cli" ]; then
  cli=true
  shift
elif [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "No display: showing the demo with sluicectl instead (run under a desktop, or xvfb-run, for the window)." >&2
  cli=true
fi

if [ "$cli" = false ]; then
  exec "$build/app/sluice/sluice" --workspace "$demo/sluice.yaml"
fi
cd "$demo"
if [ $# -eq 0 ]; then
  set -- status
fi
status=0
"$build/app/sluicectl/sluicectl" --workspace "$demo/sluice.yaml" "$@" || status=$?
# status, diff and review exit 1 when there are differences, which is the point of the demo.
[ "$status" -le 1 ] || exit "$status"
