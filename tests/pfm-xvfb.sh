#!/bin/bash
# pfm-xvfb.sh [-s WxH] CMD [ARGS...] - runs CMD on a private Xvfb and
# exits with CMD's status.
#
# The server picks its own display number (-displayfd), taking a free
# one atomically.  `xvfb-run -a` instead looks for a free number and then
# starts the server, so two of them started at once (two checkouts' suites,
# a suite beside a desktop session) can pick the same number and one
# fails with "Xvfb failed to start".  A TERM or INT (meson's timeout,
# `timeout`) stops CMD and the server at once.  -noreset: without it the
# server resets whenever its last client leaves, and a client that
# connects during the reset is refused ("cannot open display") - exactly
# what happens when a test's `xdotool search` comes and goes before a
# slow (ASan) app has connected.
#
# Copyright 2026 The PFM Explorer developers
# SPDX-License-Identifier: GPL-3.0-or-later
set -u
size=1280x1024
if [ "${1-}" = "-s" ]; then
  size=$2
  shift 2
fi
if [ $# -eq 0 ]; then
  echo "usage: pfm-xvfb.sh [-s WxH] CMD [ARGS...]" >&2
  exit 2
fi
command -v Xvfb >/dev/null || { echo "pfm-xvfb: Xvfb is not installed (Debian: xvfb)" >&2; exit 1; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/pfm-xvfb.XXXXXX") || exit 1
xpid=
cpid=
stop() {
  [ -n "$cpid" ] && kill "$cpid" 2>/dev/null && wait "$cpid" 2>/dev/null
  [ -n "$xpid" ] && kill "$xpid" 2>/dev/null && wait "$xpid" 2>/dev/null
  rm -rf "$dir"
}
trap stop EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
Xvfb -displayfd 9 -screen 0 "${size}x24" -nolisten tcp -noreset 9>"$dir/display" 2>"$dir/log" &
xpid=$!
for _ in $(seq 300); do
  [ -s "$dir/display" ] && break
  if ! kill -0 "$xpid" 2>/dev/null; then
    cat "$dir/log" >&2
    echo "pfm-xvfb: Xvfb did not start" >&2
    exit 1
  fi
  sleep 0.1
done
display=$(head -n 1 "$dir/display")
if [ -z "$display" ]; then
  echo "pfm-xvfb: Xvfb gave no display number in 30 s" >&2
  exit 1
fi
# In the background and waited for: a TERM reaches the trap at once
# (bash runs traps only between commands, never during a foreground one).
DISPLAY=":$display" "$@" &
cpid=$!
wait "$cpid"
rc=$?
cpid=
exit "$rc"
