#!/usr/bin/env bash
# Installs Sluice's Debian package as a user would, and checks it (issue 14):
#   1. builds sluice_<version>_<arch>.deb with cpack from the build directory, checks its name,
#      contents and Depends (dpkg-shlibdeps), validates its AppStream tree, runs lintian (errors fail);
#   2. installs it with apt-get, runs each installed program's --version, a sluicectl
#      review of a fresh demo repository, and the window under Xvfb: it must paint, and a
#      screenshot of it must show more than an empty screen;
#   3. purges the package and checks that none of its files is left.
# Needs root (through sudo otherwise). It replaces an installed sluice package and purges it at
# the end, also when a check fails. Exits non-zero with a "FAIL:" line on the first failure.
#
# Usage: scripts/package-test.sh   (after scripts/build.sh; BUILD_DIR as there)
# Leaves the package, lintian's report and the screenshot in <build>/package-test/.
# SLUICE_BUILD_LOCK=FILE: build and run cpack under `flock FILE` (a build directory shared with
# other builds; cpack builds the tree before it installs it).
set -euo pipefail
root="$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"
out="$build/package-test"

fail() {
  echo "package-test: FAIL: $*" >&2
  exit 1
}
step() { echo "== $*"; }

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
for tool in cmake cpack apt-get dpkg-deb lintian appstreamcli xvfb-run import convert git; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (scripts/deps.sh installs what this test needs)"
done
[ -f "$build/CPackConfig.cmake" ] ||
  fail "$build/CPackConfig.cmake is missing: configure and build first (scripts/build.sh), with SLUICE_BUILD_GUI=ON"
version="$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")"
[ -n "$version" ] || fail "no CMAKE_PROJECT_VERSION in $build/CMakeCache.txt"
arch="$(dpkg --print-architecture)"
lock=()
if [ -n "${SLUICE_BUILD_LOCK:-}" ]; then
  lock=(flock "$SLUICE_BUILD_LOCK")
fi

work="$(mktemp -d /tmp/sluice-package-test.XXXXXX)"
demo="$work/demo"
cleanup() {
  local status=$?
  set +e
  # The window leaves the sandbox it started running when it is killed: stop it.
  if [ -x /usr/bin/sluicectl ] && [ -f "$demo/sluice.yaml" ]; then
    /usr/bin/sluicectl --workspace "$demo/sluice.yaml" sandbox stop >/dev/null 2>&1
  fi
  if [ $status -ne 0 ] && dpkg-query -W -f='${Status}' sluice 2>/dev/null | grep -q "ok installed"; then
    echo "package-test: purging the sluice package after the failure" >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get purge -y -qq sluice >/dev/null 2>&1
  fi
  rm -rf "$work"
}
trap cleanup EXIT
# --- 1. the package ---------------------------------------------------------------------------
step "build and cpack -G DEB ($build)"
"${lock[@]}" cmake --build "$build" -j"${JOBS:-2}"
rm -rf "$out"
mkdir -p "$out"
(cd "$build" && "${lock[@]}" cpack -G DEB -B "$out") >"$out/cpack.log" 2>&1 ||
  { cat "$out/cpack.log" >&2; fail "cpack -G DEB failed (log above)"; }
rm -rf "$out/_CPack_Packages"
deb="$out/sluice_${version}_${arch}.deb"
[ -f "$deb" ] || fail "cpack did not write $deb: $(ls "$out")"
echo "$deb: $(du -h "$deb" | cut -f1)"

[ "$(dpkg-deb -f "$deb" Package)" = sluice ] || fail "the package is not named sluice"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "the package's version is not $version"
depends="$(dpkg-deb -f "$deb" Depends)"
echo "Depends: $depends"
for library in libqt6widgets6 libgit2 libc6; do
  [[ $depends == *"$library"* ]] || fail "Depends names no $library: dpkg-shlibdeps did not run?"
done
dpkg-deb -c "$deb" | awk '{ print substr($6, 2) }' | grep -v '/$' | sort >"$work/files"
for file in /usr/bin/sluice /usr/bin/sluicectl /usr/bin/sluice-sandbox \
  /usr/share/applications/dev.sluice.Sluice.desktop /usr/share/metainfo/dev.sluice.Sluice.metainfo.xml \
  /usr/share/icons/hicolor/scalable/apps/dev.sluice.Sluice.svg \
  /usr/share/icons/hicolor/48x48/apps/dev.sluice.Sluice.png \
  /usr/share/doc/sluice/copyright /usr/share/doc/sluice/changelog.gz \
  /usr/share/man/man1/sluice.1.gz /usr/share/man/man1/sluicectl.1.gz /usr/share/man/man1/sluice-sandbox.1.gz \
  /usr/share/bash-completion/completions/sluicectl /usr/share/zsh/vendor-completions/_sluicectl \
  /usr/share/fish/vendor_completions.d/sluicectl.fish; do
  grep -qx "$file" "$work/files" || fail "the package has no $file"
done
if grep -v '^/usr/' "$work/files"; then
  fail "the package installs files outside /usr (above)"
fi

step "appstreamcli validate-tree (the package's files as installed)"
dpkg-deb -x "$deb" "$work/tree"
appstreamcli validate-tree --no-net "$work/tree" || fail "appstreamcli validate-tree found problems (above)"

step "lintian"
# Errors fail; warnings and infos are printed, to fix when cheap.
lintian_status=0
lintian --fail-on error --display-info "$deb" >"$out/lintian.txt" 2>&1 || lintian_status=$?
cat "$out/lintian.txt"
[ $lintian_status -eq 0 ] || fail "lintian reports errors (E: above)"

# --- 2. installed -----------------------------------------------------------------------------
step "apt-get install $deb"
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "$deb"
[ "$(dpkg-query -W -f='${Status} ${Version}' sluice)" = "install ok installed $version" ] ||
  fail "dpkg does not list sluice $version as installed"

# The installed programs keep their caches and settings here, not in the user's (set only now:
# ccache, in the build above, would look for its cache in XDG_CACHE_HOME).
export XDG_CACHE_HOME="$work/cache" XDG_CONFIG_HOME="$work/config" XDG_STATE_HOME="$work/state"
export XDG_RUNTIME_DIR="$work/runtime"
mkdir -m 700 "$XDG_RUNTIME_DIR"

step "--version (without a display)"
for program in sluice sluicectl sluice-sandbox; do
  printed="$(env -u DISPLAY -u WAYLAND_DISPLAY -u QT_QPA_PLATFORM "/usr/bin/$program" --version)" ||
    fail "/usr/bin/$program --version failed"
  echo "$printed"
  [ "$printed" = "$program $version" ] || fail "$program --version does not say \"$program $version\""
done

step "sluicectl review on a demo repository"
"$root/scripts/make-demo.sh" "$demo" >/dev/null
review_status=0
(cd "$work" && /usr/bin/sluicectl --workspace "$demo/sluice.yaml" review web --base deployed --head main) \
  >"$work/review.txt" 2>&1 || review_status=$?
cat "$work/review.txt"
# Exit status as kubectl diff's: 1 when there are differences, and here there are.
[ $review_status -eq 1 ] || fail "sluicectl review exited $review_status (1: differences expected)"
grep -q '^Review of web: deployed (b37c9c8) → main (ac5b10d)' "$work/review.txt" || fail "review: no header"
grep -q 'FEATURE_RECOMMENDATIONS: (absent) → "true"' "$work/review.txt" || fail "review: the ConfigMap's new key is missing"
grep -q '0 added, 0 removed, 2 changed, 2 unchanged' "$work/review.txt" || fail "review: wrong summary"
if grep -q 'czNjcjN0LWRlbW8t' "$work/review.txt"; then
  fail "review: a secret value is shown unmasked"
fi

step "the window under Xvfb"
# A first run quits once the main window has painted (app/sluice/main.cpp); a second one stays
# up for the screenshot, taken once the screen shows more than a few colours.
xvfb-run -a -s "-screen 0 1280x800x24" env SLUICE_EXIT_AFTER_FIRST_PAINT=1 \
  timeout 120 /usr/bin/sluice --workspace "$demo/sluice.yaml" >"$work/paint.txt" 2>&1 ||
  { cat "$work/paint.txt" >&2; fail "sluice did not paint its window and quit (output above)"; }
grep -m1 '^painted after' "$work/paint.txt" || fail "sluice did not say it painted: $(cat "$work/paint.txt")"

shot="$out/window.png"
cat >"$work/window.sh" <<'EOF'
# Runs inside xvfb-run: $1 workspace, $2 screenshot, $3 log.
/usr/bin/sluice --workspace "$1" >"$3" 2>&1 &
pid=$!
for _ in $(seq 60); do
  sleep 1
  kill -0 $pid 2>/dev/null || { echo "sluice exited early" >&2; exit 1; }
  import -window root "$2" 2>/dev/null || continue
  [ "$(convert "$2" -format %k info:)" -gt 64 ] && break
done
sleep 3 # the status of the applications, then the screenshot that is kept
import -window root "$2"
kill $pid
wait $pid 2>/dev/null
exit 0
EOF
xvfb-run -a -s "-screen 0 1280x800x24" bash "$work/window.sh" "$demo/sluice.yaml" "$shot" "$work/window.log" ||
  { cat "$work/window.log" >&2; fail "the window under Xvfb (log above)"; }
colours="$(convert "$shot" -format %k info:)"
mean="$(convert "$shot" -format '%[fx:int(100*mean)]' info:)"
echo "$shot: $colours colours, mean brightness $mean%"
if [ "$colours" -le 64 ] || [ "$mean" -le 10 ]; then
  fail "the screenshot $shot shows no window ($colours colours, mean brightness $mean%)"
fi
/usr/bin/sluicectl --workspace "$demo/sluice.yaml" sandbox stop >/dev/null 2>&1 || true

# --- 3. removed -------------------------------------------------------------------------------
step "apt-get purge sluice"
DEBIAN_FRONTEND=noninteractive $sudo apt-get purge -y -q sluice
status="$(dpkg-query -W -f='${Status}' sluice 2>/dev/null || true)"
[ -z "$status" ] || [[ $status == *" not-installed" ]] || fail "dpkg still lists sluice: $status"
left=()
while read -r file; do
  if [ -e "$file" ] || [ -L "$file" ]; then
    left+=("$file")
  fi
done <"$work/files"
[ ${#left[@]} -eq 0 ] || fail "left after the purge: ${left[*]}"
echo "package-test: OK (sluice $version: built, lintian, installed, run, removed)"
