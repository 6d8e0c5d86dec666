#!/bin/bash
# test-reliability-merge.sh - beam.input holds a list for the most SLM
# pixels, and the defects summary never prints inf or nan
#
# Copyright 2026 The PFM Explorer developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: test-reliability-merge.sh PATH/TO/pfm-cli      (TAP on stdout)

set -u

CLI=${1:?usage: test-reliability-merge.sh PATH/TO/pfm-cli}
if [ ! -x "$CLI" ]; then
  echo "1..0 # SKIP $CLI is not an executable"
  exit 0
fi

# shellcheck source=tap-lib.sh
. "$(dirname "$0")/tap-lib.sh"

SMALL=(--set grid.n=64 --set tube.length=2e-5 --set grid.dz=1e-6)
# no_nan_inf FILE...: no inf or nan as a word in any of them
no_nan_inf() { ! grep -qiwE 'nan|inf|infinity' "$@"; }

# ---- item 12: beam.input holds a list for beam.slm_pixels = 4096 ----------

list=$(python3 -c "print(','.join(['0.5'] * 4096))")
run pix4096 propagate --quiet "${SMALL[@]}" --set beam.kind=slm --set beam.slm_pixels=4096 \
  --set "beam.input=$list" --output-vector "$TMP/pix.csv"
expect_rc pix4096 0 "beam.slm_pixels=4096 with a list of 4096 values"
# In a project file, with values written to 17 digits (about 82 KB).
python3 - "$TMP/pix.pfm" <<'PY'
import random, sys
random.seed(5)
vals = ",".join("%.17f" % random.random() for _ in range(4096))
open(sys.argv[1], "w").write("[beam]\nkind=slm\nslm_pixels=4096\ninput=%s\n" % vals)
PY
run pixfile propagate --quiet "$TMP/pix.pfm" "${SMALL[@]}" --output-vector "$TMP/pixfile.csv"
expect_rc pixfile 0 "a project file with beam.slm_pixels=4096 and 17-digit input values"
run pixshort propagate --quiet "${SMALL[@]}" --set beam.kind=slm --set beam.slm_pixels=4096 \
  --set "beam.input=0.5,0.5"
expect_rc pixshort 2 "a list shorter than beam.slm_pixels is still refused"

# ---- item 13: no inf or nan in the summary of an exact batch --------------

run exact defects "${SMALL[@]}" --copies 3 --inputs 2 --calibration-inputs 3 --threads 1 --estimate --quiet \
  --summary "$TMP/exact.txt" -o "$TMP/exact.json"
[ "$(rc exact)" -eq 0 ] && no_nan_inf "$TMP/exact.txt" "$TMP/exact.json"
report $? "defects --summary with all defects zero: no inf or nan" "exit $(rc exact)" "$(cat "$TMP/exact.txt")"
grep -q "effective_bits.*unbounded (no error)" "$TMP/exact.txt"
report $? "the summary says the bits are unbounded (no error)" "$(cat "$TMP/exact.txt")"

run exactnocal defects "${SMALL[@]}" --copies 2 --inputs 2 --calibration-inputs 0 --threads 1 --estimate --quiet \
  --summary "$TMP/exactnocal.txt" -o "$TMP/exactnocal.json"
[ "$(rc exactnocal)" -eq 0 ] && no_nan_inf "$TMP/exactnocal.txt" "$TMP/exactnocal.json"
report $? "defects --summary without calibration: no inf or nan" "exit $(rc exactnocal)" "$(cat "$TMP/exactnocal.txt")"

run ex1 defects "${SMALL[@]}" --copies 3 --inputs 2 --calibration-inputs 3 --threads 1 --estimate --quiet \
  --shard 1/2 -o "$TMP/ex1.json"
run ex2 defects "${SMALL[@]}" --copies 3 --inputs 2 --calibration-inputs 3 --threads 1 --estimate --quiet \
  --shard 2/2 -o "$TMP/ex2.json"
run exmerge merge "$TMP/ex1.json" "$TMP/ex2.json" -o "$TMP/exmerge.json" --summary "$TMP/exmerge.txt"
[ "$(rc exmerge)" -eq 0 ] && no_nan_inf "$TMP/exmerge.txt" "$TMP/exmerge.json" &&
  cmp -s "$TMP/exmerge.json" "$TMP/exact.json"
report $? "merge of an exact batch: the whole batch's JSON, a summary without inf or nan" \
  "exit $(rc exmerge)" "$(err exmerge | head -c 300)" "$(cat "$TMP/exmerge.txt" 2>/dev/null)"

finish
