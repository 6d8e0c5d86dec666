#!/bin/bash
# test-reliability-merge.sh - `merge` refuses tampered or foreign shards,
# beam.input holds a list for the most SLM pixels, and the defects summary
# never prints inf or nan
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
# A small batch of 4 copies in 2 shards: shard 2 holds copies 2 and 3.
BATCH=(--copies 4 --inputs 2 --calibration-inputs 3 --threads 1 --estimate --quiet)

# no_nan_inf FILE...: no inf or nan as a word in any of them
no_nan_inf() { ! grep -qiwE 'nan|inf|infinity' "$@"; }

# tamper SRC DST CODE: DST is SRC's JSON after the Python CODE, which sees
# the document as d and the first copy (copy 2 of shard 2) as c
tamper() {
  python3 - "$1" "$2" "$3" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
c = d["copies"][0]
exec(sys.argv[3])
with open(sys.argv[2], "w") as f:
    json.dump(d, f, indent=2)
PY
}

# ---- item 11: merge range-checks, seeds and input contents ---------------

run shard1 defects "${SMALL[@]}" --set defects.sigma=0.1 "${BATCH[@]}" --shard 1/2 -o "$TMP/s1.json"
run shard2 defects "${SMALL[@]}" --set defects.sigma=0.1 "${BATCH[@]}" --shard 2/2 -o "$TMP/s2.json"
[ "$(rc shard1)" -eq 0 ] && [ "$(rc shard2)" -eq 0 ] && [ -s "$TMP/s1.json" ] && [ -s "$TMP/s2.json" ]
report $? "two shards of a small batch" "exits $(rc shard1) $(rc shard2)" "$(err shard1 | head -c 300)"

run mergeok merge "$TMP/s1.json" "$TMP/s2.json" -o "$TMP/merged.json"
expect_rc mergeok 0 "merge of the untouched shards"

# refused NAME CODE DESCRIPTION TEXT...: shard 1 with shard 2 after CODE is
# refused (exit 2), naming the tampered file, copy 2 and every TEXT
refused() {
  local name=$1 code=$2 desc=$3
  shift 3
  tamper "$TMP/s2.json" "$TMP/s2-$name.json" "$code"
  run "m$name" merge "$TMP/s1.json" "$TMP/s2-$name.json" -o "$TMP/m$name.json"
  expect_rc "m$name" 2 "merge refuses $desc"
  expect_stderr_has "m$name" "the refusal of $desc names the file, the copy and the field" \
    "s2-$name.json" "copy 2" "$@"
  [ ! -e "$TMP/m$name.json" ]
  report $? "merge writes nothing for $desc"
}

refused negre 'c["relative_error"] = -7' "a relative error of -7" "relative_error" "-7"
refused cos 'c["cosine_similarity"] = 2.5' "a cosine similarity of 2.5" "cosine_similarity" "2.5" "[-1, 1]"
refused cal 'c["cosine_similarity_calibrated"] = -1.5' "a calibrated cosine similarity of -1.5" \
  "cosine_similarity_calibrated" "-1.5"
refused seed 'c["seed"] += 1' "a changed copy seed" "seed" "defects.seed"
refused nullre 'c["relative_error"] = None' "a resolved copy with a null relative error" \
  "relative_error" "null" "resolved"
refused nullbits 'c["effective_bits"] = None' "null effective bits (exact) with a non-zero relative error" \
  "effective_bits" "null"
refused hugere 'c["relative_error"] = 1.7e308; c["effective_bits"] = -1023.9' "a relative error of 1.7e308" \
  "relative_error" "1.7e+308"
refused hugebits 'c["effective_bits"] = 1.7e308' "effective bits of 1.7e308" "effective_bits" "1.7e+308"
refused unres 'c["resolved"] = False' "an unresolved copy with metrics" "relative_error" "not resolved"

# Whatever merge accepts, its outputs hold no inf or nan.
run mergesum merge "$TMP/s1.json" "$TMP/s2.json" -o "$TMP/merged2.json" --summary "$TMP/merged2.txt"
[ "$(rc mergesum)" -eq 0 ] && no_nan_inf "$TMP/merged2.json" "$TMP/merged2.txt"
report $? "merge --summary of the untouched shards: no inf or nan" "exit $(rc mergesum)" "$(cat "$TMP/merged2.txt")"

# Shards computed from different contents of one index map (same path).
python3 - "$TMP/map.idx" 1 <<'PY'
import struct, sys, random
random.seed(int(sys.argv[2]))
with open(sys.argv[1], "wb") as f:
    f.write(b"PFM-INDEX-MAP 1\n8 8 4\n")
    f.write(struct.pack("<256f", *[random.uniform(-1e-3, 1e-3) for _ in range(256)]))
PY
MAP=(--set medium.kind=file --set "medium.file=$TMP/map.idx")
run map1 defects "${SMALL[@]}" "${MAP[@]}" --set defects.sigma=0.1 "${BATCH[@]}" --shard 1/2 -o "$TMP/map1.json"
run map2 defects "${SMALL[@]}" "${MAP[@]}" --set defects.sigma=0.1 "${BATCH[@]}" --shard 2/2 -o "$TMP/map2.json"
run mapok merge "$TMP/map1.json" "$TMP/map2.json" -o "$TMP/mapok.json"
[ "$(rc map1)" -eq 0 ] && [ "$(rc map2)" -eq 0 ] && [ "$(rc mapok)" -eq 0 ]
report $? "shards of one index map merge" "exits $(rc map1) $(rc map2) $(rc mapok)" "$(err mapok | head -c 300)"
python3 - "$TMP/map1.json" "$TMP/mapok.json" <<'PY'
import hashlib, json, sys
want = hashlib.sha256(open(json.load(open(sys.argv[1]))["settings"]["medium.file"], "rb").read()).hexdigest()
for p in sys.argv[1:]:
    assert json.load(open(p))["input_sha256"] == {"medium.file": want}, p
PY
report $? "a shard and the merged result record the SHA-256 of medium.file (input_sha256)"

python3 - "$TMP/map.idx" 2 <<'PY'
import struct, sys, random
random.seed(int(sys.argv[2]))
with open(sys.argv[1], "wb") as f:
    f.write(b"PFM-INDEX-MAP 1\n8 8 4\n")
    f.write(struct.pack("<256f", *[random.uniform(-1e-3, 1e-3) for _ in range(256)]))
PY
run map2b defects "${SMALL[@]}" "${MAP[@]}" --set defects.sigma=0.1 "${BATCH[@]}" --shard 2/2 -o "$TMP/map2b.json"
run mapdiff merge "$TMP/map1.json" "$TMP/map2b.json" -o "$TMP/mapdiff.json"
[ "$(rc map2b)" -eq 0 ]
report $? "shard 2 from the changed index map" "exit $(rc map2b)"
expect_rc mapdiff 2 "merge refuses shards of different index-map contents at one path"
expect_stderr_has mapdiff "the refusal names both files and the field" \
  "map1.json" "map2b.json" "medium.file" "input_sha256"

# A shard without the record (an older file) does not pass for one with it.
tamper "$TMP/map2.json" "$TMP/map2-old.json" 'del d["input_sha256"]'
run mapold merge "$TMP/map1.json" "$TMP/map2-old.json" -o "$TMP/mapold.json"
expect_rc mapold 2 "merge refuses a shard that lacks the index map's SHA-256 when another has it"
expect_stderr_has mapold "the refusal names the shard without the record and the field" \
  "map2-old.json" "medium.file"

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
