#!/usr/bin/env bash
# cli-golden.sh PFM-CLI OUTDIR: run pfm-cli over fixed seeds and write
# every output to OUTDIR, so that two builds can be compared with
# `diff -r` (a refactor must leave them byte-identical).
#
# Runs are single-threaded with FFTW_ESTIMATE plans (the same bits on
# every run on one kind of CPU).  Fields that measure the machine
# (seconds, rates, the planning mode's timing) are blanked by `scrub`,
# nothing else.
set -euo pipefail
cli=$(realpath "$1")
out=$2
mkdir -p "$out"
cd "$out"
small=(--set grid.n=32 --set tube.length=2e-5 --set grid.dz=2e-6)
tmgrid=(--set grid.n=64 --set tube.length=2e-5 --set grid.dz=2e-6 --set beam.slm_pixels=4 --set detector.regions=4)
train=(--set beam.kind=slm --set train.dataset=digits --set train.max_examples=120 --set train.epochs=2 --set grid.n=32
       --set tube.length=1e-5 --set grid.dz=2e-6 --set beam.slm_pixels=16 --set detector.regions=10)

scrub() { # FILE...: blank timing values in place
  sed -i -E \
    -e 's/("(seconds|elapsed|wall|wall_s|time_s|seconds_per_[a-z_]*|[a-z_]*_seconds|rate|runs_per_s)": *)[-0-9.e+]+/\1T/g' \
    -e 's/(in |took )[0-9.]+ ?(s|ms|min)\b/\1T/g' \
    -e 's/([ (])[0-9]+\.[0-9]+ s\)/\1T s)/g' "$@"
}

run() { # NAME CMD...: stdout to NAME.out, stderr to NAME.err, status to NAME.rc
  local name=$1
  shift
  set +e
  "$@" > "$name.out" 2> "$name.err"
  echo $? > "$name.rc"
  set -e
}

run scaling-table "$cli" scaling
run scaling-csv "$cli" scaling --format csv --params 1e6,1e9,1e12
run scaling-json "$cli" scaling --format json --set optics.n2=5e-20
run scaling-bad "$cli" scaling --set optics.wavelength=-1
run prop "$cli" propagate "${small[@]}" --estimate -t 1 -q -d prop-diag.csv -v prop-vec.csv --summary prop-summary.txt
run prop-kerr "$cli" propagate "${small[@]}" --set beam.power=1e6 --estimate -t 1 -q -d prop-kerr-diag.csv
run prop-slm "$cli" propagate "${small[@]}" --set beam.kind=slm --set beam.input=random:3 --estimate -t 1 -q -v prop-slm-vec.csv -f prop-slm.npy
run prop-defects "$cli" propagate "${small[@]}" --set defects.sigma=0.05 --set defects.stuck_fraction=0.01 --estimate -t 1 -q -v prop-def-vec.csv
run prop-bad "$cli" propagate --set grid.n=7
run defects-json "$cli" defects "${small[@]}" --set defects.sigma=0.02 -k 4 -n 4 -c 8 --estimate -t 1 -q
run defects-csv "$cli" defects "${small[@]}" --set defects.sigma=0.02 -k 4 -n 4 -c 8 --estimate -t 1 -q -f csv --summary defects-summary.txt
run defects-tm "$cli" defects "${tmgrid[@]}" -k 2 -n 2 -c 4 --tm-error --estimate -t 1 -q
run defects-sweep "$cli" defects "${small[@]}" -k 2 -n 2 -c 4 --sweep defects.sigma=0.01,0.1 --estimate -t 1 -q
run shard1 "$cli" defects "${small[@]}" -k 4 -n 2 -c 4 --shard 1/2 --estimate -t 1 -q -o shard1.json
run shard2 "$cli" defects "${small[@]}" -k 4 -n 2 -c 4 --shard 2/2 --estimate -t 1 -q -o shard2.json
run merge "$cli" merge shard1.json shard2.json --summary merge-summary.txt
run merge-csv "$cli" merge -f csv shard1.json shard2.json
run tm "$cli" tm "${tmgrid[@]}" --estimate -t 1 -q
run sweep "$cli" sweep "${small[@]}" --vary beam.power=1:1e6:3:log --estimate -t 1 -q
run sweep2 "$cli" sweep "${small[@]}" --vary beam.power=1,1e5 --vary optics.n2=1e-20,3e-20 -f csv --estimate -t 1 -q
run sweep-copies "$cli" sweep "${small[@]}" --vary defects.sigma=0,0.05 -k 2 -n 2 -c 4 --estimate -t 1 -q
run train "$cli" train "${train[@]}" -o trained.pfm --log train-log.csv --summary train-summary.json --threads 1 -q
run evaluate "$cli" evaluate "${train[@]}" --threads 1
run evaluate-trained "$cli" evaluate trained.pfm --set defects.sigma=0.02 --copies 2 --baselines --threads 1
run gradient "$cli" gradient "${train[@]}" --weights 1,0,0,0,0,0,0,0,0,-1 -o grad.idx
# The epoch log's last column is its wall time; the checkpoint holds timings.
sed -i -E '2,$ s/,[^,]*$/,T/' train-log.csv
rm -f trained.ckpt
scrub ./*
