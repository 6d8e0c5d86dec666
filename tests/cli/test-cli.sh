#!/bin/bash
# test-cli.sh - the pfm-cli contract (docs/cli.md), from outside
#
# Copyright 2026 The PFM Explorer developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: test-cli.sh PATH/TO/pfm-cli      (TAP on stdout)

set -u

CLI=${1:?usage: test-cli.sh PATH/TO/pfm-cli}
if [ ! -x "$CLI" ]; then
  echo "1..0 # SKIP $CLI is not an executable"
  exit 0
fi

# shellcheck source=tap-lib.sh
. "$(dirname "$0")/tap-lib.sh"

SMALL=(--set grid.n=64 --set tube.length=2e-5 --set grid.dz=1e-6)

# A non-finite number as a value ("nan", "-inf", "Infinity"), not letters
# inside a word or a path (mktemp's random folder name can hold "nan").
NONFINITE='(^|[^[:alnum:]_./-])[-+]?(nan|inf(inity)?)([^[:alnum:]_]|$)'

# ---- usage -------------------------------------------------------------

run help --help
expect_rc help 0 "--help"
grep -q "propagate" "$TMP/help.out"
report $? "--help lists the commands on stdout" "stdout: $(head -c 400 "$TMP/help.out")"

run version --version
expect_rc version 0 "--version"
grep -Eq '^pfm-cli [0-9]+\.[0-9]+' "$TMP/version.out"
report $? "--version prints \"pfm-cli X.Y\"" "stdout: $(cat "$TMP/version.out")"

run unknown frobnicate
expect_rc unknown 2 "unknown command"
expect_one_line unknown "unknown command"

run noargs
expect_rc noargs 2 "no command"

# ---- bad values: exit 2, one line naming key, value and range ---------

run badval propagate --set optics.wavelength=-1
expect_rc badval 2 "--set optics.wavelength=-1"
expect_one_line badval "--set optics.wavelength=-1"
expect_stderr_has badval "--set optics.wavelength=-1 names the key, the value and the range" \
  "optics.wavelength" "-1" "1e-07" "2e-05"

run badnum propagate --set grid.n=abc
expect_rc badnum 2 "--set grid.n=abc"
expect_one_line badnum "--set grid.n=abc"
expect_stderr_has badnum "--set grid.n=abc names the key and the value" "grid.n" "abc"

run nonsense propagate --set nonsense
expect_rc nonsense 2 "--set nonsense"
expect_one_line nonsense "--set nonsense"

run unknownkey propagate --set optics.colour=red
expect_rc unknownkey 2 "--set optics.colour=red (unknown key)"

run inconsistent propagate --set tube.na=1.6
expect_rc inconsistent 2 "--set tube.na=1.6 (NA above n0)"
expect_one_line inconsistent "--set tube.na=1.6"

run noproject propagate "$TMP/no-such-project.pfm"
expect_rc noproject 2 "a nonexistent project file"
expect_stderr_has noproject "the missing project file is named" "no-such-project.pfm"

printf '[optics]\nwavelength=1e-6\n[project]\nversion=2\n' >"$TMP/v2.pfm"
run v2 propagate "$TMP/v2.pfm"
expect_rc v2 2 "a project file of version 2"

run badfield propagate "${SMALL[@]}" --field "$TMP/x.txt"
expect_rc badfield 2 "--field x.txt"
[ ! -e "$TMP/x.txt" ]
report $? "--field x.txt writes nothing"

run badthreads propagate "${SMALL[@]}" --threads 65
expect_rc badthreads 2 "--threads 65"

# ---- a small run ---------------------------------------------------------

D="$TMP/diag.csv"
O="$TMP/out.csv"
F="$TMP/field.vti"
run small propagate --quiet "${SMALL[@]}" --diagnostics "$D" --output-vector "$O" --field "$F"
expect_rc small 0 "propagate --quiet on a small case"

[ ! -s "$TMP/small.err" ]
report $? "--quiet: nothing on stderr" "stderr: $(head -c 600 "$TMP/small.err")"

[ "$(head -n 1 "$D" 2>/dev/null)" = "z,power,width_x,width_y,peak_intensity,b_integral,centroid_x,centroid_y" ]
report $? "diagnostics header" "got: $(head -n 1 "$D" 2>&1)"

[ "$(head -n 1 "$O" 2>/dev/null)" = "region,power" ]
report $? "output-vector header" "got: $(head -n 1 "$O" 2>&1)"

! grep -qiE "$NONFINITE" "$D" "$O" "$TMP/small.out" 2>/dev/null && [ -s "$D" ] && [ -s "$O" ]
report $? "no nan/inf in the outputs" "$(grep -iE 'nan|inf' "$D" "$O" "$TMP/small.out" 2>&1 | head -5)"

# Every data row: 8 fields, all numbers.
awk -F, 'NR > 1 { if (NF != 8) bad++; for (i = 1; i <= NF; i++) if ($i !~ /^-?[0-9.]+([eE][-+]?[0-9]+)?$/) bad++ }
         END { exit (NR < 2 || bad) ? 1 : 0 }' "$D" 2>/dev/null
report $? "diagnostics rows: 8 numeric fields each" "$(head -n 3 "$D" 2>&1)"

first_z=$(sed -n 2p "$D" 2>/dev/null | cut -d, -f1)
awk -v z="$first_z" 'BEGIN { exit (z != "" && z + 0 == 0) ? 0 : 1 }'
report $? "first z is 0" "first z: '$first_z'"

last_z=$(tail -n 1 "$D" 2>/dev/null | cut -d, -f1)
awk -v z="$last_z" 'BEGIN { exit (z != "" && z + 0 == 2e-05) ? 0 : 1 }'
report $? "last z is the tube length (2e-05)" "last z: '$last_z'"

# 20 steps, a row every 4th step and at z = 0: six rows, z increasing.
rows=$(($(wc -l <"$D" 2>/dev/null || echo 1) - 1))
awk -F, 'NR > 2 && $1 + 0 <= prev { bad = 1 } NR > 1 { prev = $1 + 0 } END { exit bad }' "$D" 2>/dev/null
inc=$?
[ "$rows" -eq 6 ] && [ "$inc" -eq 0 ]
report $? "six diagnostics rows (every 4th of 20 steps and z = 0), z increasing" "rows: $rows"

# Power is conserved to within the absorber's losses over 20 um (< 1%).
awk -F, 'NR == 2 { p0 = $2 } END { exit (p0 > 0 && $2 / p0 > 0.99 && $2 / p0 <= 1.0 + 1e-6) ? 0 : 1 }' "$D" 2>/dev/null
report $? "power conserved along the small run" "$(cut -d, -f1,2 "$D" 2>&1 | tr '\n' ' ')"

# One row per detector region (16 by default), numbered from 0.
awk -F, 'NR > 1 { if ($1 != NR - 2 || NF != 2) bad = 1; n++ } END { exit (n == 16 && !bad) ? 0 : 1 }' "$O" 2>/dev/null
report $? "output vector: 16 regions numbered 0..15" "$(head -n 4 "$O" 2>&1)"

head -c 21 "$F" 2>/dev/null | grep -qF '<?xml version="1.0"?>' && grep -qa 'type="ImageData"' "$F"
report $? "--field FILE.vti writes a VTK ImageData file"

run smallnpy propagate --quiet "${SMALL[@]}" --field "$TMP/field.npy"
[ "$(rc smallnpy)" -eq 0 ] && [ "$(head -c 6 "$TMP/field.npy" 2>/dev/null | tail -c 5)" = "NUMPY" ]
report $? "--field FILE.npy writes a .npy file" "exit $(rc smallnpy): $(err smallnpy | head -c 400)"

# ---- runs that cannot complete: exit 1 -----------------------------------

run nofolder propagate --quiet "${SMALL[@]}" --diagnostics "$TMP/no-such-folder/diag.csv"
expect_rc nofolder 1 "--diagnostics into a nonexistent folder"
expect_stderr_has nofolder "the unwritable diagnostics file is named" "no-such-folder/diag.csv"

PFM_MEMORY_BUDGET=100000000 run memory propagate --quiet --set grid.n=16384
expect_rc memory 1 "a run over the memory budget"
# 100000000 bytes is 95 MiB: the budget named is the one from the environment.
expect_stderr_has memory "the memory refusal mentions the budget (PFM_MEMORY_BUDGET)" "budget" "95 MiB"
expect_one_line memory "the memory refusal"

run strict propagate --quiet --strict "${SMALL[@]}" --set beam.power=1e13 --diagnostics "$TMP/strict.csv"
expect_rc strict 1 "--strict with an absurd power (under-resolved)"
expect_stderr_has strict "--strict says the run is under-resolved" "under-resolved"

run lenient propagate --quiet "${SMALL[@]}" --set beam.power=1e13 --diagnostics "$TMP/lenient.csv"
expect_rc lenient 0 "an absurd power without --strict"
expect_stderr_has lenient "an under-resolved run says so" "under-resolved"
# It stopped early: the diagnostics end before the tube's end, and hold no nan/inf.
lenient_last=$(tail -n 1 "$TMP/lenient.csv" 2>/dev/null | cut -d, -f1)
awk -v z="$lenient_last" 'BEGIN { exit (z != "" && z != "z" && z + 0 < 2e-05) ? 0 : 1 }' &&
  ! grep -qiE "$NONFINITE" "$TMP/lenient.csv" "$TMP/lenient.out"
report $? "the under-resolved run stops before the end, without nan/inf" "last z: '$lenient_last'"

# ---- scaling ---------------------------------------------------------------

run scalinghelp scaling --help
if [ "$(rc scalinghelp)" -eq 2 ] && grep -q "unknown command" "$TMP/scalinghelp.err"; then
  skip "scaling --format json: the scaling command is not built yet"
else
  run scaling scaling --format json
  [ "$(rc scaling)" -eq 0 ] && [ "$(head -c 1 "$TMP/scaling.out")" = "[" ]
  report $? "scaling --format json exits 0 and prints a JSON array" \
    "exit $(rc scaling), stdout starts: $(head -c 80 "$TMP/scaling.out")" "stderr: $(err scaling | head -c 400)"
  ! grep -qiE '\bnan\b|\binf(inity)?\b' "$TMP/scaling.out"
  report $? "scaling JSON has no nan/inf (infinite values are null)"
fi

# ---- train / evaluate / gradient (docs/cli.md "Training") -----------------------

# A small task in a CSV beside a project: 4 SLM pixels, 2 classes.
mkdir -p "$TMP/proj"
awk 'BEGIN { srand(3); for (i = 0; i < 24; i++) { l = i % 2; a = 0.2 + 0.3 * rand(); b = 0.2 + 0.3 * rand();
  c = 0.2 + 0.3 * rand(); d = 0.2 + 0.3 * rand(); if (l == 0) { a += 0.5; b += 0.5 } else { c += 0.5; d += 0.5 }
  printf "%.3f,%.3f,%.3f,%.3f,%d\n", a, b, c, d, l } }' >"$TMP/proj/task.csv"
TRAIN_KEYS=(--set grid.n=32 --set tube.side=1.6e-05 --set grid.window=3.2e-05 --set medium.voxel=2e-06
            --set tube.length=4e-05 --set grid.dz=2e-06 --set beam.kind=slm --set beam.slm_pixels=4
            --set detector.regions=2 --set medium.delta_n=0.002 --set train.epochs=2 --set train.batch=8)
run train train "${TRAIN_KEYS[@]}" --set "train.dataset=csv:$TMP/proj/task.csv" -o "$TMP/proj/trained.pfm" \
  --log "$TMP/proj/log.csv" --summary "$TMP/proj/summary.json" --threads 2 --quiet
[ "$(rc train)" -eq 0 ] && [ -s "$TMP/proj/trained.idx" ] && [ -s "$TMP/proj/trained.ckpt" ] &&
  grep -q '^kind=file' "$TMP/proj/trained.pfm" && grep -q '^file=trained.idx' "$TMP/proj/trained.pfm"
report $? "train writes the trained project, its index map (by a relative name) and a checkpoint" \
  "exit $(rc train)" "stderr: $(err train | head -c 400)"
[ "$(head -n 1 "$TMP/proj/log.csv")" = "epoch,train_loss,train_accuracy,validation_loss,validation_accuracy,seconds" ] &&
  [ "$(wc -l <"$TMP/proj/log.csv")" -eq 3 ] && ! grep -qiE "$NONFINITE" "$TMP/proj/log.csv" "$TMP/proj/summary.json"
report $? "train --log has a header and one row per epoch, no nan/inf" "$(cat "$TMP/proj/log.csv")"

# Trained from a project with the user's notes: the trained project is
# written over its text, the notes and comments kept, the new values set.
printf '# My notes: the two-class toy task.\n\n[medium]\n# trained below\nkind=random\n' >"$TMP/proj/notes.pfm"
run trainnotes train "$TMP/proj/notes.pfm" "${TRAIN_KEYS[@]}" --set "train.dataset=csv:$TMP/proj/task.csv" \
  --set train.epochs=1 -o "$TMP/proj/notes-trained.pfm" --quiet --threads 1
[ "$(rc trainnotes)" -eq 0 ] && [ "$(head -n 1 "$TMP/proj/notes-trained.pfm")" = "# My notes: the two-class toy task." ] &&
  grep -A1 '^# trained below' "$TMP/proj/notes-trained.pfm" | grep -q '^kind=file' &&
  grep -q '^file=notes-trained.idx' "$TMP/proj/notes-trained.pfm"
report $? "train keeps the comments of the project it trains from" \
  "exit $(rc trainnotes)" "stderr: $(err trainnotes | head -c 400)" "$(head -c 600 "$TMP/proj/notes-trained.pfm")"
run evalnotes evaluate "$TMP/proj/notes-trained.pfm" --copies 1 --threads 1
expect_rc evalnotes 0 "the trained project with the notes evaluates"

# A dataset path with non-ASCII bytes and quotes still gives valid JSON (in a
# UTF-8 locale: option parsing in the C locale refuses non-ASCII arguments).
mkdir -p "$TMP/proj/é \"q\""
cp "$TMP/proj/task.csv" "$TMP/proj/é \"q\"/tâsk.csv"
LC_ALL=C.UTF-8 run trainutf train "${TRAIN_KEYS[@]}" --set "train.dataset=csv:$TMP/proj/é \"q\"/tâsk.csv" --set train.epochs=1 \
  -o "$TMP/proj/utf.pfm" --summary "$TMP/proj/utf.json" --quiet --threads 1
[ "$(rc trainutf)" -eq 0 ] && python3 - "$TMP/proj/utf.json" <<'PY'
import json, sys
assert json.load(open(sys.argv[1], encoding="utf-8"))["dataset"].endswith('é "q"/tâsk.csv')
PY
report $? "train --summary is valid JSON for a dataset path with non-ASCII bytes and quotes" \
  "exit $(rc trainutf)" "$(head -c 300 "$TMP/proj/utf.json")"

# The trained project runs through propagate from another folder: its map
# is found beside it.
CLI_ABS=$(cd "$(dirname "$CLI")" && pwd)/$(basename "$CLI")
(cd / && "$CLI_ABS" propagate "$TMP/proj/trained.pfm" --quiet --set beam.input=1,1,0,0 \
   --output-vector "$TMP/proj/out.csv" >/dev/null 2>"$TMP/proppt.err")
[ $? -eq 0 ] && [ "$(wc -l <"$TMP/proj/out.csv")" -eq 3 ]
report $? "propagate runs the trained project from another folder" "$(head -c 300 "$TMP/proppt.err")"

run eval evaluate "$TMP/proj/trained.pfm" --copies 2 --set defects.sigma=0.1 --baselines --threads 2
[ "$(rc eval)" -eq 0 ] && python3 - "$TMP/eval.out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert 0 <= d["accuracy"] <= 1 and d["examples"] == sum(map(sum, d["confusion"]))
assert len(d["copies"]) == 2 and all(0 <= c["accuracy_calibrated"] <= 1 for c in d["copies"])
assert 0 <= d["baselines"]["logistic"] <= 1 and 0 <= d["baselines"]["random_glass_readout"] <= 1
PY
report $? "evaluate --copies --baselines writes the JSON of cli.md" "exit $(rc eval)" "$(head -c 400 "$TMP/eval.out")" "$(err eval | head -c 300)"

# Copies whose defects scatter beyond the grid are reported, not fatal.
run evalunres evaluate "$TMP/proj/trained.pfm" --copies 2 --set defects.sigma=10 --threads 2
[ "$(rc evalunres)" -eq 0 ] && python3 - "$TMP/evalunres.out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["unresolved_copies"] == 2 and d["mean"] is None
assert all(c["accuracy"] is None and c["unresolved"] for c in d["copies"])
PY
report $? "evaluate reports copies the grid cannot resolve (null accuracies, a count), exit 0" \
  "exit $(rc evalunres)" "$(head -c 400 "$TMP/evalunres.out")"
expect_stderr_has evalunres "the unresolved copies are named on stderr" "could not be resolved"

# Ctrl-C during training: exit 1, the last epoch's checkpoint intact, and
# --resume finishes the run from it.
mkdir -p "$TMP/int"
"$CLI" train "${TRAIN_KEYS[@]}" --set "train.dataset=csv:$TMP/proj/task.csv" --set train.epochs=400 \
  -o "$TMP/int/t.pfm" --quiet --threads 1 >"$TMP/int.out" 2>"$TMP/int.err" </dev/null &
ipid=$!
for _ in $(seq 1 300); do [ -s "$TMP/int/t.ckpt" ] && break; sleep 0.1; done
sleep 0.3
kill -INT "$ipid"
wait "$ipid"
irc=$?
[ "$irc" -eq 1 ] && grep -q "cancelled" "$TMP/int.err" && [ ! -e "$TMP/int/t.pfm" ] && [ -s "$TMP/int/t.ckpt" ]
report $? "Ctrl-C in train: exit 1, says so, writes no project, keeps the checkpoint" "exit $irc" "$(head -c 300 "$TMP/int.err")"
run resume train "${TRAIN_KEYS[@]}" --set "train.dataset=csv:$TMP/proj/task.csv" --set train.epochs=400 \
  --set train.epochs=3 -o "$TMP/int/r.pfm" --resume "$TMP/int/t.ckpt" --quiet --threads 1
# The checkpoint may already hold more than 3 epochs: then resuming for 3
# trains no further and writes the design as it was.
[ "$(rc resume)" -eq 0 ] && [ -s "$TMP/int/r.idx" ]
report $? "train --resume from the interrupted run's checkpoint completes" "exit $(rc resume)" "$(err resume | head -c 300)"

# Outputs never overwrite an input or each other.
cp "$TMP/proj/trained.pfm" "$TMP/proj/keep.pfm"
cp "$TMP/proj/trained.pfm" "$TMP/proj/keep.before"
run clobber1 train "$TMP/proj/keep.pfm" -o "$TMP/proj/keep.pfm" --quiet
run clobber2 train "$TMP/proj/keep.pfm" -o "$TMP/proj/new.pfm" --log "$TMP/proj/keep.pfm" --quiet
run clobber3 train "$TMP/proj/keep.pfm" -o "$TMP/proj/new.pfm" --log "$TMP/proj/new.idx" --quiet
run clobber4 evaluate "$TMP/proj/keep.pfm" -o "$TMP/proj/./keep.pfm"
run clobber5 gradient "$TMP/proj/keep.pfm" --weights 1,1 --set beam.input=1,0,0,1 -o "$TMP/proj/trained.idx"
[ "$(rc clobber1)" -eq 2 ] && [ "$(rc clobber2)" -eq 2 ] && [ "$(rc clobber3)" -eq 2 ] &&
  [ "$(rc clobber4)" -eq 2 ] && [ "$(rc clobber5)" -eq 2 ] && cmp -s "$TMP/proj/keep.pfm" "$TMP/proj/keep.before" &&
  [ ! -e "$TMP/proj/new.pfm" ]
report $? "train, evaluate and gradient refuse (exit 2) an output that is an input or another output" \
  "exits $(rc clobber1) $(rc clobber2) $(rc clobber3) $(rc clobber4) $(rc clobber5)" "$(err clobber5)"

run evalbad evaluate "$TMP/proj/trained.pfm" --set train.dataset=csv:/nonexistent/x.csv
expect_rc evalbad 2 "evaluate with an absent dataset"
expect_stderr_has evalbad "an absent dataset is named" "/nonexistent/x.csv"

run trainnoout train "${TRAIN_KEYS[@]}" --set "train.dataset=csv:$TMP/proj/task.csv"
expect_rc trainnoout 2 "train without -o"
run trainregions train "${TRAIN_KEYS[@]}" --set "train.dataset=csv:$TMP/proj/task.csv" --set detector.regions=3 -o "$TMP/x.pfm"
expect_rc trainregions 2 "train with a region count that is not the class count"
expect_stderr_has trainregions "the region/class mismatch says what to set" "detector.regions=2"

run grad gradient "${TRAIN_KEYS[@]}" --set beam.input=1,0,0,1 --set medium.kind=random --weights 1,-1 -o "$TMP/grad.idx"
[ "$(rc grad)" -eq 0 ] && [ "$(head -n 1 "$TMP/grad.idx")" = "PFM-INDEX-MAP 1" ]
report $? "gradient writes an index map" "exit $(rc grad)" "$(err grad | head -c 300)"
run gradbad gradient "${TRAIN_KEYS[@]}" --weights 1,2,3 -o "$TMP/grad2.idx"
expect_rc gradbad 2 "gradient with the wrong number of weights"

finish
