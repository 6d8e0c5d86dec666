#!/bin/bash
# test-reliability-engine.sh - the engine's reliability under pfm-cli:
# running out of memory, the memory estimate against the measured peak,
# PFM_MEMORY_BUDGET parsing, what an under-resolved stop blames, warnings
# before a long run, progress in a log, and runs that carry no light.
#
# Copyright 2026 The PFM Explorer developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: test-reliability-engine.sh PATH/TO/pfm-cli      (TAP on stdout)
# About 45 s on the 2-core development machine.

set -u

CLI=${1:?usage: test-reliability-engine.sh PATH/TO/pfm-cli}
if [ ! -x "$CLI" ]; then
  echo "1..0 # SKIP $CLI is not an executable"
  exit 0
fi

# Every case here measures resource limits, peak memory or time.  A
# sanitizer build cannot run under `ulimit -v` at all (AddressSanitizer
# reserves terabytes of shadow address space at start) and changes memory
# and timings several-fold, so these cases belong to the normal build,
# which runs them: skip (not pass) when the binary cannot even print its
# version under the limit the cases use.
if ! (ulimit -v 250000 2>/dev/null && "$CLI" --version) >/dev/null 2>&1; then
  echo "1..0 # SKIP $CLI cannot run under ulimit -v 250000 (a sanitizer build?): the resource-limit, memory and timing cases need the normal build"
  exit 0
fi

# shellcheck source=tap-lib.sh
. "$(dirname "$0")/tap-lib.sh"

# Runs that must not need FFTW's measurement or a thread search.
FAST=(--estimate --threads 1)
SHORT=(--set tube.length=2e-5 --set grid.dz=1e-6)

# expect_clean NAME DESCRIPTION: the process ended by itself (no signal,
# no abort, no hang killed by timeout: exit status below 124) and said
# nothing of GLib's or FFTW's own aborts.
expect_clean() {
  local got
  got=$(rc "$1")
  [ "$got" -lt 124 ] && ! grep -qE 'GLib-ERROR|assertion failed|GSlice' "$TMP/$1.err"
  report $? "$2: fails cleanly (exit $got)" "stderr: $(head -c 600 "$TMP/$1.err")"
}

# run_limited NAME KBYTES TIMEOUT ARGS...: run under ulimit -v KBYTES,
# killed after TIMEOUT s (a run that hangs counts as exit 124).
run_limited() {
  local name=$1 kb=$2 t=$3
  shift 3
  ( ulimit -v "$kb" 2>/dev/null || exit 125
    timeout "$t" "$CLI" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err" </dev/null
    echo $? >"$TMP/$name.rc" ) 2>/dev/null
  [ -f "$TMP/$name.rc" ] || echo 125 >"$TMP/$name.rc"
}

# ---- item 6: out of memory fails cleanly -------------------------------
#
# The limits are a little above what the process needs to start (about
# 100 MB of address space with its libraries) and below what the run
# needs; the default budget then follows the limit.

# 2048^2 needs about 270 MB; two FFTW threads under 250 MB hung or
# aborted in FFTW's allocator before.
run_limited oom_grid 250000 20 propagate --quiet --threads 2 --set grid.n=2048 \
  --set tube.length=2e-6 --set grid.dz=1e-6
expect_rc oom_grid 1 "a 2048^2 grid under ulimit -v 250000"
expect_clean oom_grid "a 2048^2 grid under ulimit -v 250000"
expect_stderr_has oom_grid "the refusal names the memory budget" "memory budget"

# A batch's workers: each allocates its input field (8 MiB at 1024^2),
# which aborted with "GLib-ERROR failed to allocate 8388608 bytes".
DEFECTS=(defects --quiet --estimate --threads 2 --copies 2 --inputs 2 --calibration-inputs 0
         --set grid.n=1024 --set tube.length=2e-6 --set grid.dz=1e-6)
run_limited oom_batch 200000 30 "${DEFECTS[@]}"
expect_rc oom_batch 1 "a 1024^2 batch on 2 threads under ulimit -v 200000"
expect_clean oom_batch "a 1024^2 batch on 2 threads under ulimit -v 200000"

# The same with a budget that does not protect it: the checked
# allocations must turn the shortage into "out of memory".
PFM_MEMORY_BUDGET=100000000000 run_limited oom_batch_budget 200000 30 "${DEFECTS[@]}"
expect_rc oom_batch_budget 1 "the batch with PFM_MEMORY_BUDGET=1e11 under ulimit -v 200000"
expect_clean oom_batch_budget "the batch with PFM_MEMORY_BUDGET=1e11 under ulimit -v 200000"
expect_stderr_has oom_batch_budget "it says out of memory" "out of memory"

PFM_MEMORY_BUDGET=100000000000 run_limited oom_grid_budget 200000 30 propagate --quiet "${FAST[@]}" \
  --set grid.n=2048 --set tube.length=2e-6 --set grid.dz=1e-6
expect_rc oom_grid_budget 1 "a 2048^2 grid with PFM_MEMORY_BUDGET=1e11 under ulimit -v 200000"
expect_clean oom_grid_budget "a 2048^2 grid with PFM_MEMORY_BUDGET=1e11 under ulimit -v 200000"
expect_stderr_has oom_grid_budget "it says out of memory" "out of memory"

# A 120 MiB index map (zeros are valid dn): read into memory and decoded
# there once, it fits 220 MB; decoded into a second copy it aborted.
MAP="$TMP/map120.idx"
{ printf 'PFM-INDEX-MAP 1\n256 256 480\n'; head -c $((256 * 256 * 480 * 4)) /dev/zero; } >"$MAP"
MAPRUN=(propagate --quiet "${FAST[@]}" --set grid.n=64 --set medium.kind=file --set "medium.file=$MAP" "${SHORT[@]}")
PFM_MEMORY_BUDGET=100000000000 run_limited oom_map 220000 30 "${MAPRUN[@]}"
expect_rc oom_map 0 "a 120 MiB index map under ulimit -v 220000 (read once, decoded in place)"
expect_clean oom_map "a 120 MiB index map under ulimit -v 220000"
run_limited oom_map_default 220000 30 "${MAPRUN[@]}"
expect_rc oom_map_default 1 "the 120 MiB map under ulimit -v 220000 with the default budget"
expect_clean oom_map_default "the 120 MiB map with the default budget"
expect_stderr_has oom_map_default "the refusal names the budget" "memory budget"

# ---- item 7: PFM_MEMORY_BUDGET is parsed strictly -----------------------

i=0
for bad in abc -5 0 " 1000" "" 1e9 100MB; do
  i=$((i + 1))
  PFM_MEMORY_BUDGET="$bad" run budget$i propagate --quiet "${FAST[@]}" --set grid.n=16 "${SHORT[@]}"
  expect_rc budget$i 2 "PFM_MEMORY_BUDGET=\"$bad\" is refused"
  expect_one_line budget$i "PFM_MEMORY_BUDGET=\"$bad\""
  expect_stderr_has budget$i "PFM_MEMORY_BUDGET=\"$bad\": the message names the variable and the accepted form" \
    "PFM_MEMORY_BUDGET" "\"$bad\"" "digits only"
done
PFM_MEMORY_BUDGET=100000000 run budget_ok propagate --quiet "${FAST[@]}" --set grid.n=16 "${SHORT[@]}"
expect_rc budget_ok 0 "PFM_MEMORY_BUDGET=100000000 is accepted"

# ---- item 7: the estimate counts what a run keeps ----------------------

# 1e7 recorded slices keep 1e7 diagnostics rows (64 bytes each): 610 MiB,
# over a 95 MiB budget however small the grid.  (It ran, to 2.17 GiB.)
PFM_MEMORY_BUDGET=100000000 run_limited rows 4000000 15 propagate --quiet "${FAST[@]}" \
  --set grid.n=32 --set medium.kind=none --set tube.length=1e-2 --set grid.dz=1e-9 --set grid.record_every=1
expect_rc rows 1 "1e7 recorded slices at PFM_MEMORY_BUDGET=100000000 are refused"
expect_stderr_has rows "the refusal counts the recorded slices" "10000001 recorded slices" "budget"

# A small run's estimate is not "about 0 MiB".
PFM_MEMORY_BUDGET=1000 run tiny propagate --quiet "${FAST[@]}" --set grid.n=16 "${SHORT[@]}"
expect_rc tiny 1 "a 16^2 run over a 1000-byte budget"
! grep -q "about 0 MiB" "$TMP/tiny.err" && grep -qE "about 0\.[0-9]+ MiB" "$TMP/tiny.err"
report $? "a small estimate is given in fractions of a MiB, not as \"about 0 MiB\"" "stderr: $(cat "$TMP/tiny.err")"

# Peak RSS against the estimate (the summary's "memory estimate: N bytes").
# Measured as the child's maximum resident set: /usr/bin/time if present,
# else Python's getrusage(RUSAGE_CHILDREN).
peak_kb() {
  local out=$1
  shift
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "%M" -o "$out.rss" "$@" >/dev/null 2>"$out.err" </dev/null
    tail -n 1 "$out.rss"
  elif command -v python3 >/dev/null; then
    python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=open(sys.argv[1], "w"), stdin=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)' "$out.err" "$@"
  fi
}

# Each case is sized so the estimate (tens to a hundred MiB) dominates the
# process's own ~8 MiB (code, libraries, FFTW's plans), which the estimate
# does not count.  Tolerance: the estimate within 25% of the measured peak
# either way (the reliability issue's requirement); the counted terms are
# exact up to that baseline and the CSV's bytes per row (168 estimated,
# 164 measured), so the measured ratios are 0.89 to 1.0.
mem_case() {
  local name=$1
  shift
  local kb est
  # Without the test harness's allocator knobs: MALLOC_PERTURB_ fills
  # every allocation and G_DEBUG=gc-friendly clears GArray's reserve, which
  # makes the untouched tail of a buffer (GLib rounds to a power of 2)
  # resident; a user's run does not touch it.
  kb=$(peak_kb "$TMP/$name" env -u MALLOC_PERTURB_ -u MALLOC_CHECK_ -u G_DEBUG "$CLI" propagate --quiet "${FAST[@]}" --summary "$TMP/$name.sum" "$@")
  est=$(sed -n 's/^memory estimate: \([0-9]*\) bytes$/\1/p' "$TMP/$name.sum" 2>/dev/null)
  if [ -z "$kb" ]; then
    skip "$name: no way to measure the peak RSS here (/usr/bin/time or python3)"
    return
  fi
  awk -v e="${est:-0}" -v kb="$kb" 'BEGIN { r = e / (kb * 1024.0); exit !(r >= 0.75 && r <= 1.25) }'
  report $? "$name: the memory estimate is within 25% of the peak RSS" \
    "estimate ${est:-missing} bytes, peak RSS $kb KiB" "stderr: $(head -c 300 "$TMP/$name.err")"
  echo "# $name: estimate $(( ${est:-0} / 1048576 )) MiB, peak RSS $(( kb / 1024 )) MiB"
}

# 2.5e5 diagnostics rows and their CSV (about 16 + 41 MiB).
mem_case mem_rows --set grid.n=32 --set medium.kind=none --set tube.length=1e-3 --set grid.dz=4e-9 \
  --set grid.record_every=1 --diagnostics "$TMP/rows.csv"
# The 120 MiB index map.
mem_case mem_map --set grid.n=64 --set medium.kind=file --set "medium.file=$MAP" "${SHORT[@]}"
rm -f "$MAP"
# The recorded volume (64 MiB) and its export: .vti writes both arrays,
# .npy the intensity.
mem_case mem_vti --set grid.n=128 --set tube.length=5e-4 --set grid.dz=1e-6 --set grid.record_every=1 \
  --field "$TMP/f.vti"
mem_case mem_npy --set grid.n=128 --set tube.length=5e-4 --set grid.dz=1e-6 --set grid.record_every=1 \
  --field "$TMP/f.npy"
rm -f "$TMP/f.vti" "$TMP/f.npy" "$TMP/rows.csv"
# The grid's own buffers (65 bytes per point at 1024^2).
mem_case mem_grid --set grid.n=1024 --set tube.length=1e-5 --set grid.dz=1e-6

# ---- item 15: an under-resolved stop names its cause --------------------

# The index alone (a GRIN guide of delta 0.5) over dz = 1e-5: 30 rad.
run index propagate --quiet "${FAST[@]}" --set grid.n=64 --set tube.profile=grin --set tube.grin_delta=0.5 \
  --set grid.dz=1e-5 --set tube.length=1e-4
expect_rc index 0 "an index-driven stop (exit 0 without --strict)"
expect_stderr_has index "an index-driven stop blames the index contrast" "under-resolved" "index contrast" "max|dn| = 0.751"
! grep -q "peak intensity" "$TMP/index.err"
report $? "an index-driven stop does not blame the peak intensity" "stderr: $(cat "$TMP/index.err")"

# The Kerr term (1.2e8 W in homogeneous glass): named as such, by the
# step phase on the default 256^2 grid ...
run kerr propagate --quiet "${FAST[@]}" --set beam.power=1.2e8 --set tube.profile=none --set tube.length=2e-4
expect_stderr_has kerr "a Kerr-driven stop names the Kerr phase and the peak intensity" "under-resolved" "Kerr phase" "peak intensity"
# ... and by the spectrum's edge on a coarse 64^2 one.
run kerr64 propagate --quiet "${FAST[@]}" --set grid.n=64 --set beam.power=1.2e8 --set tube.profile=none \
  --set tube.length=2e-4
expect_stderr_has kerr64 "a collapse seen at the spectrum's edge names self-focusing and the B-integral" \
  "under-resolved" "spectrum reached the grid's edge" "self-focusing: the B-integral reached"

# A loss that leaves no light (1e6 /m): float32 rounding noise is not
# "self-focusing collapse"; the run completes, with a warning.
# (On the default 256^2 grid it stopped at z = 2.1e-4 m, blaming collapse.)
run loss propagate "${FAST[@]}" --quiet --set optics.loss=1e6 --set tube.length=3e-4
expect_rc loss 0 "a loss of 1e6 /m"
! grep -qiE "self-focusing|collapse|under-resolved" "$TMP/loss.err"
report $? "a loss that leaves no light is not blamed on self-focusing collapse" "stderr: $(cat "$TMP/loss.err")"
grep -q "^status: completed" "$TMP/loss.out"
report $? "a loss that leaves no light completes" "stdout: $(head -c 400 "$TMP/loss.out")"

# tm on a fabricated copy that stops: the copy, and the reason.
run tm_copy tm --quiet --estimate --threads 1 --set defects.sigma=0.05 --set tube.profile=grin \
  --set tube.grin_delta=0.5 --set grid.dz=1e-5 --set grid.n=64 --set tube.length=1e-4 -o "$TMP/tm.csv"
expect_rc tm_copy 1 "tm on a copy that stops under-resolved"
expect_one_line tm_copy "tm on a copy that stops under-resolved"
expect_stderr_has tm_copy "tm names the fabricated copy and the reason" \
  "fabricated copy (defects.seed = " "SLM pixel 0" "index contrast"
! grep -q "nominal device" "$TMP/tm_copy.err"
report $? "tm on a copy does not call it the nominal device" "stderr: $(cat "$TMP/tm_copy.err")"

# ---- item 16: a long run is warned about before it starts ---------------

# medium.voxel = 2e-8: 6.4e10 voxels, about 1 s a step here, 15 minutes in
# all.  Killed after 13 s: by then the warnings must be out (before the
# first step) and, in a log (stderr is a file), a progress line must have
# come after about 10 s, long before the 10% mark (about 110 s).
run_limited long 8000000 13 propagate "${FAST[@]}" --set medium.voxel=2e-8
expect_stderr_has long "the under-sampling and the estimated time are warned about before the run" \
  "warning: the grid under-samples the voxels" "warning: this run is estimated to take about" "minutes"
first_progress=$(grep -n '^\[' "$TMP/long.err" | head -n 1 | cut -d: -f1)
last_warning=$(grep -n 'warning:' "$TMP/long.err" | tail -n 1 | cut -d: -f1)
[ -n "$first_progress" ] && [ -n "$last_warning" ] && [ "$last_warning" -lt "$first_progress" ]
report $? "the warnings come before the first progress line" "stderr: $(head -c 800 "$TMP/long.err")"
lines=$(grep -c '^\[' "$TMP/long.err")
[ "$lines" -ge 2 ]
report $? "a log gets progress lines every ~10 s, not only every 10% ($lines lines in 13 s)" \
  "stderr: $(head -c 800 "$TMP/long.err")"

# A short run is not warned about.
run short propagate "${FAST[@]}" --set grid.n=64 "${SHORT[@]}"
! grep -q "estimated to take" "$TMP/short.err"
report $? "a short run has no time warning" "stderr: $(head -c 400 "$TMP/short.err")"

# ---- item 17: no light: widths undefined, and a warning -----------------

grep -q "width undefined" "$TMP/loss.out" && ! grep -q "width 0 x 0 um" "$TMP/loss.out"
report $? "a run whose light is lost (loss 1e6 /m) reports the width as undefined" "stdout: $(cat "$TMP/loss.out")"
grep -q "^warning: no light is left from z = " "$TMP/loss.out"
report $? "a run whose light is lost warns about it" "stdout: $(cat "$TMP/loss.out")"

ZERO=0$(printf ',0%.0s' $(seq 15))
run dark propagate --quiet "${FAST[@]}" --set grid.n=64 --set beam.kind=slm --set "beam.input=$ZERO" "${SHORT[@]}"
expect_rc dark 0 "an all-zero SLM input"
grep -q "width undefined" "$TMP/dark.out" && ! grep -q "width 0 x 0 um" "$TMP/dark.out"
report $? "an all-zero SLM input reports the width as undefined" "stdout: $(cat "$TMP/dark.out")"
grep -q "^warning: the input carries no light" "$TMP/dark.out"
report $? "an all-zero SLM input is warned about" "stdout: $(cat "$TMP/dark.out")"

finish
