#!/usr/bin/env bash
# Renders the PNG icons of hicolor/ from the scalable SVG (run it after editing the SVG, then
# commit the PNGs; the build installs them as they are). Needs ImageMagick's convert.
# Usage: packaging/linux/icons/render.sh
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/hicolor"
svg=scalable/apps/dev.sluice.Sluice.svg
for size in 16 24 32 48 64 128 256; do
  mkdir -p "${size}x${size}/apps"
  # The SVG is 128 px: draw it at 4× the target (density 72 = 128 px), then scale down, so small
  # sizes are antialiased. -strip keeps dates out of the files, so a re-render changes nothing.
  convert -background none -density $((72 * size * 4 / 128)) "$svg" -resize "${size}x${size}" \
    -depth 8 -strip "PNG32:${size}x${size}/apps/dev.sluice.Sluice.png"
done
