#!/bin/sh
# Applies each deliberate bug of scripts/mutations.txt, one at a time, to a copy of the
# committed tree (a git worktree in $MUTATION_DIR, default /tmp/sluice-mutations), rebuilds the
# named tests there and runs them: a bug no test catches is a "SURVIVED" line. Exit 1 if any
# survived. Run it when you change the code or the tests of an area listed in mutations.txt.
#
# Usage: scripts/mutation-check.sh [REGEX]   (only mutations whose line matches REGEX)
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
work=${MUTATION_DIR:-/tmp/sluice-mutations}
filter=${1:-.}
if [ ! -d "$work/tree" ]; then
    git -C "$src" worktree add --detach "$work/tree" HEAD >/dev/null
fi
git -C "$work/tree" checkout -q --detach "$(git -C "$src" rev-parse HEAD)"
git -C "$work/tree" checkout -q -- .
cmake -S "$work/tree" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_COMPILER_LAUNCHER=ccache >/dev/null
grep -v "^#" "$src/scripts/mutations.txt" | grep -E -e "$filter" | while IFS='|' read -r file subst tests what; do
    file=$(echo "$file" | xargs); tests=$(echo "$tests" | xargs); what=$(echo "$what" | xargs)
    subst=$(echo "$subst" | sed 's/^ *//; s/ *$//')
    cp "$work/tree/$file" "$work/original"
    perl -pi -e "$subst" "$work/tree/$file"
    if cmp -s "$work/tree/$file" "$work/original"; then
        echo "NOT APPLIED  $what ($file: the pattern no longer matches)"
        continue
    fi
    targets=$(echo "$tests" | tr -d '^$' | tr '|' ' ')
    if ! ninja -C "$work/build" -j2 $targets >"$work/build.log" 2>&1; then
        echo "CAUGHT       $what (does not build)"
    elif (cd "$work/build" && ctest -R "$tests" >"$work/test.log" 2>&1); then
        echo "SURVIVED     $what ($tests still pass)"
        echo 1 >"$work/survived"
    else
        echo "CAUGHT       $what"
    fi
    cp "$work/original" "$work/tree/$file"
done
[ ! -f "$work/survived" ] || { rm -f "$work/survived"; exit 1; }
