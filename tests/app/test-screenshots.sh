#!/usr/bin/env bash
# Runs pfm-explorer under Xvfb with --screenshot for every view and every
# teaching preset, and checks each picture is a complete window (TAP).
#   test-screenshots.sh PFM_EXPLORER CHECK_PNG_PY OUTDIR PFM_CLI
# The Training view is shot before, during (paused after an epoch) and
# after a short training of a small project, and the trained glass in the
# Propagation and Volume views; the accuracy the view saved must be what
# `pfm-cli evaluate` gives on the trained project it saved.
set -u
# A private X server per run (tests/pfm-xvfb.sh: no race for a display number).
PFM_XVFB="$(cd "$(dirname "$0")/.." && pwd)/pfm-xvfb.sh"
app="$1"
check="$2"
out="$3"
cli="$4"
mkdir -p "$out"
W=1400
H=900
small="$out/train-small.pfm"
cat > "$small" <<'EOF_PFM'
[optics]
n2=1e-20
[tube]
side=1.6e-05
length=0.0002
[medium]
delta_n=0.005
voxel=1e-06
[beam]
kind=slm
power=1
slm_pixels=64
[detector]
regions=10
[grid]
n=64
window=3.2e-05
dz=1e-06
record_every=10
[train]
dataset=digits
max_examples=300
epochs=2
lr=0.15
[defects]
sigma=0.5
EOF_PFM
rm -f "$out/trained.pfm" "$out/trained.json"

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
  "view-training|--view training"
  "preset-train|--preset train"
  "training-during|--view training --train --pause-after-epoch 1 $small"
  "training-after|--view training --train --fabricate 4 --save-trained $out/trained.pfm $small"
  "training-propagation|--view propagation --train --use-trained $small"
  "training-volume|--view volume --train --use-trained $small"
  "view-sweep|--view sweep"
  "sweep-line|--view sweep --sweep beam.power=1000000:120000000:6 $out/sweep-small.pfm"
  "sweep-map|--view sweep --sweep beam.power=30000000:120000000:4 --sweep beam.waist=6e-06:1e-05:3 $out/sweep-small.pfm"
  "preset-self-focusing|--preset self-focusing"
)
# Training needs scikit-learn's digits (Debian's python3-sklearn).
have_digits=1
"$cli" evaluate "$small" --threads 1 >/dev/null 2>"$out/digits-check.log" || have_digits=0
echo "1..$(( ${#cases[@]} + 3 ))"
n=0
for c in "${cases[@]}"; do
  name="${c%%|*}"
  args="${c#*|}"
  n=$((n + 1))
  if [ "$have_digits" = 0 ] && [[ "$args" == *--train* ]]; then
    echo "ok $n - $name # SKIP no digits dataset: $(head -n 1 "$out/digits-check.log")"
    continue
  fi
  png="$out/$name.png"
  rm -f "$png"
  # shellcheck disable=SC2086
  if timeout 120 "$PFM_XVFB" -s "${W}x${H}" "$app" $args --size "${W}x${H}" --screenshot "$png" \
       >"$out/$name.log" 2>&1 && msg=$(python3 "$check" "$png" "$W" "$H"); then
    echo "ok $n - $name: $msg"
  else
    echo "not ok $n - $name: $(tail -n 3 "$out/$name.log" | tr '\n' ' ') ${msg:-}"
  fi
done

# The accuracy the view showed (saved with its evaluation) is pfm-cli
# evaluate's, and so are the baselines and the fabricated copies.
n=$((n + 1))
if [ "$have_digits" = 0 ]; then
  echo "ok $n - view accuracy = pfm-cli evaluate # SKIP no digits dataset"
elif "$cli" evaluate "$out/trained.pfm" --baselines --copies 4 --threads 1 -o "$out/cli-evaluate.json" 2>"$out/cli-evaluate.log" &&
     msg=$(python3 - "$out/trained.json" "$out/cli-evaluate.json" <<'EOF_PY'
import json, sys
view, cli = (json.load(open(p)) for p in sys.argv[1:3])
for key in ("accuracy", "examples", "confusion", "copies", "mean", "min", "mean_calibrated", "min_calibrated"):
    if view.get(key) != cli.get(key):
        print("%s: view %s, pfm-cli %s" % (key, view.get(key), cli.get(key))); sys.exit(1)
if view.get("baselines") != cli.get("baselines"):
    print("baselines: view %s, pfm-cli %s" % (view["baselines"], cli["baselines"])); sys.exit(1)
if len(view.get("copies", [])) != 4:
    print("expected the 4 fabricated copies in the view's evaluation"); sys.exit(1)
print("accuracy %.4f on %d examples; baselines and the 4 copies (mean %.4f, calibrated %.4f) equal"
      % (view["accuracy"], view["examples"], view["mean"], view["mean_calibrated"]))
EOF_PY
); then
  echo "ok $n - view accuracy = pfm-cli evaluate: $msg"
else
  echo "not ok $n - view accuracy = pfm-cli evaluate: ${msg:-} $(tail -c 300 "$out/cli-evaluate.log" | tr '\n\r' '  ')"
fi

# Bad arguments: a clear message and a non-zero exit, no window left behind.
n=$((n + 1))
if timeout 60 "$PFM_XVFB" "$app" --preset nonsense --screenshot "$out/bad.png" >"$out/bad.log" 2>&1; then
  echo "not ok $n - an unknown preset must fail"
else
  grep -q "unknown preset" "$out/bad.log" && echo "ok $n - unknown preset refused: $(grep -m1 'unknown preset' "$out/bad.log")" \
    || echo "not ok $n - unknown preset: no clear message"
fi
n=$((n + 1))
printf '[optics]\nwavelength=-1\n' > "$out/bad.pfm"
if timeout 60 "$PFM_XVFB" "$app" "$out/bad.pfm" --screenshot "$out/bad2.png" >"$out/bad2.log" 2>&1; then
  echo "not ok $n - a bad project file must fail"
else
  grep -q "optics.wavelength" "$out/bad2.log" && echo "ok $n - bad project refused: $(grep -m1 'wavelength' "$out/bad2.log")" \
    || echo "not ok $n - bad project: no clear message"
fi
