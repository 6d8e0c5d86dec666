#!/usr/bin/env python3
# The plot and the table of the self-focusing study (scripts/self-focusing-study.sh):
# reads OUT-DIR/*.csv written by `pfm-cli sweep`, writes OUT-DIR/self-focusing.svg
# (hand-written SVG: no plotting library needed) and OUT-DIR/table.md.
#
#   python3 scripts/self-focusing-plot.py OUT-DIR
import csv
import math
import os
import sys

out = sys.argv[1] if len(sys.argv) > 1 else "docs/self-focusing"
PCR = 3.77 * 1.55e-6 ** 2 / (8 * math.pi * 1.5 * 1e-20)


def rows(name):
    with open(os.path.join(out, name + ".csv"), newline="") as f:
        return list(csv.DictReader(f))


def num(r, key):
    v = r.get(key, "")
    return float(v) if v not in ("", None) else None


def pratio(r):
    return round(num(r, "p_over_pcr") or float(r["beam.power"]) / PCR)


def voxel_um(r):
    v = r.get("medium.voxel", "auto")
    return 1.55 / 1.5 if v == "auto" else float(v) * 1e6


def why(r):
    if r["status"] == "completed":
        return "completed 2 mm"
    reason = r["stop_reason"]
    if "spectrum" in reason:
        return "stopped: spectrum at grid edge"
    if "phase per step" in reason:
        return "stopped: collapse (phase/step)"
    return "stopped"


def mm(v):
    return "-" if v is None else "%.3f" % (v * 1e3)


# ---- the table --------------------------------------------------------------
# name, title, the keys the sweep set with --set (not in its columns)
tables = [
    ("delta_n", "voxel 1.03 um (lambda/n0), seed 1", {}),
    ("delta_n-vox4", "voxel 4 um, seed 1", {"medium.voxel": "4e-6"}),
    ("voxel", "delta_n = 5e-3, seed 1", {"medium.delta_n": "5e-3"}),
    ("seeds", "delta_n = 5e-3, 2 P_cr, four random media", {"medium.delta_n": "5e-3"}),
    ("resolution", "grid.n = 512 (0.25 um samples), 2 P_cr", {}),
]
md = []
for name, title, fixed in tables:
    md.append("**%s** (`%s.csv`)\n" % (title, name))
    md.append("| delta_n | voxel (um) | seed | P0/P_cr | z_peak10 (mm) | z_peak10 / z_c | stop z (mm) | how it ended | peak max / input | power out |")
    md.append("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows(name):
        r = dict(fixed, **r)
        z10, zc = num(r, "z_peak10"), num(r, "z_marburger")
        dn = r.get("medium.delta_n", "5e-3")
        seed = r.get("medium.seed", "1")
        md.append("| %s | %.2f | %s | %d | %s | %s | %s | %s | %.1f | %.1f%% |" % (
            dn, voxel_um(r), seed, pratio(r), mm(z10),
            "-" if z10 is None or zc is None else "%.3f" % (z10 / zc),
            mm(num(r, "stop_z")), why(r), num(r, "peak_max") / num(r, "peak_input"),
            100 * num(r, "power_ratio")))
    md.append("")
with open(os.path.join(out, "table.md"), "w") as f:
    f.write("\n".join(md))

# ---- the plot ---------------------------------------------------------------
W, H = 980, 470
svg = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" '
       'font-family="DejaVu Sans, Arial, sans-serif" font-size="12">' % (W, H, W, H),
       '<rect width="100%" height="100%" fill="white"/>']
YMAX = 2.3   # mm
BLUE, RED, GREY = "#1f5fbf", "#c0392b", "#888888"


def panel(x0, y0, w, h, cats, title, xlabel, end_label):
    sx = lambda i: x0 + w * (i + 0.5) / len(cats)
    sy = lambda z: y0 + h - h * z / YMAX
    svg.append('<rect x="%g" y="%g" width="%g" height="%g" fill="none" stroke="black"/>' % (x0, y0, w, h))
    svg.append('<text x="%g" y="%g" text-anchor="middle" font-size="14">%s</text>' % (x0 + w / 2, y0 - 10, title))
    for z in (0, 0.5, 1.0, 1.5, 2.0):
        svg.append('<line x1="%g" y1="%g" x2="%g" y2="%g" stroke="#ddd"/>' % (x0, sy(z), x0 + w, sy(z)))
        svg.append('<text x="%g" y="%g" text-anchor="end">%.1f</text>' % (x0 - 6, sy(z) + 4, z))
    svg.append('<line x1="%g" y1="%g" x2="%g" y2="%g" stroke="black" stroke-dasharray="2,3"/>' % (x0, sy(2.0), x0 + w, sy(2.0)))
    svg.append('<text x="%g" y="%g" font-size="10" fill="#444">%s</text>' % (x0 + 4, sy(2.0) - 4, end_label))
    for i, c in enumerate(cats):
        svg.append('<text x="%g" y="%g" text-anchor="middle">%s</text>' % (sx(i), y0 + h + 16, c))
    svg.append('<text x="%g" y="%g" text-anchor="middle">%s</text>' % (x0 + w / 2, y0 + h + 34, xlabel))
    svg.append('<text x="%g" y="%g" text-anchor="middle" transform="rotate(-90 %g %g)">z where the peak first reaches 10x its input (mm)</text>'
               % (x0 - 38, y0 + h / 2, x0 - 38, y0 + h / 2))
    for zc, col, lab in ((0.8229, BLUE, "Marburger z_c, 2 P_cr"), (0.3920, RED, "Marburger z_c, 4 P_cr")):
        svg.append('<line x1="%g" y1="%g" x2="%g" y2="%g" stroke="%s" stroke-dasharray="6,4"/>' % (x0, sy(zc), x0 + w, sy(zc), col))
        svg.append('<text x="%g" y="%g" text-anchor="end" font-size="10" fill="%s">%s</text>' % (x0 + w - 4, sy(zc) - 4, col, lab))
    return sx, sy


def marker(x, y, shape, col, hollow=False, size=5):
    fill = "white" if hollow else col
    if shape == "circle":
        svg.append('<circle cx="%g" cy="%g" r="%g" fill="%s" stroke="%s" stroke-width="1.5"/>' % (x, y, size, fill, col))
    else:
        svg.append('<rect x="%g" y="%g" width="%g" height="%g" fill="%s" stroke="%s" stroke-width="1.5"/>' % (x - size, y - size, 2 * size, 2 * size, fill, col))


def place(r, sx, sy, i, dx, shape, col, size=5):
    """z_peak10 when reached; above the sample when the run completed
    without it; hollow at the stop z when it stopped under-resolved first."""
    z10 = num(r, "z_peak10")
    if z10 is not None:
        marker(sx(i) + dx, sy(z10 * 1e3), shape, col, size=size)
    elif r["status"] == "completed":
        marker(sx(i) + dx, sy(2.15), shape, col, size=size)
    else:
        marker(sx(i) + dx, sy(num(r, "stop_z") * 1e3), shape, col, hollow=True, size=size)


# Left: delta_n, at two voxel sizes.
cats = ["0", "5e-4", "1e-3", "2e-3", "3e-3", "5e-3", "1e-2", "2e-2"]
sx, sy = panel(70, 40, 520, 340, cats, "Voxel contrast (2 mm sample, w0 = 20 um, seed 1)", "medium.delta_n",
               "end of the 2 mm sample; markers above: no 10x within it")
for name, shape in (("delta_n", "circle"), ("delta_n-vox4", "square")):
    for r in rows(name):
        i = [float(c) for c in cats].index(float(r["medium.delta_n"]))
        p = pratio(r)
        dx = (-6 if p == 2 else 6) + (-14 if shape == "circle" else 14)
        place(r, sx, sy, i, dx, shape, BLUE if p == 2 else RED)
        # These runs complete on grid.n = 256 but stop under-resolved within
        # 20 um on grid.n = 512 (resolution.csv): not converged.
        if shape == "square" and float(r["medium.delta_n"]) == 1e-2:
            z10 = num(r, "z_peak10")
            y = sy(z10 * 1e3) if z10 is not None else sy(2.15)
            svg.append('<text x="%g" y="%g" font-size="13" fill="#444">?</text>' % (sx(i) + dx + 7, y + 4))

# Right: voxel size at delta_n = 5e-3, seed 1 at 2 and 4 P_cr, seeds 2-4 at 2 P_cr.
vcats = ["1.03", "2", "4", "8"]
sx2, sy2 = panel(680, 40, 280, 340, vcats, "Voxel size (delta_n = 5e-3)", "medium.voxel (um)",
                  "2 mm; above: no 10x")
def vindex(r):
    v = [1.03, 2.0, 4.0, 8.0]
    return min(range(len(v)), key=lambda i: abs(math.log(v[i] / voxel_um(r))))
for r in rows("voxel"):
    p = pratio(r)
    place(r, sx2, sy2, vindex(r), -8 if p == 2 else 8, "circle", BLUE if p == 2 else RED)
for r in rows("seeds"):
    if r["medium.seed"] != "1":
        place(r, sx2, sy2, vindex(r), -8 + 5 * (int(r["medium.seed"]) - 1), "circle", GREY, size=3.5)

# Legend.
ly = 430
items = [("circle", BLUE, False, "2 P_cr, voxel 1.03 um"), ("circle", RED, False, "4 P_cr, voxel 1.03 um"),
         ("square", BLUE, False, "2 P_cr, voxel 4 um"), ("square", RED, False, "4 P_cr, voxel 4 um"),
         ("circle", GREY, False, "2 P_cr, seeds 2-4 (right)"),
         ("circle", BLUE, True, "hollow: stopped under-resolved (scattering past the grid), at its stop z")]
x = 70
for shape, col, hollow, lab in items[:5]:
    marker(x, ly, shape, col, hollow)
    svg.append('<text x="%g" y="%g">%s</text>' % (x + 10, ly + 4, lab))
    x += 175
marker(70, ly + 22, "circle", BLUE, True)
svg.append('<text x="80" y="%g">%s</text>' % (ly + 26, items[5][3]))
svg.append('<text x="530" y="%g">?: at 2 P_cr on grid.n = 512 it stops within 20 um: not converged</text>' % (ly + 26))
svg.append("</svg>")
with open(os.path.join(out, "self-focusing.svg"), "w") as f:
    f.write("\n".join(svg) + "\n")
print("wrote %s/self-focusing.svg and %s/table.md" % (out, out))
