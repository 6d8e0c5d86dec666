#!/usr/bin/env bash
# The Sweep view against pfm-cli sweep (TAP): the JSON the app exports for
# a project and a spec is byte for byte what `pfm-cli sweep --estimate`
# writes for them (the view runs FFTW's estimated plans on one thread, the
# same bits), for one key and for two; a value out of a key's range is
# refused before any run, with the accepted range.  The specs are written
# as the view writes them from its fields (SI values, %.12g), since the
# JSON records the spec's text.
#   test-app-sweep.sh PFM_EXPLORER PFM_CLI OUTDIR
set -u
# A private X server per run (tests/pfm-xvfb.sh: no race for a display number).
PFM_XVFB="$(cd "$(dirname "$0")/.." && pwd)/pfm-xvfb.sh"
app="$1"
cli="$2"
out="$3"
mkdir -p "$out"
# A small project: 64^2 samples, 200 um of homogeneous glass, a few hundred steps.
cat > "$out/small.pfm" <<'PFM'
[tube]
profile=none
length=0.0002
[medium]
kind=none
[beam]
waist=8e-06
[grid]
n=64
dz=1e-06
record_every=1
PFM

run_app() {
  timeout 120 "$PFM_XVFB" -s "1200x800" "$app" --view sweep --size 1200x800 "$@"
}

echo "1..3"
n=0
for c in "one|beam.power=30000000:120000000:4" \
         "two|beam.power=1000000:100000000:3:log beam.waist=6e-06:1e-05:2"; do
  name="${c%%|*}"
  specs="${c#*|}"
  n=$((n + 1))
  app_args=()
  cli_args=()
  for s in $specs; do
    app_args+=(--sweep "$s")
    cli_args+=(--vary "$s")
  done
  rm -f "$out/$name-app.json" "$out/$name-cli.json"
  if ! run_app "${app_args[@]}" --sweep-json "$out/$name-app.json" --screenshot "$out/$name.png" \
       "$out/small.pfm" >"$out/$name-app.log" 2>&1; then
    echo "not ok $n - $name key(s): the app failed: $(tail -n 2 "$out/$name-app.log" | tr '\n' ' ')"
  elif ! "$cli" sweep "$out/small.pfm" "${cli_args[@]}" --estimate --quiet -o "$out/$name-cli.json" \
       >"$out/$name-cli.log" 2>&1; then
    echo "not ok $n - $name key(s): pfm-cli failed: $(tail -n 2 "$out/$name-cli.log" | tr '\n' ' ')"
  elif cmp -s "$out/$name-app.json" "$out/$name-cli.json"; then
    echo "ok $n - $name key(s): the app's JSON is pfm-cli sweep's ($(wc -c < "$out/$name-app.json") bytes)"
  else
    echo "not ok $n - $name key(s): the JSON differs: $(diff "$out/$name-app.json" "$out/$name-cli.json" | head -n 4 | tr '\n' ' ')"
  fi
done

n=$((n + 1))
if run_app --sweep medium.delta_n=0:0.7:3 --screenshot "$out/bad.png" "$out/small.pfm" >"$out/bad.log" 2>&1; then
  echo "not ok $n - delta_n up to 0.7 must be refused"
elif grep -q "out of range" "$out/bad.log" && grep -q "accepted 0 to 0.5" "$out/bad.log" && [ ! -e "$out/bad.png" ]; then
  echo "ok $n - out of range refused: $(grep -m1 'out of range' "$out/bad.log")"
else
  echo "not ok $n - out of range: no clear message: $(tail -n 2 "$out/bad.log" | tr '\n' ' ')"
fi
