#!/usr/bin/env bash
# Runs pfm-explorer under Xvfb with --screenshot for every view and every
# teaching preset, and checks each picture is a complete window (TAP).
#   test-screenshots.sh PFM_EXPLORER CHECK_PNG_PY OUTDIR
set -u
app="$1"
check="$2"
out="$3"
mkdir -p "$out"
W=1400
H=900

# Small projects for the Sweep view's runs (64^2 samples, 200 um).
printf '[tube]\nprofile=none\nlength=0.0002\n[medium]\nkind=none\n[beam]\nwaist=8e-06\n[grid]\nn=64\ndz=1e-06\nrecord_every=1\n' \
  > "$out/sweep-small.pfm"

cases=(
  "view-scaling|--view scaling"
  "view-propagation|--view propagation"
  "view-volume|--view volume"
  "preset-paper|--preset paper"
  "preset-linear|--preset linear"
  "preset-kerr|--preset kerr"
  "preset-collapse|--preset collapse"
  "preset-grin|--preset grin"
  "view-defects|--view defects"
  "preset-variability|--preset variability"
  "view-sweep|--view sweep"
  "sweep-line|--view sweep --sweep beam.power=1000000:120000000:6 $out/sweep-small.pfm"
  "sweep-map|--view sweep --sweep beam.power=30000000:120000000:4 --sweep beam.waist=6e-06:1e-05:3 $out/sweep-small.pfm"
  "preset-self-focusing|--preset self-focusing"
)
echo "1..$(( ${#cases[@]} + 2 ))"
n=0
for c in "${cases[@]}"; do
  name="${c%%|*}"
  args="${c#*|}"
  n=$((n + 1))
  png="$out/$name.png"
  rm -f "$png"
  # shellcheck disable=SC2086
  if timeout 120 xvfb-run -a -s "-screen 0 ${W}x${H}x24" "$app" $args --size "${W}x${H}" --screenshot "$png" \
       >"$out/$name.log" 2>&1 && msg=$(python3 "$check" "$png" "$W" "$H"); then
    echo "ok $n - $name: $msg"
  else
    echo "not ok $n - $name: $(tail -n 3 "$out/$name.log" | tr '\n' ' ') ${msg:-}"
  fi
done

# Bad arguments: a clear message and a non-zero exit, no window left behind.
n=$((n + 1))
if timeout 60 xvfb-run -a "$app" --preset nonsense --screenshot "$out/bad.png" >"$out/bad.log" 2>&1; then
  echo "not ok $n - an unknown preset must fail"
else
  grep -q "unknown preset" "$out/bad.log" && echo "ok $n - unknown preset refused: $(grep -m1 'unknown preset' "$out/bad.log")" \
    || echo "not ok $n - unknown preset: no clear message"
fi
n=$((n + 1))
printf '[optics]\nwavelength=-1\n' > "$out/bad.pfm"
if timeout 60 xvfb-run -a "$app" "$out/bad.pfm" --screenshot "$out/bad2.png" >"$out/bad2.log" 2>&1; then
  echo "not ok $n - a bad project file must fail"
else
  grep -q "optics.wavelength" "$out/bad2.log" && echo "ok $n - bad project refused: $(grep -m1 'wavelength' "$out/bad2.log")" \
    || echo "not ok $n - bad project: no clear message"
fi
