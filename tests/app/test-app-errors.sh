#!/usr/bin/env bash
# The app under Xvfb when things go wrong (TAP):
#  - with --screenshot, a run that cannot start (a missing index map, a grid
#    over the memory budget) ends the app within seconds, with the reason on
#    stderr and a non-zero exit, for every view that waits for a run;
#  - with --screenshot, a damaged project is refused the same way;
#  - without it (a double-click in Files), a damaged project opens an
#    untitled window with a dialog naming the file, and the file is kept.
# No case may print a GLib CRITICAL or WARNING.
#   test-app-errors.sh PFM_EXPLORER OUTDIR
set -u
# A private X server per run (tests/pfm-xvfb.sh: no race for a display number).
PFM_XVFB="$(cd "$(dirname "$0")/.." && pwd)/pfm-xvfb.sh"

# Inside Xvfb: the app in normal mode, watched with xdotool.
#   test-app-errors.sh --watch PFM_EXPLORER PROJECT LOG
if [ "${1:-}" = "--watch" ]; then
  app="$2" project="$3" log="$4"
  "$app" --size 1200x800 "$project" >"$log" 2>&1 &
  pid=$!
  found=""
  for _ in $(seq 1 120); do
    found=$(xdotool search --name "Could not open" getwindowname %@ 2>/dev/null) && [ -n "$found" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  echo "dialog: ${found}"
  echo "windows: $(xdotool search --name "PFM Explorer" getwindowname %@ 2>/dev/null | tr '\n' '|')"
  if kill -0 "$pid" 2>/dev/null; then
    echo "running: yes"
    kill "$pid"
  else
    echo "running: no"
  fi
  wait "$pid" 2>/dev/null
  exit 0
fi

app="$1"
out="$2"
mkdir -p "$out"
W=1200
H=800
# The app's own stderr only: a private session bus (so GTK has one to
# find), no accessibility bus.
export GTK_A11Y=none
dbus=()
command -v dbus-run-session >/dev/null && dbus=(dbus-run-session --)

# run_app LOG SECONDS ARGS...: the app's exit status, or 124 on a timeout.
run_app() {
  local log="$1" secs="$2"
  shift 2
  # shellcheck disable=SC2016 # the inner shell expands them
  timeout "$secs" "${dbus[@]}" "$PFM_XVFB" -s "${W}x${H}" \
    bash -c 'log="$1"; shift; exec "$@" >"$log" 2>&1' sh "$log" "$app" "$@" 2>/dev/null
}

# A GLib warning from the app, if any (not the session bus a bare Xvfb lacks).
glib_warnings() {
  grep -E "CRITICAL|WARNING" "$1" | grep -v "Unable to acquire session bus" | head -n 2 | tr '\n' ' '
}

printf '[medium]\nkind=file\nfile=no-such-map.idx\n' >"$out/missingmap.pfm"
printf '# too large for the memory budget\n[grid]\nn=16384\n' >"$out/hugegrid.pfm"
printf '# a project cut short\n[optics\nwavelength=1.55e-06\n' >"$out/damaged.pfm"
cp "$out/damaged.pfm" "$out/damaged.pfm.orig"

cases=(
  "missingmap.pfm|propagation|no-such-map.idx"
  "missingmap.pfm|volume|no-such-map.idx"
  "missingmap.pfm|defects|no-such-map.idx"
  "hugegrid.pfm|propagation|memory budget"
  "hugegrid.pfm|volume|memory budget"
  "damaged.pfm|propagation|damaged.pfm: project file is not a valid key file"
)
echo "1..$(( ${#cases[@]} + 1 ))"
n=0
for c in "${cases[@]}"; do
  IFS='|' read -r project view expect <<<"$c"
  n=$((n + 1))
  name="${project%.pfm}-$view"
  png="$out/$name.png"
  log="$out/$name.log"
  rm -f "$png" "$log"
  start=$(date +%s)
  run_app "$log" 30 --view "$view" --screenshot "$png" "$out/$project"
  rc=$?
  secs=$(( $(date +%s) - start ))
  warn=$(glib_warnings "$log")
  if [ "$rc" = 124 ]; then
    echo "not ok $n - $name: still running after ${secs} s (no file, no message)"
  elif [ "$rc" = 0 ]; then
    echo "not ok $n - $name: exit 0 for a run that cannot start"
  elif ! grep -qF "$expect" "$log"; then
    echo "not ok $n - $name: exit $rc but stderr does not name the cause ($expect): $(tr '\n' ' ' <"$log")"
  elif [ -e "$png" ]; then
    echo "not ok $n - $name: exit $rc but a screenshot was written"
  elif [ -n "$warn" ]; then
    echo "not ok $n - $name: $warn"
  else
    echo "ok $n - $name: exit $rc after ${secs} s: $(grep -m1 -F "$expect" "$log")"
  fi
done

# Normal mode: the window opens and shows the error.
n=$((n + 1))
if ! command -v xdotool >/dev/null; then
  echo "ok $n - damaged project in normal mode # SKIP xdotool not installed"
  exit 0
fi
log="$out/damaged-normal.log"
rm -f "$log"
report=$(timeout 60 "${dbus[@]}" "$PFM_XVFB" -s "${W}x${H}" \
           bash "$0" --watch "$app" "$out/damaged.pfm" "$log" 2>/dev/null)
warn=$(glib_warnings "$log")
# shellcheck disable=SC1111 # the dialog's own quotation marks
want_dialog="Could not open “damaged.pfm”"
if ! grep -q "^running: yes" <<<"$report"; then
  echo "not ok $n - damaged project in normal mode: the app did not stay open: $(tr '\n' ' ' <"$log")"
elif ! grep -qF "dialog: $want_dialog" <<<"$report"; then
  echo "not ok $n - damaged project in normal mode: no dialog naming the file: $(tr '\n' ' ' <<<"$report")"
elif ! grep -qF "Untitled project — PFM Explorer" <<<"$report"; then
  echo "not ok $n - damaged project in normal mode: the window is not an untitled project: $(tr '\n' ' ' <<<"$report")"
elif ! cmp -s "$out/damaged.pfm" "$out/damaged.pfm.orig"; then
  echo "not ok $n - damaged project in normal mode: the file was changed"
elif [ -n "$warn" ]; then
  echo "not ok $n - damaged project in normal mode: $warn"
else
  echo "ok $n - damaged project in normal mode: $(grep '^dialog' <<<"$report"), the window untitled, the file kept"
fi
