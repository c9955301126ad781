#!/usr/bin/env bash
# Let Flux deploy the demo's `status` application: applies Flux's real CRDs and the objects
# `flux bootstrap` would write (resources/demo/flux/status.yaml) to the demo's sandbox, where
# simulated Flux controllers reconcile them (README, "The sandbox cluster").
#
# Usage: scripts/demo-flux.sh DEMO_DIR [FLUX_CRDS]
#   FLUX_CRDS defaults to $SLUICE_CORPUS_DIR/flux-crds.yaml, else ../shared/data/flux-crds.yaml
#   next to the project. The demo's sandbox must be running (any sluicectl command starts it).
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
demo="$(cd "${1:?usage: demo-flux.sh DEMO_DIR [FLUX_CRDS]}" && pwd)"
crds="${2:-${SLUICE_CORPUS_DIR:-$root/../shared/data}/flux-crds.yaml}"
[ -f "$crds" ] || { echo "demo-flux.sh: Flux's CRDs are not at $crds (set SLUICE_CORPUS_DIR)" >&2; exit 1; }
kc=(kubectl --kubeconfig "$demo/.sluice/sandbox/kubeconfig")
"${kc[@]}" apply --server-side -f "$crds" >/dev/null
"${kc[@]}" wait --for condition=established --timeout 30s -f "$crds" >/dev/null
sed "s|@REPO@|$demo|" "$root/resources/demo/flux/status.yaml" | "${kc[@]}" apply --server-side -f - >/dev/null
"${kc[@]}" wait --for condition=ready --timeout 60s -n flux-system kustomization/status >/dev/null
