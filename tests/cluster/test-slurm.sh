#!/bin/bash
# test-slurm.sh - README.md's SLURM recipe ("Large studies: shards"), run
# for real on a private single-node SLURM
#
# Copyright 2026 The PFM Explorer developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: test-slurm.sh PATH/TO/pfm-cli PATH/TO/README.md      (TAP on stdout)
#
# Brings up munged (a private key and socket), slurmctld and slurmd on
# 127.0.0.1 (free ports, every state, spool, pid and log file under the
# test's temporary folder, no systemd or cgroups: a private cgroup.conf
# points slurmd's cgroup plugin at an empty folder of its own, so it starts
# without /sys/fs/cgroup too), as the current user;
# submits the README's job-array and merge scripts as README.md writes them,
# with only the sizes substituted, through the README's own submission
# commands; and checks that the merged file is byte for byte the unsharded
# run's.  Also runs the failure the recipe must survive (no shards/ folder:
# every task refuses at once, and the merge is cancelled rather than left
# waiting for ever) and the README's rerun of one shard.  Stops every
# daemon it started.  Where the daemons cannot start (not installed, no
# permission) it skips: "1..0 # SKIP reason".

set -u

CLI=${1:?usage: test-slurm.sh PATH/TO/pfm-cli PATH/TO/README.md}
README=${2:?usage: test-slurm.sh PATH/TO/pfm-cli PATH/TO/README.md}
if [ ! -x "$CLI" ]; then
  echo "1..0 # SKIP $CLI is not an executable"
  exit 0
fi

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../cli/tap-lib.sh
. "$here/../cli/tap-lib.sh"
# shellcheck source=cluster-lib.sh
. "$here/cluster-lib.sh"

# ---- the recipes, as README.md writes them --------------------------------

ARRAY=$(recipe slurm-array) && MERGE=$(recipe slurm-merge) && SUBMIT=$(recipe slurm-submit) &&
  RERUN=$(recipe slurm-rerun)
if [ $? -ne 0 ]; then
  echo "1..1"
  echo "not ok 1 - README.md holds the recipes slurm-array, slurm-merge, slurm-submit and slurm-rerun"
  exit 1
fi
# K = 64 shards of 1024 copies, 4 CPUs a task, become 3 shards of 6 copies
# on 1 CPU; the rerun of tasks 3 and 17 becomes a rerun of task 2.
ARRAY_S=$(sized "$ARRAY" 's/--array=1-64/--array=1-3/' 's|}/64 |}/3 |' 's/--copies 1024 /--copies 6 /' \
  's/--cpus-per-task=4$/--cpus-per-task=1/')
MERGE_S=$(sized "$MERGE" 's/--verify 64 /--verify 3 /' 's/--cpus-per-task=4$/--cpus-per-task=1/')
RERUN_S=$(sized "$RERUN" 's/--array=3,17 /--array=2 /')
LEFT=$(leftover "$ARRAY_S$MERGE_S$RERUN_S" 64 1024 3,17 cpus-per-task=4)

# ---- the daemons ----------------------------------------------------------

pids_to_stop=()
cleanup() {
  if [ -n "${SLURM_CONF:-}" ] && [ -f "$SLURM_CONF" ] && [ -f "$TMP/slurm/slurmctld.pid" ]; then
    timeout 10 scancel --quiet --user="$(id -un)" >/dev/null 2>&1
    sleep 1
  fi
  local f pid
  for f in "$TMP/slurm/slurmd.pid" "$TMP/slurm/slurmctld.pid" "$TMP/munge/munged.pid"; do
    pid=$(cat "$f" 2>/dev/null) || continue
    [ -n "$pid" ] && kill "$pid" 2>/dev/null
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  done
  rm -rf "$TMP"
}
trap cleanup EXIT
# A timeout's SIGTERM (meson's) or Ctrl-C still stops the daemons.
trap 'exit 143' TERM
trap 'exit 130' INT
trap 'exit 129' HUP

# skip_all REASON [LOG...]: the daemons could not start
skip_all() {
  local reason=$1 f
  shift
  for f in "$@"; do
    [ -f "$f" ] && tail -n 5 "$f" | sed "s|^|# $(basename "$f"): |"
  done
  echo "1..0 # SKIP $reason"
  exit 0
}

for c in munged slurmctld slurmd sbatch scontrol scancel sinfo python3 timeout; do
  command -v "$c" >/dev/null || skip_all "$c is not installed (Debian: slurmctld slurmd slurm-client munge; scripts/pfm installs them)"
done

mkdir -p "$TMP/munge" "$TMP/slurm/state" "$TMP/slurm/spool" "$TMP/slurm/log"
chmod 755 "$TMP" "$TMP/munge"
head -c 1024 /dev/urandom >"$TMP/munge/munge.key"
chmod 600 "$TMP/munge/munge.key"
MUNGE_SOCKET=$TMP/munge/munge.socket
munged --force --key-file="$TMP/munge/munge.key" --socket="$MUNGE_SOCKET" \
  --pid-file="$TMP/munge/munged.pid" --log-file="$TMP/munge/munged.log" --seed-file="$TMP/munge/munged.seed" \
  >"$TMP/munge/start.log" 2>&1 || skip_all "munged did not start" "$TMP/munge/start.log" "$TMP/munge/munged.log"
wait_until 10 test -S "$MUNGE_SOCKET" || skip_all "munged made no socket" "$TMP/munge/munged.log"

user=$(id -un)
cpus=$(nproc 2>/dev/null || echo 1)
[ "$cpus" -gt 2 ] && cpus=2
export SLURM_CONF=$TMP/slurm/slurm.conf
S=$TMP/slurm
cat >"$SLURM_CONF" <<EOF
# A private single-node cluster for test-slurm.sh: loopback only.
ClusterName=pfmtest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$(free_port)
SlurmdPort=$(free_port)
SlurmUser=$user
SlurmdUser=$user
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MUNGE_SOCKET
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/slurmctld.pid
SlurmdPidFile=$S/slurmd.pid
SlurmctldLogFile=$S/log/slurmctld.log
SlurmdLogFile=$S/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/builtin
SchedulerParameters=sched_interval=2
ReturnToService=2
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
# slurmd 22.05 always loads a cgroup plugin, even with proctrack/linuxproc
# and task/none, and its default CgroupPlugin=autodetect fails where no
# cgroup filesystem is mounted on /sys/fs/cgroup (a chroot, a container):
# "No filesystem mounted on /sys/fs/cgroup ... Unable to initialize cgroup
# plugin".  Naming cgroup/v1 skips the detection; with these plugins it only
# loads, and never mounts (CgroupAutomount is off), creates or joins a
# cgroup, so its mount point is an empty folder of our own, never the
# machine's cgroups.  The file is read from slurm.conf's folder.
mkdir -p "$S/cgroup"
cat >"$S/cgroup.conf" <<EOF
# The private cluster's cgroup plugin: loaded, never used (see test-slurm.sh).
CgroupPlugin=cgroup/v1
CgroupMountpoint=$S/cgroup
CgroupAutomount=no
EOF
slurmctld -f "$SLURM_CONF" >"$S/log/slurmctld.start" 2>&1 ||
  skip_all "slurmctld did not start" "$S/log/slurmctld.start" "$S/log/slurmctld.log"
slurmd -f "$SLURM_CONF" -N localhost >"$S/log/slurmd.start" 2>&1 ||
  skip_all "slurmd did not start" "$S/log/slurmd.start" "$S/log/slurmd.log"
node_idle() { [ "$(timeout 5 sinfo -h -N -o %t 2>/dev/null)" = "idle" ]; }
wait_until 30 node_idle ||
  skip_all "the private SLURM node did not come up idle ($(timeout 5 sinfo -h -N -o %t 2>&1))" \
    "$S/log/slurmctld.log" "$S/log/slurmd.log"
echo "# a private SLURM ($(slurmctld -V)) is up on 127.0.0.1 with $cpus CPUs, after ${SECONDS} s"

# ---- helpers ---------------------------------------------------------------

# states ID: the sorted distinct JobStates of a job (every task of an array)
states() { timeout 5 scontrol -o show job "$1" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2 | sort -u | tr '\n' ' '; }
finished() {
  local s
  s=$(states "$1")
  [ -n "$s" ] && ! printf '%s' "$s" | grep -qwE 'PENDING|RUNNING|CONFIGURING|COMPLETING|REQUEUED|SUSPENDED'
}
field() { timeout 5 scontrol -o show job "$1" 2>/dev/null | grep -o "$2=[^ ]*" | head -n 1 | cut -d= -f2-; }
# the job id in what sbatch prints last ("12", "12;cluster" with
# --parsable, or "Submitted batch job 12")
job_id() { tail -n 1 | grep -oE '[0-9]+' | head -n 1; }
# the array job a merge job depends on
array_of() { field "$1" Dependency | grep -o 'afterok:[0-9]*' | cut -d: -f2; }

# workdir NAME: a fresh submission folder with the study and both scripts
workdir() {
  local w=$TMP/$1
  study_setup "$w"
  printf '%s\n' "$ARRAY_S" >"$w/pfm-shards.sbatch"
  printf '%s\n' "$MERGE_S" >"$w/pfm-merge.sbatch"
  printf '%s\n' "$w"
}

# ---- the recipes, checked ----------------------------------------------------

[ -z "$LEFT" ]
report $? "the SLURM recipes' sizes are all substituted (no run of the README's full size)" "left: $LEFT"
printf '%s\n' "$SUBMIT" | grep -qx 'mkdir -p shards'
report $? "the submission recipe creates the shards folder (mkdir -p shards)" "$SUBMIT"
printf '%s\n' "$ARRAY" | grep -qF -- '--threads ${SLURM_CPUS_PER_TASK:-1}' &&
  printf '%s\n' "$ARRAY" | grep -qF -- '--estimate'
report $? "the array recipe plans with --estimate and uses --threads \${SLURM_CPUS_PER_TASK:-1}" "$ARRAY"

REF=$TMP/ref
study_setup "$REF"
(cd "$REF" && "$CLI" defects study.pfm --copies 6 --estimate --quiet -o ref.json) >"$TMP/ref.log" 2>&1
report $? "the unsharded reference run" "$(cat "$TMP/ref.log")"

# 1. The reporter's case: no shards/ folder.  Every task refuses before it
# computes, and the merge does not wait for ever.
W1=$(workdir nofolder)
no_mkdir=$(printf '%s\n' "$SUBMIT" | grep -vx 'mkdir -p shards')
merge1=$(cd "$W1" && timeout 30 bash -c "$no_mkdir" 2>"$TMP/submit1.err" | job_id)
array1=$(array_of "$merge1")
[ -n "$merge1" ] && [ -n "$array1" ]
report $? "without mkdir: the submission commands submit the array and the merge" \
  "merge job '$merge1', array '$array1'" "$(cat "$TMP/submit1.err")"
wait_until 60 finished "$array1"
[ "$(states "$array1")" = "FAILED " ]
report $? "without mkdir: every array task fails" "states: $(states "$array1")"
missing_msg=0
for i in 1 2 3; do
  grep -qF "could not write shards/shard-$i.json: its folder shards: No such file or directory" \
    "$W1/slurm-${array1}_$i.out" 2>/dev/null || missing_msg=1
done
[ "$missing_msg" -eq 0 ]
report $? "without mkdir: each task's log says which folder is missing" \
  "$(cat "$W1"/slurm-*.out 2>/dev/null | head -c 600)"
t0=$SECONDS
wait_until 90 finished "$merge1"
[ "$(states "$merge1")" = "CANCELLED " ] && [ "$(field "$merge1" Reason)" = "DependencyNeverSatisfied" ]
report $? "without mkdir: the merge job is cancelled (DependencyNeverSatisfied), not left pending, after $((SECONDS - t0)) s" \
  "states: $(states "$merge1"), reason: $(field "$merge1" Reason)"

# 2. The recipe as written: the merged file is the unsharded run's, byte
# for byte.
W2=$(workdir recipe)
merge2=$(cd "$W2" && timeout 30 bash -c "$SUBMIT" 2>"$TMP/submit2.err" | job_id)
array2=$(array_of "$merge2")
[ -n "$merge2" ] && [ -n "$array2" ]
report $? "the submission commands submit the array and the merge" "merge job '$merge2'" "$(cat "$TMP/submit2.err")"
t0=$SECONDS
wait_until 90 finished "$merge2"
[ "$(states "$array2")" = "COMPLETED " ] && [ "$(states "$merge2")" = "COMPLETED " ]
report $? "every array task and the merge complete ($((SECONDS - t0)) s)" \
  "array: $(states "$array2"), merge: $(states "$merge2") $(field "$merge2" Reason)" \
  "$(cat "$W2"/slurm-*.out 2>/dev/null | head -c 800)"
cmp "$W2/study.json" "$REF/ref.json" >"$TMP/cmp2" 2>&1
report $? "the merged study.json is byte for byte the unsharded run's" "$(cat "$TMP/cmp2")"
grep -qF "copies (" "$W2/slurm-$merge2.out" 2>/dev/null &&
  grep -qF -- "--verify: copies" "$W2/slurm-$merge2.out" && grep -qF "the same bits" "$W2/slurm-$merge2.out"
report $? "the merge job's log holds the summary and --verify's \"the same bits\"" \
  "$(head -c 600 "$W2/slurm-$merge2.out" 2>/dev/null)"

# 3. One shard lost: merge names it, the README's rerun of that task and a
# new merge give the same file again.
rm -f "$W2/shards/shard-2.json" "$W2/study.json"
(cd "$W2" && "$CLI" merge shards/shard-*.json >/dev/null 2>"$TMP/missing.err")
[ $? -eq 2 ] && grep -qF "shard 2 of 3 is missing" "$TMP/missing.err"
report $? "merge names the lost shard" "$(cat "$TMP/missing.err")"
merge3=$(cd "$W2" && timeout 30 bash -c "$RERUN_S" 2>"$TMP/submit3.err" | job_id)
t0=$SECONDS
wait_until 90 finished "$merge3"
[ -n "$merge3" ] && [ "$(states "$merge3")" = "COMPLETED " ]
report $? "the rerun of one task (sbatch --array=I) and its merge complete ($((SECONDS - t0)) s)" \
  "merge '$merge3': $(states "$merge3") $(field "$merge3" Reason)" "$(cat "$TMP/submit3.err")"
cmp "$W2/study.json" "$REF/ref.json" >"$TMP/cmp3" 2>&1
report $? "after the rerun, study.json is again the unsharded run's, byte for byte" "$(cat "$TMP/cmp3")"

echo "# the whole test took ${SECONDS} s"
finish
