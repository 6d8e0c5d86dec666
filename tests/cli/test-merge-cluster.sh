#!/bin/bash
# test-merge-cluster.sh - what the cluster recipes need from defects and
# merge (issue 16): a missing output folder refused before any work, the
# planning mode recorded and checked, every missing shard named, a
# difference named by file and field, and merge --verify
#
# Copyright 2026 The PFM Explorer developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: test-merge-cluster.sh PATH/TO/pfm-cli      (TAP on stdout)

set -u

CLI=${1:?usage: test-merge-cluster.sh PATH/TO/pfm-cli}
if [ ! -x "$CLI" ]; then
  echo "1..0 # SKIP $CLI is not an executable"
  exit 0
fi

# shellcheck source=tap-lib.sh
. "$(dirname "$0")/tap-lib.sh"

SMALL=(--set grid.n=64 --set tube.length=2e-5 --set grid.dz=1e-6 --set defects.sigma=0.1)
# 8 copies in 4 shards of 2.
BATCH=(--copies 8 --inputs 2 --calibration-inputs 3 --threads 1 --quiet)

# tamper SRC DST CODE: DST is SRC's JSON after the Python CODE, which sees
# the document as d and its first copy as c
tamper() {
  python3 - "$1" "$2" "$3" <<'PY'
import json, math, sys
d = json.load(open(sys.argv[1]))
c = d["copies"][0]
exec(sys.argv[3])
with open(sys.argv[2], "w") as f:
    json.dump(d, f, indent=2)
PY
}

# ---- a missing output folder: refused before the work -----------------------

# The default device with 1024 copies would take hours: a refusal within
# 20 s is one made before computing.
run nofolder defects --copies 1024 --shard 1/64 --estimate --quiet -o "$TMP/shards/shard-1.json"
expect_rc nofolder 1 "defects -o into a missing folder is refused"
expect_one_line nofolder "defects -o into a missing folder"
expect_stderr_has nofolder "the refusal names the file and its missing folder" \
  "shards/shard-1.json" "its folder" "No such file or directory"
start=$SECONDS
timeout 20 "$CLI" defects --copies 1024 --shard 1/64 --quiet -o "$TMP/shards/shard-1.json" 2>/dev/null
st=$?
[ "$st" -eq 1 ] && [ $((SECONDS - start)) -lt 20 ]
report $? "the refusal comes before any propagation (exit 1 in $((SECONDS - start)) s of an hours-long batch)" "exit $st"
mkdir -p "$TMP/ro"
chmod 555 "$TMP/ro"
if [ -w "$TMP/ro" ]; then
  skip "a read-only folder (running as root: every folder is writable)"
else
  run rofolder defects "${SMALL[@]}" "${BATCH[@]}" --shard 1/4 -o "$TMP/ro/shard-1.json"
  expect_rc rofolder 1 "defects -o into a read-only folder is refused"
fi
chmod 755 "$TMP/ro"

# ---- shards, and the planning mode -----------------------------------------------

ok=0
for i in 1 2 3 4; do
  "$CLI" defects "${SMALL[@]}" "${BATCH[@]}" --estimate --shard $i/4 -o "$TMP/s$i.json" 2>>"$TMP/shards.err" || ok=1
done
"$CLI" defects "${SMALL[@]}" "${BATCH[@]}" --estimate -o "$TMP/whole.json" 2>>"$TMP/shards.err" || ok=1
"$CLI" defects "${SMALL[@]}" "${BATCH[@]}" --shard 2/4 -o "$TMP/s2-measure.json" 2>>"$TMP/shards.err" || ok=1
[ "$ok" -eq 0 ]
report $? "four --estimate shards, the whole batch, and shard 2 with measured plans" "$(head -c 400 "$TMP/shards.err")"

python3 - "$TMP/s1.json" "$TMP/whole.json" "$TMP/s2-measure.json" <<'PY'
import json, sys
want = ["estimate", "estimate", "measure"]
for path, w in zip(sys.argv[1:], want):
    got = json.load(open(path))["batch"].get("planning")
    assert got == w, (path, got, w)
PY
report $? "each result records its planning mode (batch.planning: estimate with --estimate, else measure)"

run merged merge "$TMP/s3.json" "$TMP/s1.json" "$TMP/s4.json" "$TMP/s2.json" -o "$TMP/merged.json"
expect_rc merged 0 "merge of the four --estimate shards"
cmp -s "$TMP/merged.json" "$TMP/whole.json"
report $? "the merged file is byte for byte the unsharded --estimate run's"

run mixed merge "$TMP/s1.json" "$TMP/s2-measure.json" "$TMP/s3.json" "$TMP/s4.json" -o "$TMP/mixed.json"
expect_rc mixed 2 "merge refuses shards planned differently"
expect_stderr_has mixed "the refusal names the files of each mode and the field" \
  "batch.planning" "s2-measure.json \"measure\"" "s1.json" "\"estimate\""
[ ! -e "$TMP/mixed.json" ]
report $? "merge writes nothing for shards planned differently"

# Files of an older pfm-cli record no planning mode.
for i in 1 2 3 4; do
  tamper "$TMP/s$i.json" "$TMP/old$i.json" 'del d["batch"]["planning"]'
done
run old merge "$TMP/old1.json" "$TMP/old2.json" "$TMP/old3.json" "$TMP/old4.json" -o "$TMP/old.json"
expect_rc old 0 "shards that all record no planning mode (an older pfm-cli) still merge"
expect_stderr_has old "merge says it cannot check their planning" "record no planning mode" "cannot check"
! grep -q '"planning"' "$TMP/old.json"
report $? "their merged file records no planning mode either"
run oldmix merge "$TMP/s1.json" "$TMP/old2.json" "$TMP/s3.json" "$TMP/s4.json" -o "$TMP/oldmix.json"
expect_rc oldmix 2 "merge refuses a shard without a planning mode among shards with one"
expect_stderr_has oldmix "the refusal names the file without one" "old2.json records no planning mode"
tamper "$TMP/s2.json" "$TMP/s2-badplan.json" 'd["batch"]["planning"] = "guess"'
run badplan merge "$TMP/s1.json" "$TMP/s2-badplan.json" "$TMP/s3.json" "$TMP/s4.json"
expect_rc badplan 2 "merge refuses an unknown planning value"
expect_stderr_has badplan "the refusal names the file and the field" "s2-badplan.json" "batch.planning"

# ---- missing shards, differences ---------------------------------------------------

run missing merge "$TMP/s1.json" "$TMP/s3.json" -o "$TMP/missing.json"
expect_rc missing 2 "merge refuses missing shards"
expect_one_line missing "merge of shards 1 and 3 of 4"
expect_stderr_has missing "the refusal names every missing shard, not only the first" "shards 2, 4 of 4 are missing"
run missing3 merge "$TMP/s4.json"
expect_stderr_has missing3 "consecutive missing shards are named as a range" "shards 1-3 of 4 are missing"

run twice merge "$TMP/s1.json" "$TMP/s2.json" "$TMP/s3.json" "$TMP/s4.json" "$TMP/s2.json"
expect_rc twice 2 "merge refuses a shard given twice"
expect_stderr_has twice "the refusal names the shard" "shard 2/4 is given twice"

"$CLI" defects "${SMALL[@]}" --set defects.sigma=0.2 "${BATCH[@]}" --estimate --shard 2/4 -o "$TMP/s2-sigma.json" 2>/dev/null
run sigma merge "$TMP/s1.json" "$TMP/s2-sigma.json" "$TMP/s3.json" "$TMP/s4.json"
expect_rc sigma 2 "merge refuses a shard of another setting"
expect_stderr_has sigma "the refusal names both files, the key and both values" \
  "s1.json ran with defects.sigma = 0.1" "s2-sigma.json with defects.sigma = 0.2"

tamper "$TMP/s2.json" "$TMP/s2-inputs.json" 'd["batch"]["inputs"] = 3'
run inputs merge "$TMP/s1.json" "$TMP/s2-inputs.json" "$TMP/s3.json" "$TMP/s4.json"
expect_rc inputs 2 "merge refuses a shard of other batch options"
expect_stderr_has inputs "the refusal names both files, the field and both values" \
  "s1.json has batch.inputs = 2" "s2-inputs.json has batch.inputs = 3"
tamper "$TMP/s2.json" "$TMP/s2-ridge.json" 'd["batch"]["ridge"] = 0.5'
run ridge merge "$TMP/s1.json" "$TMP/s2-ridge.json" "$TMP/s3.json" "$TMP/s4.json"
expect_stderr_has ridge "a different ridge is named as batch.ridge" "s2-ridge.json has batch.ridge = 0.5"
tamper "$TMP/s2.json" "$TMP/s2-count.json" 'd["shard"]["count"] = 8; d["shard"]["index"] = 3'
run count merge "$TMP/s1.json" "$TMP/s2-count.json" "$TMP/s3.json" "$TMP/s4.json"
expect_stderr_has count "a different shard count is named as shard.count" "s2-count.json has shard.count = 8"

# ---- merge --verify ----------------------------------------------------------------

run verify merge "$TMP/s1.json" "$TMP/s2.json" "$TMP/s3.json" "$TMP/s4.json" --verify 4 --quiet -o "$TMP/verified.json"
expect_rc verify 0 "merge --verify 4 of honest --estimate shards"
expect_stderr_has verify "--verify names the copies it recomputed and finds the same bits" \
  "--verify: copies" "of 8 (--verify-seed 1)" "the same bits"
cmp -s "$TMP/verified.json" "$TMP/whole.json"
report $? "--verify does not change the merged file"
python3 - "$TMP/verify.err" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
copies = [int(x) for x in re.search(r"copies ([0-9, ]+) of 8", text).group(1).split(", ")]
# One copy in each shard of 2: {0,1}, {2,3}, {4,5}, {6,7}.
assert sorted(c // 2 for c in copies) == [0, 1, 2, 3], copies
PY
report $? "--verify 4 of 4 shards recomputes one copy in each shard" "$(cat "$TMP/verify.err")"
run verify2 merge "$TMP/s1.json" "$TMP/s2.json" "$TMP/s3.json" "$TMP/s4.json" --verify 4 --verify-seed 7 --quiet
grep -o "copies [0-9, ]* of 8" "$TMP/verify.err" >"$TMP/pick1"
grep -o "copies [0-9, ]* of 8" "$TMP/verify2.err" >"$TMP/pick2"
run verify3 merge "$TMP/s1.json" "$TMP/s2.json" "$TMP/s3.json" "$TMP/s4.json" --verify 4 --verify-seed 7 --quiet
grep -o "copies [0-9, ]* of 8" "$TMP/verify3.err" >"$TMP/pick3"
cmp -s "$TMP/pick2" "$TMP/pick3" && [ -s "$TMP/pick2" ]
report $? "the copies --verify picks follow from --verify-seed alone" "$(cat "$TMP/pick1" "$TMP/pick2" "$TMP/pick3")"

# Every copy recomputed, so the tampered one is among them: its relative
# error 1% higher, and its effective bits to match (the range checks pass).
tamper "$TMP/s3.json" "$TMP/s3-tampered.json" \
  'c["relative_error"] *= 1.01; c["effective_bits"] = -math.log2(c["relative_error"])'
run nover merge "$TMP/s1.json" "$TMP/s2.json" "$TMP/s3-tampered.json" "$TMP/s4.json" -o "$TMP/nover.json"
expect_rc nover 0 "merge alone cannot see a consistently changed metric (README: what merge does not check)"
run tampered merge "$TMP/s1.json" "$TMP/s2.json" "$TMP/s3-tampered.json" "$TMP/s4.json" --verify 8 --quiet \
  -o "$TMP/tampered.json"
expect_rc tampered 2 "merge --verify catches a tampered metric"
expect_one_line tampered "merge --verify of a tampered shard"
expect_stderr_has tampered "the refusal names the file, the copy, the field and both values" \
  "s3-tampered.json: copy 4: relative_error = " "in the file" "recomputed" "planning: estimate"
[ ! -e "$TMP/tampered.json" ]
report $? "merge --verify writes nothing when a copy does not match"
tamper "$TMP/s4.json" "$TMP/s4-cos.json" 'c["cosine_similarity_calibrated"] = 0.999'
run tamperedcos merge "$TMP/s1.json" "$TMP/s2.json" "$TMP/s3.json" "$TMP/s4-cos.json" --verify 8 --quiet
expect_rc tamperedcos 2 "merge --verify catches a changed calibrated similarity"
expect_stderr_has tamperedcos "the refusal names the file, the copy and the field" \
  "s4-cos.json: copy 6: cosine_similarity_calibrated = 0.999 in the file"

# With measured plans the check allows a relative 1e-3 plus 1e-6: a 10%
# change of a relative error of about 1e-4 is beyond it.
"$CLI" defects "${SMALL[@]}" "${BATCH[@]}" --shard 1/2 -o "$TMP/m1.json" 2>/dev/null
"$CLI" defects "${SMALL[@]}" "${BATCH[@]}" --shard 2/2 -o "$TMP/m2.json" 2>/dev/null
run verifym merge "$TMP/m1.json" "$TMP/m2.json" --verify 8 --quiet -o "$TMP/vm.json"
expect_rc verifym 0 "merge --verify of honest shards with measured plans"
expect_stderr_has verifym "--verify says it compared within a tolerance" "within a relative 1e-3 plus 1e-6"
tamper "$TMP/m2.json" "$TMP/m2-tampered.json" \
  'c["relative_error"] *= 1.1; c["effective_bits"] = -math.log2(c["relative_error"])'
run tamperedm merge "$TMP/m1.json" "$TMP/m2-tampered.json" --verify 8 --quiet
expect_rc tamperedm 2 "merge --verify catches a 10% change with measured plans"
expect_stderr_has tamperedm "the refusal names the file, the copy, the field" \
  "m2-tampered.json: copy 4: relative_error" "1e-3"

run badverify merge "$TMP/s1.json" --verify -1
expect_rc badverify 2 "merge --verify -1"
expect_one_line badverify "merge --verify -1"

finish
