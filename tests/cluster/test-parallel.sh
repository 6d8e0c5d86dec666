#!/bin/bash
# test-parallel.sh - README.md's GNU parallel recipe ("Large studies:
# shards"), run for real, over ssh to a private sshd on 127.0.0.1 where one
# can start
#
# Copyright 2026 The PFM Explorer developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: test-parallel.sh PATH/TO/pfm-cli PATH/TO/README.md      (TAP on stdout)
#
# Runs the recipe as README.md writes it, with only the sizes substituted,
# and checks that the merged file is byte for byte the unsharded run's.
# The hosts file names 127.0.0.1, reached through a private sshd (its own
# host and user keys, a free loopback port, every file under the test's
# temporary folder; GNU parallel reaches it through PARALLEL_SSH, the
# recipe's command line is unchanged).  Where sshd cannot start, the hosts
# file holds ":" (the local machine), the ssh checks are skipped and the
# output says so.  Also checks what --env PATH is for (a remote shell's own
# PATH has no pfm-cli), and that a failed job is rerun alone by the same
# command with --resume-failed.  Skips ("1..0 # SKIP reason") without GNU
# parallel.

set -u

CLI=${1:?usage: test-parallel.sh PATH/TO/pfm-cli PATH/TO/README.md}
README=${2:?usage: test-parallel.sh PATH/TO/pfm-cli PATH/TO/README.md}
if [ ! -x "$CLI" ]; then
  echo "1..0 # SKIP $CLI is not an executable"
  exit 0
fi

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../cli/tap-lib.sh
. "$here/../cli/tap-lib.sh"
# shellcheck source=cluster-lib.sh
. "$here/cluster-lib.sh"

PAR=$(recipe parallel)
if [ $? -ne 0 ]; then
  echo "1..1"
  echo "not ok 1 - README.md holds the recipe parallel"
  exit 1
fi
# 16 shards of 256 copies, 4 jobs a host, become 3 shards of 6 copies, 2 jobs.
PAR_S=$(sized "$PAR" 's/seq 1 16 /seq 1 3 /' 's/ -j 4 / -j 2 /' 's/--copies 256 /--copies 6 /' \
  's|{}/16 |{}/3 |' 's/--verify 16 /--verify 3 /')
LEFT=$(leftover "$PAR_S" 16 256 "-j 4")

cleanup() {
  local pid
  pid=$(cat "$TMP/ssh/sshd.pid" 2>/dev/null)
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT
# A timeout's SIGTERM (meson's) or Ctrl-C still stops the daemons.
trap 'exit 143' TERM
trap 'exit 130' INT
trap 'exit 129' HUP

for c in parallel python3 timeout; do
  if ! command -v "$c" >/dev/null; then
    echo "1..0 # SKIP $c is not installed (Debian: parallel; scripts/pfm installs it)"
    exit 0
  fi
done

# GNU parallel's settings and its citation notice stay in the test's folder.
export PARALLEL_HOME=$TMP/parallel-home
mkdir -p "$PARALLEL_HOME"
touch "$PARALLEL_HOME/will-cite"

# ---- a private sshd on 127.0.0.1, when one can start --------------------------

ssh_ok=0
ssh_why=""
start_sshd() {
  local d=$TMP/ssh sshd
  [ -z "${PFM_TEST_NO_SSH:-}" ] || { ssh_why="PFM_TEST_NO_SSH is set"; return 1; }
  sshd=$(command -v sshd || echo /usr/sbin/sshd)
  [ -x "$sshd" ] && command -v ssh >/dev/null && command -v ssh-keygen >/dev/null ||
    { ssh_why="sshd, ssh or ssh-keygen is not installed (Debian: openssh-server, openssh-client)"; return 1; }
  # sshd insists on its privilege-separation folder, an empty folder its
  # service makes at boot: made here when missing, and left (another test
  # run's sshd may be using it by the time this one ends).
  if [ ! -d /run/sshd ]; then
    if mkdir -m 755 /run/sshd 2>/dev/null; then
      echo "# made /run/sshd (sshd's empty privilege-separation folder)"
    else
      ssh_why="/run/sshd is missing and cannot be made"
      return 1
    fi
  fi
  mkdir -p "$d"
  ssh-keygen -q -t ed25519 -N '' -f "$d/host_key" >/dev/null &&
    ssh-keygen -q -t ed25519 -N '' -f "$d/user_key" >/dev/null || { ssh_why="ssh-keygen failed"; return 1; }
  cp "$d/user_key.pub" "$d/authorized_keys"
  local port
  port=$(free_port)
  cat >"$d/sshd_config" <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey $d/host_key
AuthorizedKeysFile $d/authorized_keys
PidFile $d/sshd.pid
UsePAM no
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
StrictModes no
AcceptEnv *
EOF
  cat >"$d/ssh_config" <<EOF
Host 127.0.0.1
  Port $port
  User $(id -un)
  IdentityFile $d/user_key
  IdentitiesOnly yes
  BatchMode yes
  StrictHostKeyChecking no
  UserKnownHostsFile /dev/null
  GlobalKnownHostsFile /dev/null
  LogLevel ERROR
  SendEnv PFM_FFTW_WISDOM LC_ALL ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS MALLOC_CHECK_ G_DEBUG
EOF
  "$sshd" -f "$d/sshd_config" -E "$d/sshd.log" || { ssh_why="sshd did not start: $(tail -n 2 "$d/sshd.log")"; return 1; }
  wait_until 10 timeout 5 ssh -F "$d/ssh_config" 127.0.0.1 true 2>"$d/ssh.err" ||
    { ssh_why="ssh to the private sshd failed: $(tail -n 2 "$d/ssh.err" "$d/sshd.log" | tr '\n' ' ')"; return 1; }
  return 0
}
if start_sshd; then
  ssh_ok=1
  export PARALLEL_SSH="ssh -F $TMP/ssh/ssh_config"
  HOSTS="2/127.0.0.1"
  echo "# a private sshd is up on 127.0.0.1: the jobs run over ssh"
else
  HOSTS=":"
  echo "# no ssh: $ssh_why; the recipe runs on the local machine (hosts.txt holds \":\")"
fi

# ---- helpers ---------------------------------------------------------------

# workdir NAME: a fresh folder with the study and hosts.txt
workdir() {
  local w=$TMP/$1
  study_setup "$w"
  printf '%s\n' "$HOSTS" >"$w/hosts.txt"
  printf '%s\n' "$w"
}

# ---- the recipe, checked ------------------------------------------------------

[ -z "$LEFT" ]
report $? "the parallel recipe's sizes are all substituted" "left: $LEFT"
printf '%s\n' "$PAR" | grep -qx 'mkdir -p shards' && printf '%s\n' "$PAR" | grep -qF -- '--env PATH' &&
  printf '%s\n' "$PAR" | grep -qF -- '--estimate'
report $? "the parallel recipe creates shards/, hands PATH over (--env PATH) and plans with --estimate" "$PAR"

REF=$TMP/ref
study_setup "$REF"
(cd "$REF" && "$CLI" defects study.pfm --copies 6 --estimate --quiet -o ref.json) >"$TMP/ref.log" 2>&1
report $? "the unsharded reference run" "$(cat "$TMP/ref.log")"

# What --env PATH is for: a remote shell's own PATH has no pfm-cli.
if [ "$ssh_ok" -eq 1 ]; then
  if timeout 10 ssh -F "$TMP/ssh/ssh_config" 127.0.0.1 'command -v pfm-cli' >/dev/null 2>&1; then
    skip "pfm-cli is on the remote shell's own PATH here: cannot show what --env PATH is for"
  else
    W0=$(workdir noenv)
    no_env=$(sized "$PAR_S" 's/ --env PATH//')
    (cd "$W0" && timeout 60 bash -c "$no_env") >"$TMP/noenv.out" 2>"$TMP/noenv.err"
    grep -qF "pfm-cli: command not found" "$TMP/noenv.err"
    report $? "without --env PATH the jobs on the ssh host fail: \"pfm-cli: command not found\"" \
      "$(head -c 600 "$TMP/noenv.err")"
  fi
else
  skip "without --env PATH the jobs on an ssh host fail (no ssh here: $ssh_why)"
fi

# The recipe as written.
W1=$(workdir recipe)
t0=$SECONDS
(cd "$W1" && timeout 90 bash -c "$PAR_S") >"$TMP/recipe.out" 2>"$TMP/recipe.err"
report $? "the parallel recipe runs to the end ($((SECONDS - t0)) s, hosts.txt: $HOSTS)" \
  "$(head -c 800 "$TMP/recipe.err")"
cmp "$W1/study.json" "$REF/ref.json" >"$TMP/cmp1" 2>&1
report $? "the merged study.json is byte for byte the unsharded run's" "$(cat "$TMP/cmp1")"
grep -qF -- "--verify: copies" "$TMP/recipe.err" && grep -qF "the same bits" "$TMP/recipe.err"
report $? "the recipe's merge --verify recomputes copies and finds the same bits" "$(tail -n 3 "$TMP/recipe.err")"
if [ "$ssh_ok" -eq 1 ]; then
  # The joblog's Host column: every job ran on the ssh host.
  hosts=$(awk -F'\t' 'NR > 1 { print $2 }' "$W1/shards/parallel.log" | sort -u | tr '\n' ' ')
  [ "$hosts" = "127.0.0.1 " ]
  report $? "every job ran over ssh (joblog hosts: $hosts)" "$(cat "$W1/shards/parallel.log")"
else
  skip "every job ran over ssh (no ssh here: $ssh_why)"
fi

# A lost job: a pfm-cli first on PATH (the one --env PATH hands over)
# fails shard 2 once, as a lost host would.  merge names it; the same
# command with --resume-failed reruns it alone.
W2=$(workdir resume)
mkdir -p "$TMP/flaky"
cat >"$TMP/flaky/pfm-cli" <<EOF
#!/bin/bash
case " \$* " in
  *" --shard 2/3 "*)
    if [ ! -e "$TMP/flaky/failed-once" ]; then
      touch "$TMP/flaky/failed-once"
      echo "flaky pfm-cli: shard 2 lost" >&2
      exit 1
    fi ;;
esac
exec "$CLI" "\$@"
EOF
chmod +x "$TMP/flaky/pfm-cli"
(cd "$W2" && PATH=$TMP/flaky:$PATH timeout 90 bash -c "$PAR_S") >"$TMP/lost.out" 2>"$TMP/lost.err"
st=$?
[ "$st" -eq 2 ] && grep -qF "shard 2 of 3 is missing" "$TMP/lost.err"
report $? "a lost job: the recipe's merge names the missing shard (exit 2)" "exit $st" "$(head -c 600 "$TMP/lost.err")"
inodes() { ls -i "$W2/shards/shard-1.json" "$W2/shards/shard-3.json" 2>/dev/null | awk '{ print $1 }' | tr '\n' ' '; }
before=$(inodes)
resume=$(sized "$PAR_S" 's/| parallel /| parallel --resume-failed /')
(cd "$W2" && PATH=$TMP/flaky:$PATH timeout 90 bash -c "$resume") >"$TMP/resume.out" 2>"$TMP/resume.err"
report $? "the same command with --resume-failed runs to the end" "$(head -c 600 "$TMP/resume.err")"
[ "$(inodes)" = "$before" ] && [ -n "$before" ]
report $? "--resume-failed reran only the failed job (shards 1 and 3 untouched)" "inodes $before, then $(inodes)"
cmp "$W2/study.json" "$REF/ref.json" >"$TMP/cmp2" 2>&1
report $? "after the rerun, study.json is the unsharded run's, byte for byte" "$(cat "$TMP/cmp2")"

echo "# the whole test took ${SECONDS} s"
finish
