#!/bin/bash
# test-reliability-files.sh - what pfm-cli promises about files, signals
# and locales (README "Reliability"), checked from outside
#
# Copyright 2026 The PFM Explorer developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: test-reliability-files.sh PATH/TO/pfm-cli      (TAP on stdout)

set -u

CLI=${1:?usage: test-reliability-files.sh PATH/TO/pfm-cli}
if [ ! -x "$CLI" ]; then
  echo "1..0 # SKIP $CLI is not an executable"
  exit 0
fi

# shellcheck source=tap-lib.sh
. "$(dirname "$0")/tap-lib.sh"

SMALL=(--set grid.n=64 --set tube.length=2e-5 --set grid.dz=1e-6 --quiet)
# A run of about 2 s on this class of machine: long enough to interrupt.
LONG=(--set grid.n=256 --set tube.length=4e-3 --set grid.dz=1e-6 --estimate --quiet --threads 1)

sum() { cksum <"$1" 2>/dev/null; }
temps() { find "$TMP" -name "$1.??????" | wc -l | tr -d ' '; }

# waits (up to 20 s) until FILE exists, or PID has ended
wait_for() {
  local file=$1 pid=$2
  for _ in $(seq 1 2000); do
    [ -e "$file" ] && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.01
  done
  return 1
}

printf '[project]\nversion=1\n[grid]\nn=64\n' >"$TMP/proj.pfm"
cp "$TMP/proj.pfm" "$TMP/proj.orig"

# ---- 1. an output is never an input or another output (device + inode) ----

run self propagate "$TMP/proj.pfm" "${SMALL[@]}" --diagnostics "$TMP/proj.pfm"
expect_rc self 2 "--diagnostics naming the project"
cmp -s "$TMP/proj.pfm" "$TMP/proj.orig"
report $? "the project is untouched" "$(head -c 200 "$TMP/proj.pfm")"
expect_one_line self "--diagnostics naming the project"

ln "$TMP/proj.pfm" "$TMP/hard.pfm"
run hard propagate "$TMP/proj.pfm" "${SMALL[@]}" --summary "$TMP/hard.pfm"
expect_rc hard 2 "--summary naming a hard link of the project"
cmp -s "$TMP/proj.pfm" "$TMP/proj.orig"
report $? "the project behind the hard link is untouched"

run dot propagate "$TMP/proj.pfm" "${SMALL[@]}" --output-vector "$TMP/./proj.pfm"
expect_rc dot 2 "--output-vector naming the project as DIR/./NAME"

# An index map used as the medium, named as the --field output.
"$CLI" gradient --set grid.n=32 --set tube.length=1e-5 --set grid.dz=1e-6 --set beam.slm_pixels=4 \
  --set beam.input=1,0,0,1 --set detector.regions=2 --set medium.kind=random --weights 1,-1 \
  -o "$TMP/map.vti" >/dev/null 2>&1
cp "$TMP/map.vti" "$TMP/map.orig"
run mapout propagate "${SMALL[@]}" --set medium.kind=file --set "medium.file=$TMP/map.vti" --field "$TMP/map.vti"
expect_rc mapout 2 "--field naming the index map (medium.file)"
cmp -s "$TMP/map.vti" "$TMP/map.orig"
report $? "the index map is untouched"
expect_stderr_has mapout "the refusal names the index map" "index map" "map.vti"

run twoout propagate "${SMALL[@]}" --diagnostics "$TMP/o.csv" --output-vector "$TMP/o.csv" --summary "$TMP/o.csv"
expect_rc twoout 2 "three outputs on one path"
[ ! -e "$TMP/o.csv" ]
report $? "nothing is written when two outputs clash"

run shard1 defects "${SMALL[@]}" --set defects.sigma=0.05 --copies 2 --inputs 2 --calibration-inputs 0 --shard 1/2 -o "$TMP/s1.json"
run shard2 defects "${SMALL[@]}" --set defects.sigma=0.05 --copies 2 --inputs 2 --calibration-inputs 0 --shard 2/2 -o "$TMP/s2.json"
cp "$TMP/s1.json" "$TMP/s1.orig"
run mergeself merge "$TMP/s1.json" "$TMP/s2.json" -o "$TMP/s1.json"
expect_rc mergeself 2 "merge -o naming one of its shards"
cmp -s "$TMP/s1.json" "$TMP/s1.orig"
report $? "the shard is untouched"

run defself defects "$TMP/proj.pfm" "${SMALL[@]}" --copies 2 --inputs 2 --summary "$TMP/proj.pfm"
expect_rc defself 2 "defects --summary naming the project"
run scaleself scaling "$TMP/proj.pfm" -o "$TMP/proj.pfm"
expect_rc scaleself 2 "scaling -o naming the project"
cmp -s "$TMP/proj.pfm" "$TMP/proj.orig"
report $? "after every refusal the project is as it was"

# An output that cannot be written is found before the run, not after it.
run early propagate "${LONG[@]}" --diagnostics "$TMP/no-such-folder/d.csv"
expect_rc early 1 "an output in a folder that does not exist"
[ ! -s "$TMP/early.out" ]
report $? "it is refused before the run (no summary on stdout)" "$(head -c 200 "$TMP/early.out")"
expect_stderr_has early "the refusal names the folder" "no-such-folder"

# ---- 2. saves keep what the user had -----------------------------------

printf 'old\n' >"$TMP/private.csv"
chmod 0600 "$TMP/private.csv"
run mode propagate "${SMALL[@]}" --diagnostics "$TMP/private.csv"
[ "$(rc mode)" -eq 0 ] && [ "$(stat -c %a "$TMP/private.csv")" = 600 ] && grep -q '^z,power' "$TMP/private.csv"
report $? "replacing a 0600 file keeps mode 0600" "mode $(stat -c %a "$TMP/private.csv"), exit $(rc mode)" "$(err mode)"

printf 'keep me\n' >"$TMP/ro.csv"
chmod 0444 "$TMP/ro.csv"
run ro propagate "${SMALL[@]}" --diagnostics "$TMP/ro.csv"
expect_rc ro 1 "a read-only output"
[ "$(cat "$TMP/ro.csv")" = "keep me" ] && [ "$(stat -c %a "$TMP/ro.csv")" = 444 ]
report $? "the read-only file is not replaced" "$(head -c 100 "$TMP/ro.csv")"
expect_stderr_has ro "the refusal says read-only and names the file" "read-only" "ro.csv"

printf 'old\n' >"$TMP/real.csv"
ln -s real.csv "$TMP/link.csv"
run link propagate "${SMALL[@]}" --diagnostics "$TMP/link.csv"
[ "$(rc link)" -eq 0 ] && [ -L "$TMP/link.csv" ] && grep -q '^z,power' "$TMP/real.csv"
report $? "a symbolic link stays a link; its target gets the new contents" \
  "$(ls -l "$TMP/link.csv" "$TMP/real.csv")"

# ---- 3. and 4. an interrupted run replaces nothing and leaves no temp file ----

"$CLI" propagate "${SMALL[@]}" --set grid.n=32 --field "$TMP/big.npy" >/dev/null 2>&1
cp "$TMP/big.npy" "$TMP/big.orig"
# started: the process has printed its first progress line (its handlers
# are in place and the run is under way), however busy the machine is.
started() {
  local err=$1 pid=$2
  for _ in $(seq 1 3000); do
    grep -q '\[' "$err" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.01
  done
  return 1
}
# lines on stderr other than progress bars
said() { grep -vc -e '^\[' -e '^$' "$1"; }
LONGP=()
for a in "${LONG[@]}"; do [ "$a" = --quiet ] || LONGP+=("$a"); done
for sig in INT TERM; do
  "$CLI" propagate "${LONGP[@]}" --field "$TMP/big.npy" --diagnostics "$TMP/d-$sig.csv" \
    >"$TMP/sig.out" 2>"$TMP/sig.err" </dev/null &
  pid=$!
  started "$TMP/sig.err" "$pid"
  kill -"$sig" "$pid"
  wait "$pid"
  src=$?
  cmp -s "$TMP/big.npy" "$TMP/big.orig" && [ ! -e "$TMP/d-$sig.csv" ] && [ "$(temps big.npy)" -eq 0 ]
  report $? "SIG$sig during propagate: the complete field file is not replaced, nothing new is written" \
    "exit $src" "$(head -c 300 "$TMP/sig.err")" "$(ls "$TMP")"
  [ "$src" -eq 1 ] && [ "$(said "$TMP/sig.err")" -eq 1 ]
  report $? "SIG$sig during propagate: exit 1 and one line on stderr" "exit $src" "$(head -c 300 "$TMP/sig.err")"
done

# defects: the same rule.
"$CLI" defects "${LONGP[@]}" --set grid.n=128 --set defects.sigma=0.05 --copies 64 --inputs 2 --calibration-inputs 0 \
  -o "$TMP/batch.json" >"$TMP/dsig.out" 2>"$TMP/dsig.err" </dev/null &
pid=$!
started "$TMP/dsig.err" "$pid"
kill -TERM "$pid"
wait "$pid"
drc=$?
[ "$drc" -eq 1 ] && [ ! -e "$TMP/batch.json" ] && [ "$(temps batch.json)" -eq 0 ] && [ "$(said "$TMP/dsig.err")" -eq 1 ]
report $? "SIGTERM during defects: exit 1, one line, no output, no temporary file" "exit $drc" "$(head -c 300 "$TMP/dsig.err")"

# A signal while the field file is being written: the temporary file goes.
"$CLI" propagate "${LONG[@]}" --set tube.length=2e-4 --set grid.n=512 --field "$TMP/w.vti" \
  >"$TMP/w.out" 2>"$TMP/w.err" </dev/null &
pid=$!
tmpseen=0
for _ in $(seq 1 3000); do
  if [ -n "$(find "$TMP" -name 'w.vti.??????' -print -quit)" ]; then tmpseen=1; break; fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.005
done
kill -TERM "$pid" 2>/dev/null
wait "$pid"
wrc=$?
if [ "$tmpseen" -eq 1 ]; then
  # The write may have finished between the look and the signal: then the
  # file is the complete result (the rename is the last step).  Either way
  # no temporary file is left, and an exit of 1 means no output.
  [ "$(temps w.vti)" -eq 0 ] && { [ "$wrc" -eq 1 ] && [ ! -e "$TMP/w.vti" ] || [ -s "$TMP/w.vti" ]; }
  report $? "SIGTERM while the field file is written: no temporary file; exit 1 and no output, or the whole file" \
    "exit $wrc" "$(ls "$TMP")" "$(head -c 300 "$TMP/w.err")"
else
  skip "the field write was too quick to be interrupted here (exit $wrc)"
fi

# ---- 5. ulimit -f: EFBIG reported, no temporary file -------------------------

(ulimit -f 4; "$CLI" propagate "${SMALL[@]}" --set grid.n=128 --field "$TMP/fsz.npy" \
  >"$TMP/fsz.out" 2>"$TMP/fsz.err" </dev/null; echo $? >"$TMP/fsz.rc")
expect_rc fsz 1 "a write past ulimit -f"
expect_stderr_has fsz "it names the user's file and the reason" "fsz.npy" "too large"
[ "$(temps fsz.npy)" -eq 0 ] && [ ! -e "$TMP/fsz.npy" ] && ! grep -q 'fsz.npy\.' "$TMP/fsz.err"
report $? "no temporary file is left or named" "$(ls "$TMP")" "$(err fsz)"

# ---- 8. what is not a regular file is refused, never waited on --------------

mkfifo "$TMP/fifo.pfm" "$TMP/fifo.json" "$TMP/wisdom.fifo"
timeout 20 "$CLI" propagate "$TMP/fifo.pfm" "${SMALL[@]}" >"$TMP/fifo.out" 2>"$TMP/fifo.err" </dev/null
echo $? >"$TMP/fifo.rc"
expect_rc fifo 2 "a FIFO with no writer as the project"
expect_stderr_has fifo "it says FIFO" "FIFO" "fifo.pfm"

timeout 20 "$CLI" merge "$TMP/fifo.json" >"$TMP/mfifo.out" 2>"$TMP/mfifo.err" </dev/null
echo $? >"$TMP/mfifo.rc"
expect_rc mfifo 1 "merge of a FIFO"

timeout 20 "$CLI" merge /dev/zero >"$TMP/mzero.out" 2>"$TMP/mzero.err" </dev/null
echo $? >"$TMP/mzero.rc"
expect_rc mzero 1 "merge /dev/zero"
expect_stderr_has mzero "it says device" "device"

PFM_FFTW_WISDOM="$TMP/wisdom.fifo" timeout 20 "$CLI" propagate "${SMALL[@]}" >"$TMP/wfifo.out" 2>"$TMP/wfifo.err" </dev/null
echo $? >"$TMP/wfifo.rc"
expect_rc wfifo 0 "PFM_FFTW_WISDOM naming a FIFO: ignored, the run completes"
PFM_FFTW_WISDOM=/dev/zero timeout 20 "$CLI" propagate "${SMALL[@]}" >"$TMP/wzero.out" 2>"$TMP/wzero.err" </dev/null
echo $? >"$TMP/wzero.rc"
expect_rc wzero 0 "PFM_FFTW_WISDOM=/dev/zero: ignored, the run completes"

# ---- 14. numbers are C numbers in every locale --------------------------------

LOC="$TMP/locale"
mkdir -p "$LOC"
if localedef -i fr_FR -f UTF-8 "$LOC/fr_FR.UTF-8" >/dev/null 2>&1; then
  fr() { LOCPATH="$LOC" LC_ALL=fr_FR.UTF-8 "$CLI" "$@"; }
  # The C library really formats with a comma here (else the test proves nothing).
  env LOCPATH="$LOC" LC_ALL=fr_FR.UTF-8 /usr/bin/printf '%.1f' 2.5 2>/dev/null | grep -q ',' ||
    echo "# warning: printf in fr_FR did not use a decimal comma"
  fr propagate "${SMALL[@]}" --estimate --threads 1 --summary "$TMP/fr.txt" --diagnostics "$TMP/fr.csv" >/dev/null 2>&1
  "$CLI" propagate "${SMALL[@]}" --estimate --threads 1 --summary "$TMP/c.txt" --diagnostics "$TMP/c.csv" >/dev/null 2>&1
  strip() { sed 's/, [0-9.]* s)/)/' "$1"; }
  [ -s "$TMP/c.txt" ] && [ "$(strip "$TMP/fr.txt")" = "$(strip "$TMP/c.txt")" ] && cmp -s "$TMP/fr.csv" "$TMP/c.csv"
  report $? "propagate's summary and CSV in fr_FR are those of C" "$(diff <(strip "$TMP/fr.txt") <(strip "$TMP/c.txt") | head -5)"

  # --estimate and one thread: the same plans, so the same numbers.
  DEF=(defects "${SMALL[@]}" --set defects.sigma=0.05 --copies 2 --inputs 2 --calibration-inputs 2 --estimate --threads 1)
  fr "${DEF[@]}" --summary "$TMP/frd.txt" -o "$TMP/frd.json" >/dev/null 2>&1
  "$CLI" "${DEF[@]}" --summary "$TMP/cd.txt" -o "$TMP/cd.json" >/dev/null 2>&1
  [ -s "$TMP/cd.txt" ] && cmp -s "$TMP/frd.txt" "$TMP/cd.txt"
  report $? "defects --summary in fr_FR is that of C" "$(diff "$TMP/frd.txt" "$TMP/cd.txt" | head -5)"

  fr propagate --set optics.wavelength=-5e-9 >"$TMP/frerr.out" 2>"$TMP/frerr.err"
  ! grep -Eq '[0-9],[0-9]' "$TMP/frerr.err" && grep -q '1e-07' "$TMP/frerr.err"
  report $? "an error message in fr_FR shows C numbers (that --set accepts)" "$(cat "$TMP/frerr.err")"

  fr defects "${SMALL[@]}" --copies 2 --inputs 2 --threshold 0,5 >/dev/null 2>"$TMP/frthr.err"
  frc=$?
  "$CLI" defects "${SMALL[@]}" --copies 2 --inputs 2 --threshold 0,5 >/dev/null 2>&1
  crc=$?
  [ "$frc" -eq 2 ] && [ "$crc" -eq 2 ]
  report $? "--threshold 0,5 is refused in fr_FR as in C" "fr exit $frc, C exit $crc"
  fr defects "${SMALL[@]}" --copies 2 --inputs 2 --calibration-inputs 0 --threshold 0.5 -o "$TMP/frt.json" >/dev/null 2>&1
  report $? "--threshold 0.5 is accepted in fr_FR"
else
  skip "localedef could not build fr_FR.UTF-8 (Debian's locales package)"
fi

# ---- 18. names in messages are the names, printable -------------------------

run nl propagate "$TMP/no"$'\n'"file.pfm"
expect_rc nl 2 "a missing project whose name holds a newline"
expect_one_line nl "the newline in the name"
expect_stderr_has nl "the newline is shown escaped" 'no\nfile.pfm'

run latin1 propagate "$TMP/caf"$'\xe9'".pfm"
expect_rc latin1 2 "a missing project whose name is not UTF-8"
python3 -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8")' "$TMP/latin1.err" 2>/dev/null &&
  grep -qF 'caf\xe9.pfm' "$TMP/latin1.err"
report $? "the message is valid UTF-8 with the byte escaped" "$(od -c "$TMP/latin1.err" | head -3)"

finish
