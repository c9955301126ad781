#!/usr/bin/env bash
# Validates the desktop entry and the (generated) AppStream metadata, offline. A missing
# validator is a failure, not a skip: scripts/deps.sh installs desktop-file-utils and appstream.
# Usage: packaging/linux/validate.sh DESKTOP_FILE METAINFO_FILE
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 DESKTOP_FILE METAINFO_FILE" >&2; exit 2; }
status=0
for tool in desktop-file-validate:desktop-file-utils appstreamcli:appstream; do
  if ! command -v "${tool%%:*}" >/dev/null; then
    echo "FAIL: ${tool%%:*} is not installed (Debian package ${tool#*:}; scripts/deps.sh installs it)" >&2
    status=1
  fi
done
[ $status -eq 0 ] || exit 1
# desktop-file-validate exits 0 on hints and warnings alike: any output is a finding.
if ! out=$(desktop-file-validate "$1" 2>&1) || [ -n "$out" ]; then
  echo "FAIL: desktop-file-validate $1" >&2
  echo "$out" >&2
  status=1
fi
# appstreamcli fails on errors and warnings; --no-net: screenshot URLs are not fetched.
if ! appstreamcli validate --no-net "$2"; then
  echo "FAIL: appstreamcli validate --no-net $2" >&2
  status=1
fi
[ $status -eq 0 ] && echo "OK: $1 and $2 are valid"
exit $status
