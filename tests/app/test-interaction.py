#!/usr/bin/python3
# test-interaction.py - the app driven as a user drives it (TAP): started
# for real under Xvfb, every widget found by its accessible name, every
# action a mouse click or a key press (xdotool).
#
#   test-interaction.py PFM_EXPLORER OUTDIR      (under dbus-run-session)
#
# Copyright 2026 The PFM Explorer developers
# SPDX-License-Identifier: GPL-3.0-or-later
import csv
import json
import math
import os
import re
import sys
import traceback
import xml.etree.ElementTree as ET
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pfmdrive import DriveError, role, name  # noqa: E402
from pfmsession import (Session, report, plan, tail, tools_missing, png_ok, pdf_ok, svg_ok,  # noqa: E402
                        on_screen, open_view, check_names, save_via_menu, wait_run_done)
import pfmsession  # noqa: E402

APP, OUT = sys.argv[1], sys.argv[2]
pfmsession.start(OUT)


# ---- file checks -------------------------------------------------------------

def data_ok(csv_path, json_path):
    """Both parse and hold the same numbers: the series' (x, y) pairs, or
    the image's values, in the same order (an empty CSV cell is a JSON null)."""
    with open(csv_path, newline="") as f:
        rows = list(csv.reader(f))
    with open(json_path) as f:
        doc = json.load(f)
    num = lambda c: None if c == "" else float(c)
    if rows and rows[0] == ["x_index", "y_index", "value"]:
        from_csv = [num(r[2]) for r in rows[1:]]
        from_json = doc.get("image", {}).get("values", [])
    else:
        from_csv = [num(c) for r in rows[1:] for c in r[1:3]]
        from_json = [v for se in doc.get("series", []) for pair in zip(se["x"], se["y"]) for v in pair]
    finite = all(v is None or math.isfinite(v) for v in from_csv + from_json)
    same = len(from_csv) == len(from_json) and all(
        a == b or (a is not None and b is not None and abs(a - b) <= 1e-12 * max(abs(a), abs(b)))
        for a, b in zip(from_csv, from_json))
    return finite and same and len(from_csv) > 0, f"{len(from_csv)} CSV numbers, {len(from_json)} JSON numbers, same: {same}"


# ---- cases -------------------------------------------------------------------

VIEW_CLASS = {"Scaling": "PfmScalingView", "Propagation": "PfmPropagationView",
              "Volume": "PfmVolumeView", "Defects": "PfmDefectsView"}


def export_plots(s, view, settle=None):
    open_view(s, view)
    if settle:
        settle()
    plots = [p for p in on_screen(s, view, VIEW_CLASS) if role(p) == "image" and name(p) and not name(p).startswith("Gtk")
             and s.app.screen_rect(p)[2] >= 200]
    safe = lambda t: re.sub(r"[^A-Za-z0-9]+", "-", t).strip("-")[:40]
    for p in plots:
        title = name(p)
        base = os.path.join(OUT, f"{safe(view)}-{safe(title)}")
        for ext, check in ((".png", png_ok), (".svg", svg_ok), (".pdf", lambda path: pdf_ok(path, OUT))):
            path = base + ext
            try:
                saved = save_via_menu(s, p, "Save Figure…", "Save Figure", path)
                if not saved:
                    s.shot(f"failed-{safe(view)}-{safe(title)}{ext}")
                ok, why = check(path) if saved else (False, "no file was written")
            except (DriveError, OSError, ET.ParseError, zlib.error) as e:
                ok, why = False, e
            report(ok, f"{view}: \"{title}\" Save Figure as {ext[1:].upper()} through the file dialog", why)
        paths = {}
        for ext in (".csv", ".json"):
            paths[ext] = base + ext
            try:
                saved = save_via_menu(s, p, "Save Data…", "Save Data", paths[ext])
            except DriveError as e:
                saved = False
                print(f"# {e}")
            if not saved:
                break
        try:
            ok, why = data_ok(paths[".csv"], paths[".json"]) if saved else (False, "no file was written")
        except (OSError, ValueError) as e:
            ok, why = False, e
        report(ok, f"{view}: \"{title}\" Save Data as CSV and JSON: both parse and agree", why)
    return len(plots)


def main():
    if tools_missing():
        return 0
    try:
        s = Session(APP, OUT, args=("--size", "1600x1000"))
    except DriveError as e:
        report(False, "the app starts and shows its window on the accessibility bus", e,
               *tail(os.path.join(OUT, "app-stderr.log")))
        return plan()
    try:
        s.shot("start")
        for view in ("Scaling", "Propagation", "Volume", "Defects"):
            open_view(s, view)
            if view == "Propagation":
                wait_run_done(s)
            check_names(s, view, VIEW_CLASS)
        n = export_plots(s, "Scaling")
        report(n == 3, f"Scaling: the three plots were found ({n})")
        n = export_plots(s, "Propagation", settle=lambda: wait_run_done(s))
        report(n == 8, f"Propagation: the eight plots were found ({n})")
        s.shot("after-exports")
    except Exception:   # a step that could not go on: a failure that says where
        report(False, "the session ran to its end", traceback.format_exc(),
               *tail(s.log_path))
    finally:
        problems = s.stderr_problems()
        s.close()
    report(not problems, "the app's stderr has no CRITICAL or WARNING line", *problems[:8])
    return plan()


if __name__ == "__main__":
    sys.exit(main())
