# tap-lib.sh - the TAP harness every pfm-cli test script sources
#
# Copyright 2026 The PFM Explorer developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Set CLI before sourcing.  Gives $TMP (removed on exit), report, skip,
# run NAME ARGS..., rc, err, err_lines, expect_rc, expect_one_line,
# expect_stderr_has, and finish (prints the plan, sets the status).

# No FFTW wisdom cache in the user's home from a test run.
export PFM_FFTW_WISDOM="${PFM_FFTW_WISDOM-}"
unset PFM_MEMORY_BUDGET
export LC_ALL=C

TMP=$(mktemp -d "${TMPDIR:-/tmp}/pfm-test-cli-XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT

n=0
failed=0

# ok CONDITION-STATUS DESCRIPTION [DIAGNOSTIC...]
report() {
  local status=$1 desc=$2
  shift 2
  n=$((n + 1))
  if [ "$status" -eq 0 ]; then
    echo "ok $n - $desc"
  else
    failed=$((failed + 1))
    echo "not ok $n - $desc"
    local line
    for line in "$@"; do
      printf '%s\n' "$line" | sed 's/^/# /'
    done
  fi
}

skip() {
  n=$((n + 1))
  echo "ok $n - # SKIP $1"
}

# run NAME ARGS...: runs pfm-cli, keeps stdout/stderr/status in $TMP/NAME.*
run() {
  local name=$1
  shift
  "$CLI" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" </dev/null
  echo $? >"$TMP/$name.rc"
}

rc() { cat "$TMP/$1.rc"; }
err() { cat "$TMP/$1.err"; }
err_lines() { wc -l <"$TMP/$1.err" | tr -d ' '; }

# expect_rc NAME WANT DESCRIPTION
expect_rc() {
  local got
  got=$(rc "$1")
  [ "$got" -eq "$2" ]
  report $? "$3 (exit $2)" "exit status $got, expected $2" "stderr: $(head -c 600 "$TMP/$1.err")"
}

# expect_one_line NAME DESCRIPTION: exactly one line on stderr
expect_one_line() {
  local lines
  lines=$(err_lines "$1")
  [ "$lines" -eq 1 ]
  report $? "$2: one line on stderr" "$lines lines: $(head -c 600 "$TMP/$1.err")"
}

# expect_stderr_has NAME DESCRIPTION TEXT...: every TEXT occurs on stderr
expect_stderr_has() {
  local name=$1 desc=$2 t missing=""
  shift 2
  for t in "$@"; do
    grep -qF -- "$t" "$TMP/$name.err" || missing="$missing \"$t\""
  done
  [ -z "$missing" ]
  report $? "$desc" "stderr lacks$missing: $(head -c 600 "$TMP/$name.err")"
}

finish() {
  echo "1..$n"
  [ "$failed" -eq 0 ]
}
