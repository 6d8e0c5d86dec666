#!/usr/bin/env bash
# pfm-explorer --view volume --screenshot under Xvfb (TAP): with GL the
# picture holds the rendered volume; with GL switched off the view says
# why and the app still writes its window with the slice views.
#   test-app-volume.sh PFM_EXPLORER CHECK_PNG_PY CHECK_VOLUME_PY OUTDIR
set -u
# A private X server per run (tests/pfm-xvfb.sh: no race for a display number).
PFM_XVFB="$(cd "$(dirname "$0")/.." && pwd)/pfm-xvfb.sh"
app="$1"
check="$2"
check_volume="$3"
out="$4"
mkdir -p "$out"
W=1400
H=900
echo "1..2"

png="$out/volume-gl.png"
rm -f "$png"
if timeout 240 "$PFM_XVFB" -s "${W}x${H}" "$app" --view volume --size "${W}x${H}" --screenshot "$png" \
     >"$out/volume-gl.log" 2>&1 && msg=$(python3 "$check_volume" "$check" "$png"); then
  echo "ok 1 - volume view with GL: $msg"
else
  echo "not ok 1 - volume view with GL: $(tail -n 3 "$out/volume-gl.log" | tr '\n' ' ') ${msg:-}"
fi

png="$out/volume-nogl.png"
rm -f "$png"
msg=""
if GDK_DEBUG=gl-disable timeout 240 "$PFM_XVFB" -s "${W}x${H}" "$app" --view volume --size "${W}x${H}" \
     --screenshot "$png" >"$out/volume-nogl.log" 2>&1 && msg=$(python3 "$check" "$png" "$W" "$H") \
   && grep -q "3D view unavailable" "$out/volume-nogl.log"; then
  echo "ok 2 - volume view without GL falls back to slices: $msg; $(grep -m1 '3D view unavailable' "$out/volume-nogl.log" | sed 's/^.*3D view/3D view/')"
else
  echo "not ok 2 - volume view without GL: $(tail -n 3 "$out/volume-nogl.log" | tr '\n' ' ') ${msg:-}"
fi
