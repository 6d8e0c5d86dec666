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
import shutil
import subprocess
import sys
import time
import traceback
import xml.etree.ElementTree as ET
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pfmdrive  # noqa: E402
from pfmdrive import App, DriveError, CONTROL_ROLES, name, role  # noqa: E402

APP, OUT = sys.argv[1], sys.argv[2]
if os.environ.get("PFM_TAP_FD"):   # test-interaction.sh: TAP on its own descriptor
    sys.stdout = os.fdopen(int(os.environ["PFM_TAP_FD"]), "w", buffering=1)
# A fresh folder: a name that exists would (rightly) make the file dialog
# ask whether to replace it.
shutil.rmtree(OUT, ignore_errors=True)
os.makedirs(OUT)
n_tests = 0
n_failed = 0


def report(ok, desc, *diag):
    global n_tests, n_failed
    n_tests += 1
    if not ok:
        n_failed += 1
    print(f"{'ok' if ok else 'not ok'} {n_tests} - {desc}")
    for d in diag:
        for line in str(d).splitlines():
            print(f"# {line}")
    sys.stdout.flush()


# ---- the virtual screen and the app -------------------------------------

class Session:
    def __init__(self, size="1600x1000", args=(), env=None):
        self.fbdir = os.path.join(OUT, "fb")
        shutil.rmtree(self.fbdir, ignore_errors=True)
        os.makedirs(self.fbdir)
        # A display of our own: the first number from 150 without a lock.
        # -noreset: the server would otherwise reset when the readiness
        # probe below disconnects, and refuse the app for a moment.
        display = next(n for n in range(150, 400) if not os.path.exists(f"/tmp/.X{n}-lock"))
        self.xvfb = subprocess.Popen(["Xvfb", f":{display}", "-screen", "0", f"{size}x24",
                                      "-fbdir", self.fbdir, "-nolisten", "tcp", "-noreset"],
                                     stdout=subprocess.DEVNULL,
                                     stderr=open(os.path.join(OUT, "xvfb.log"), "w"))
        os.environ["DISPLAY"] = f":{display}"
        for _ in range(100):   # until the server takes clients
            if subprocess.run(["xdotool", "getdisplaygeometry"], capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
        self.log_path = os.path.join(OUT, "app-stderr.log")
        self.log = open(self.log_path, "w")
        e = dict(os.environ)
        if os.environ.get("PFM_APP_PRELOAD"):
            e["LD_PRELOAD"] = os.environ["PFM_APP_PRELOAD"]
        e.update(env or {})
        self.proc = subprocess.Popen([APP, *args], stdout=self.log, stderr=self.log, env=e)
        try:
            self.app = App(self.proc.pid)
        except DriveError:
            self.close()
            raise

    def shot(self, label):
        path = os.path.join(OUT, f"{label}.png")
        pfmdrive.screenshot(self.fbdir, path)
        return path

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.log.close()
        self.xvfb.terminate()
        self.xvfb.wait()

    def stderr_problems(self):
        with open(self.log_path, errors="replace") as f:
            return [l.rstrip() for l in f if re.search(r"CRITICAL|WARNING", l)
                    and "Unable to acquire session bus" not in l]


# ---- file checks -------------------------------------------------------------

def png_ok(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return False, "not a PNG signature"
    pos, idat, w, h = 8, b"", 0, 0
    while pos < len(data):
        length = int.from_bytes(data[pos:pos + 4], "big")
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            w, h = int.from_bytes(body[:4], "big"), int.from_bytes(body[4:8], "big")
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    return (w > 0 and h > 0 and len(raw) >= h), f"{w}x{h}, {len(raw)} bytes of pixels"


def pdf_ok(path):
    if shutil.which("pdftoppm") is None:
        with open(path, "rb") as f:
            head = f.read(5)
        return head == b"%PDF-", "pdftoppm not installed: only the header checked"
    base = os.path.join(OUT, "pdfpage")
    r = subprocess.run(["pdftoppm", "-png", "-r", "30", "-singlefile", path, base], capture_output=True, text=True)
    return r.returncode == 0 and os.path.exists(base + ".png"), r.stderr.strip()


def svg_ok(path):
    root = ET.parse(path).getroot()
    return root.tag.endswith("svg"), root.tag


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


def on_screen(s, view):
    """What a user sees with @view open: GTK 4.8 does not tell AT-SPI which
    stack page is showing (hidden pages keep their last extents), so the
    other views' subtrees are left out by their widget class."""
    hidden = {c for v, c in VIEW_CLASS.items() if v != view}

    def walk(n, depth=0):
        if n is None or depth > 80:
            return
        if role(n) == "filler" and name(n) in hidden:
            return
        yield n
        try:
            kids = list(n)
        except Exception:
            return
        for k in kids:
            yield from walk(k, depth + 1)
    out = []
    for n in walk(s.app.root):
        e = pfmdrive.extents(n)
        if e is not None and e[2] > 0 and e[3] > 0 and pfmdrive.showing(n):
            out.append(n)
    return out


def open_view(s, view):
    tab = s.app.find(role_is="page tab", name_is=view)
    s.app.click(tab)
    time.sleep(0.5)


def plot_menu(s, plot, item):
    """Right-click @plot, then click @item in its menu (the menu is the
    plot's own child: other plots' hidden menus are not looked at)."""
    s.app.click(plot, button=3)
    entry = s.app.find(role_is="menu item", name_is=item, within=plot, timeout=5)
    s.app.click(entry)


def save_via_menu(s, plot, item, title, path):
    """The plot's menu item, then the file dialog.  On a loaded machine a
    click or a key can land before the window takes it: then the dialog is
    closed (Escape) and the user's steps are done once more.  A real fault
    fails both times."""
    for attempt in range(2):
        try:
            plot_menu(s, plot, item)
            if s.app.save_through_dialog(title, path, timeout=30):
                return True
        except DriveError as e:
            print(f"# attempt {attempt + 1}: {e}")
        s.app.key("Escape")
        s.app.toplevel_gone(title, timeout=5)
    return False


def export_plots(s, view, settle=None):
    open_view(s, view)
    if settle:
        settle()
    plots = [p for p in on_screen(s, view) if role(p) == "image" and name(p) and not name(p).startswith("Gtk")
             and s.app.screen_rect(p)[2] >= 200]
    safe = lambda t: re.sub(r"[^A-Za-z0-9]+", "-", t).strip("-")[:40]
    for p in plots:
        title = name(p)
        base = os.path.join(OUT, f"{safe(view)}-{safe(title)}")
        for ext, check in ((".png", png_ok), (".svg", svg_ok), (".pdf", pdf_ok)):
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


def wait_run_done(s, timeout=120):
    """The Propagation view's run is done when Run Again is showing."""
    s.app.find(role_is="push button", startswith="_Run Again", timeout=timeout)


def check_names(s, view):
    bad = []
    for n in on_screen(s, view):
        r, nm = role(n), name(n).strip()
        if r in CONTROL_ROLES and (nm == "" or re.match(r"^(Gtk|Adw)[A-Z]", nm)):
            bad.append(f"{r} {nm!r} at {s.app.screen_rect(n)}")
    report(not bad, f"{view}: every visible control has an accessible name", *bad[:12])


def tail(path, n=15):
    try:
        with open(path, errors="replace") as f:
            return ["app stderr: " + l.rstrip() for l in f.readlines()[-n:]]
    except OSError:
        return []


def main():
    for tool in ("xdotool", "Xvfb"):
        if shutil.which(tool) is None:
            print(f"1..0 # SKIP {tool} is not installed")
            return 0
    try:
        s = Session(args=("--size", "1600x1000"))
    except DriveError as e:
        report(False, "the app starts and shows its window on the accessibility bus", e,
               *tail(os.path.join(OUT, "app-stderr.log")))
        print(f"1..{n_tests}")
        return 1
    try:
        s.shot("start")
        for view in ("Scaling", "Propagation", "Volume", "Defects"):
            open_view(s, view)
            if view == "Propagation":
                wait_run_done(s)
            check_names(s, view)
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
    print(f"1..{n_tests}")
    return 1 if n_failed else 0


if __name__ == "__main__":
    sys.exit(main())
