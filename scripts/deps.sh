#!/usr/bin/env bash
# Installs the Debian 12 packages Sluice needs to build and test (only the missing ones).
# Usage: scripts/deps.sh
set -euo pipefail

packages=(
  g++ cmake ninja-build ccache pkg-config git patch diffutils
  qt6-base-dev qt6-tools-dev libgl-dev libqt6svg6 fonts-dejavu-core
  libgit2-dev libyaml-cpp-dev libyaml-dev libssl-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
echo "Installing: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
