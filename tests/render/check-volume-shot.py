#!/usr/bin/env python3
"""Checks that a screenshot of the Volume view shows the 3D rendering: a
large dark viewport (the GL area's clear colour) with the light in it.

usage: check-volume-shot.py CHECK_PNG_PY FILE.png
CHECK_PNG_PY is tests/app/check-png.py, whose PNG reader this reuses.
"""
import importlib.util
import sys


def main():
    spec = importlib.util.spec_from_file_location("check_png", sys.argv[1])
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    w, h, bpp, rows = mod.read_png(sys.argv[2])
    # The renderer clears to (0.055, 0.058, 0.07) = (14, 15, 18).
    viewport = warm = total = 0
    for y in range(0, h, 2):
        row = rows[y]
        for x in range(0, w, 2):
            r, g, b = row[x * bpp], row[x * bpp + 1], row[x * bpp + 2]
            total += 1
            if abs(r - 14) <= 3 and abs(g - 15) <= 3 and abs(b - 18) <= 3:
                viewport += 1
            elif r > 150 and r > b + 60:
                warm += 1
    ok = viewport / total >= 0.12 and warm / total >= 0.005
    print(f"{sys.argv[2]}: 3D viewport {100 * viewport / total:.1f}% of the window, "
          f"light {100 * warm / total:.2f}%" + ("" if ok else "  <- no rendered volume"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
