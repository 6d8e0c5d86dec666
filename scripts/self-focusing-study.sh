#!/usr/bin/env bash
# The self-focusing study of the README ("Does the nanostructure suppress
# self-focusing?"): five sweeps of data/projects/self-focusing.pfm, then
# the plot and the table.  About 70 s on one core of the 2-core
# development machine.
#
#   scripts/self-focusing-study.sh [BUILD-DIR] [OUT-DIR]
#
# Defaults: build/ and docs/self-focusing/.  Writes OUT-DIR/*.csv, the
# plot OUT-DIR/self-focusing.svg (and .png) and the table OUT-DIR/table.md.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$here/build}"
out="${2:-$here/docs/self-focusing}"
cli="$build/src/cli/pfm-cli"
project="$here/data/projects/self-focusing.pfm"
mkdir -p "$out"

# P0 = 2 and 4 P_cr, P_cr = 3.77 lambda^2 / (8 pi n0 n2) = 24.025566 MW.
powers="beam.power=4.8051132e7,9.6102264e7"
sweep() {
  local name=$1
  shift
  echo "== $name" >&2
  nice "$cli" sweep "$project" --quiet -f csv -o "$out/$name.csv" --summary "$out/$name.txt" "$@"
}

# The contrast at the paper's voxel, lambda / n0 = 1.03 um.
sweep delta_n --vary medium.delta_n=0,5e-4,1e-3,2e-3,3e-3,5e-3,1e-2,2e-2 --vary "$powers"
# The contrast at 4 um voxels.
sweep delta_n-vox4 --set medium.voxel=4e-6 --vary medium.delta_n=0,2e-3,5e-3,1e-2,2e-2 --vary "$powers"
# The voxel size at delta_n = 5e-3.
sweep voxel --set medium.delta_n=5e-3 --vary medium.voxel=auto,2e-6,4e-6,8e-6 --vary "$powers"
# Four random media (seeds) per voxel size, 2 P_cr, delta_n = 5e-3.
sweep seeds --set medium.delta_n=5e-3 --vary medium.voxel=auto,4e-6,8e-6 --vary medium.seed=1:4:4
# Resolution: the same points on a grid twice as fine (0.25 um samples).
sweep resolution --set grid.n=512 --vary medium.voxel=auto,4e-6 --vary medium.delta_n=5e-3,1e-2,2e-2

python3 "$here/scripts/self-focusing-plot.py" "$out"
# The PNG, with gdk-pixbuf's SVG loader (skipped without a compiler or it).
tool=$(mktemp -d)
trap 'rm -rf "$tool"' EXIT
if cc "$here/scripts/svg-to-png.c" -o "$tool/svg-to-png" $(pkg-config --cflags --libs gdk-pixbuf-2.0) 2>/dev/null; then
  "$tool/svg-to-png" "$out/self-focusing.svg" "$out/self-focusing.png"
else
  echo "no PNG: scripts/svg-to-png.c needs cc and libgdk-pixbuf-2.0-dev" >&2
fi
