# cluster-lib.sh - what the cluster-recipe tests share: the recipes as
# README.md writes them, sizes substituted, a small study, free ports
#
# Copyright 2026 The PFM Explorer developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Source after tests/cli/tap-lib.sh, with CLI (pfm-cli) and README set.
# Gives: recipe NAME (the fenced block after "<!-- recipe: NAME -->" in
# README.md, its indentation removed), sized TEXT SED-EXPR... (TEXT with
# the sizes substituted; fails when a size the test did not substitute is
# left, see leftover), free_port, deadline_left, study_setup DIR.

# The build's pfm-cli comes first on PATH: that is "where pfm-cli comes
# from" on the (one) node, as the README tells a cluster user to arrange.
CLI=$(cd "$(dirname "$CLI")" && pwd)/$(basename "$CLI")
PATH=$(dirname "$CLI"):$PATH
export PATH

# The whole test stays under 3 minutes: every wait checks this.
DEADLINE=$((SECONDS + ${PFM_CLUSTER_SECONDS:-150}))
deadline_left() { echo $((DEADLINE - SECONDS)); }

# recipe NAME: prints the block; fails when there is none
recipe() {
  awk -v marker="<!-- recipe: $1 -->" '
    index($0, marker) { found = 1; next }
    found && !open && /^[ \t]*```/ { open = 1; match($0, /^[ \t]*/); indent = RLENGTH; next }
    open && /^[ \t]*```[ \t]*$/ { done = 1; exit }
    open { print substr($0, indent + 1) }
    END { exit done ? 0 : 1 }
  ' "$README"
}

# sized TEXT [SED EXPRESSION]...: TEXT with each expression applied
sized() {
  local text=$1 e
  shift
  for e in "$@"; do
    text=$(printf '%s\n' "$text" | sed -e "$e")
  done
  printf '%s\n' "$text"
}

# leftover TEXT WORD...: prints the lines of TEXT that still hold one of the
# WORDs (the README's sizes) as a word: a size the test did not substitute
leftover() {
  local text=$1 w found=""
  shift
  for w in "$@"; do
    found="$found$(printf '%s\n' "$text" | grep -nwF -- "$w")"
  done
  printf '%s' "$found"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# study_setup DIR: a small project, study.pfm, in DIR (a 64 x 64 grid and
# 20 steps: a copy takes a few tens of ms)
study_setup() {
  mkdir -p "$1"
  cat >"$1/study.pfm" <<'EOF'
[project]
version=1

[grid]
n=64
dz=1e-6

[tube]
length=2e-5

[defects]
sigma=0.1
EOF
}

# wait_until SECONDS COMMAND...: polls COMMAND every 0.5 s until it
# succeeds; fails after SECONDS or past the deadline
wait_until() {
  local limit=$((SECONDS + $1))
  shift
  while ! "$@"; do
    if [ "$SECONDS" -ge "$limit" ] || [ "$SECONDS" -ge "$DEADLINE" ]; then
      return 1
    fi
    sleep 0.5
  done
}
