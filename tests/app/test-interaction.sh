#!/bin/bash
# test-interaction.sh PFM_EXPLORER OUTDIR [SCRIPT.py] - the app driven as a
# user drives it (TAP): test-interaction.py (or SCRIPT.py, a name in this
# folder) on a private D-Bus session, so the app's accessibility tree is
# there to find widgets in.  Skips (not passes) without the tools.
#
# Copyright 2026 The PFM Explorer developers
# SPDX-License-Identifier: GPL-3.0-or-later
set -u
app=${1:?usage: test-interaction.sh PFM_EXPLORER OUTDIR [SCRIPT.py]}
out=${2:?usage: test-interaction.sh PFM_EXPLORER OUTDIR [SCRIPT.py]}
script=${3:-test-interaction.py}
py=/usr/bin/python3
for t in xdotool Xvfb dbus-run-session "$py"; do
  command -v "$t" >/dev/null || { echo "1..0 # SKIP $t is not installed"; exit 0; }
done
"$py" -c 'import pyatspi' 2>/dev/null || { echo "1..0 # SKIP python3-pyatspi is not installed"; exit 0; }
# The sanitizer build preloads Mesa's driver for the app only, not Python.
export PFM_APP_PRELOAD="${LD_PRELOAD-}"
unset LD_PRELOAD
# A runtime folder of our own: the accessibility bus's socket goes there,
# not to ~/.cache/at-spi/bus, where a suite running beside this one (another
# checkout, the other interaction script) would replace it.
runtime=$(mktemp -d "${TMPDIR:-/tmp}/pfm-interaction.XXXXXX") || exit 1
chmod 700 "$runtime"
export XDG_RUNTIME_DIR="$runtime"
trap 'rm -rf "$runtime"' EXIT
# TAP goes to fd 3 (this script's stdout); the session's stdout is stderr,
# so what the bus's daemons print ("SpiRegistry daemon is running…") is not
# read as test output.
exec 3>&1
PFM_TAP_FD=3 dbus-run-session -- "$py" "$(dirname "$0")/$script" "$app" "$out" 1>&2
