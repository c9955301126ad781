#!/usr/bin/env bash
# Build the Sluice demo GitOps repository (with a deterministic Git history) in DEST.
#
#   scripts/make-demo.sh [--force] [--dirty] DEST
#
#   --force   DEST exists and is not empty: remove it and recreate it.
#   --dirty   leave one uncommitted edit (LOG_LEVEL=debug in the web ConfigMap), for
#             reviewing the working tree.
#
# Sources are resources/demo/ next to this script's directory. Needs bash, git and coreutils.
# Names, emails and dates are fixed and the user's Git configuration is ignored, so every run
# produces the same object ids.
set -euo pipefail

usage() {
    echo "usage: ${0##*/} [--force] [--dirty] DEST" >&2
    exit 2
}
die() {
    echo "${0##*/}: $*" >&2
    exit 1
}

force=0
dirty=0
dest=
while (($#)); do
    case $1 in
        --force) force=1 ;;
        --dirty) dirty=1 ;;
        -h | --help) usage ;;
        --) shift; (($# == 1)) || usage; dest=$1; break ;;
        -*) echo "${0##*/}: unknown option: $1" >&2; usage ;;
        *) [[ -z $dest ]] || usage; dest=$1 ;;
    esac
    shift
done
[[ -n $dest ]] || usage

script_dir=$(dirname -- "$(readlink -f -- "${BASH_SOURCE[0]}")")
demo=$script_dir/../resources/demo
[[ -f $demo/sluice.yaml && -d $demo/repo && -d $demo/canary ]] ||
    die "demo sources not found under $demo"

# --- destination ------------------------------------------------------------------------------
if [[ -e $dest || -L $dest ]]; then
    [[ -d $dest && ! -L $dest ]] || die "$dest exists and is not a directory"
    if [[ -n $(ls -A -- "$dest") ]]; then
        ((force)) || die "$dest is not empty (use --force to replace it)"
        abs=$(cd -- "$dest" && pwd -P)
        case "$script_dir/" in "${abs%/}/"*) die "refusing to remove $abs: it contains this script" ;; esac
        [[ $abs != "$(cd -- "${HOME:-/}" 2>/dev/null && pwd -P)" ]] || die "refusing to remove $abs"
        rm -rf -- "$abs"
    fi
fi
mkdir -p -- "$dest"
dest=$(cd -- "$dest" && pwd -P)

# --- a Git that only sees our settings -------------------------------------------------------
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES \
    GIT_NAMESPACE GIT_CEILING_DIRECTORIES GIT_TEMPLATE_DIR
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_CONFIG_COUNT=0 LC_ALL=C TZ=UTC
g() {
    git -C "$dest" -c commit.gpgSign=false -c tag.gpgSign=false -c core.autocrlf=false \
        -c core.fileMode=true -c advice.detachedHead=false "$@"
}

# who WHO: the author and committer of the next commit or tag.
who() {
    case $1 in
        alex) name="Alex Rivera" email="alex.rivera@acme.example" ;;
        sam) name="Sam Okafor" email="sam.okafor@acme.example" ;;
        *) die "unknown persona $1" ;;
    esac
    export GIT_AUTHOR_NAME=$name GIT_AUTHOR_EMAIL=$email
    export GIT_COMMITTER_NAME=$name GIT_COMMITTER_EMAIL=$email
}

# Commit N (1-based) is dated 2026-11-01, (8+N):00 UTC: one hour apart, starting at 09:00.
n=0
commit() {
    n=$((n + 1))
    local date
    date=$(printf '2026-11-01T%02d:00:00Z' $((8 + n)))
    export GIT_AUTHOR_DATE=$date GIT_COMMITTER_DATE=$date
    g add --chmod=-x -A
    g commit -q --no-verify -m "$1"
}

# replace FILE OLD NEW: replace the one occurrence of OLD in FILE (relative to DEST).
replace() {
    local file=$dest/$1 old=$2 new=$3 content rest
    content=$(<"$file")
    [[ $content == *"$old"* ]] || die "$1: '$old' not found"
    rest=${content#*"$old"}
    [[ $rest != *"$old"* ]] || die "$1: '$old' found more than once"
    printf '%s\n' "${content/"$old"/"$new"}" >"$file"
}

# --- history ---------------------------------------------------------------------------------
g -c init.defaultBranch=main init -q
g config core.autocrlf false
echo ".sluice/" >>"$dest/.git/info/exclude"   # the demo's sandbox cluster keeps its data there

cp -R -- "$demo/repo/." "$dest/"
cp -- "$demo/sluice.yaml" "$dest/sluice.yaml"

who alex
commit "Initial platform layout: shop namespace, web app base and prod overlay, status page"

who sam
replace apps/web/base/deployment.yaml "image: ghcr.io/acme/web:1.4.2" "image: ghcr.io/acme/web:1.5.0"
commit "web: bump image to 1.5.0"

who alex
replace apps/web/overlays/prod/replicas.yaml "replicas: 3" "replicas: 4"
commit "web: scale prod to 4 replicas"
g tag -a v1.0.0 -m "Release 1.0.0" HEAD   # tagger and date: this commit's committer and date
g tag deployed HEAD                       # what the cluster last applied

who sam
replace apps/web/base/configmap.yaml 'FEATURE_CHECKOUT: "false"' \
    'FEATURE_CHECKOUT: "false"'$'\n''  FEATURE_RECOMMENDATIONS: "true"'
commit "web: add FEATURE_RECOMMENDATIONS flag to config"

who alex
# base64 of s3cr3t-demo-1 -> base64 of s3cr3t-demo-2 (fake values)
replace apps/web/base/secret.yaml "DATABASE_PASSWORD: czNjcjN0LWRlbW8tMQ==" \
    "DATABASE_PASSWORD: czNjcjN0LWRlbW8tMg=="
commit "web: rotate database password"

# An unmerged feature branch, also visible as a pull-request ref.
g checkout -q -b feature/canary
who sam
cp -- "$demo/canary/deployment-canary.yaml" "$demo/canary/service-canary.yaml" "$dest/apps/web/base/"
replace apps/web/base/kustomization.yaml "  - secret.yaml" \
    "  - secret.yaml"$'\n''  - deployment-canary.yaml'$'\n''  - service-canary.yaml'
commit "web: add canary Deployment and Service"
replace apps/status/pdb.yaml "minAvailable: 1" "minAvailable: 2"
commit "status: raise PDB minAvailable to 2"
g checkout -q main
g update-ref refs/pull/7/head refs/heads/feature/canary

if ((dirty)); then
    replace apps/web/base/configmap.yaml "LOG_LEVEL: info" "LOG_LEVEL: debug"
fi

echo "Demo repository: $dest"
echo "Try: sluicectl --workspace $dest/sluice.yaml review web --base deployed --head main"
