#!/usr/bin/python3
# test-interaction-plots.py - the Defects view's plots driven as a user
# drives them (TAP): Another Copy makes a different copy (the next seed),
# Run Batch fills the histogram with whole counts, Sweep σ with σ = 0.3
# covers 0.3, a defect setting changed afterwards marks the batch's and
# the sweep's plots out of date, and closing with unsaved edits then Discard leaves no
# CRITICAL on stderr.
#
#   test-interaction-plots.py PFM_EXPLORER OUTDIR      (under dbus-run-session)
#
# Copyright 2026 The PFM Explorer developers
# SPDX-License-Identifier: GPL-3.0-or-later
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pfmdrive  # noqa: E402
from pfmdrive import DriveError, name  # noqa: E402
import pfmsession  # noqa: E402
from pfmsession import Session as _Session, report, tail  # noqa: E402

APP, OUT = sys.argv[1], sys.argv[2]
pfmsession.start(OUT)   # TAP on its descriptor, a fresh OUT
HERE = os.path.dirname(os.path.abspath(__file__))


# ---- steps ---------------------------------------------------------------

def summary(s):
    """The Defects view's summary line (a label)."""
    for n in s.app.find_all(role_is="label"):
        t = name(n)
        if t.startswith(("This copy", "All defects", "Batch of", "Swept", "Fabricating", "Running", "Sweeping")):
            return t
    return ""


def wait_summary(s, prefix, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        t = summary(s)
        if t.startswith(prefix):
            return t
        time.sleep(0.5)
    return summary(s)


def button(s, label, timeout=20):
    """The push button @label (GTK 4.8 names a button with a mnemonic
    "_Label Label"; either spelling is taken)."""
    plain = label.replace("_", "")
    deadline = time.time() + timeout
    while time.time() < deadline:
        for n in s.app.find_all(role_is="push button"):
            if name(n) in (label, plain, f"{label} {plain}"):
                return n
        time.sleep(0.3)
    names = sorted({name(n) for n in s.app.find_all(role_is="push button")})
    raise DriveError(f"no button {label!r}; visible buttons: {names}")


def button_in(s, within, label, timeout=10):
    plain = label.replace("_", "")
    deadline = time.time() + timeout
    while time.time() < deadline:
        for n in s.app.find_all(role_is="push button", within=within):
            if name(n) in (label, plain, f"{label} {plain}"):
                return n
        time.sleep(0.3)
    names = sorted({name(n) for n in s.app.find_all(role_is="push button", within=within)})
    raise DriveError(f"no button {label!r} in the dialog; its buttons: {names}")


def plot(s, title_start):
    return s.app.find(role_is="image", startswith=title_start, timeout=20)


def save_data(s, p, path):
    """Right-click @p, Save Data…, the file dialog; once more if the first
    click landed before the window took it."""
    for attempt in range(2):
        try:
            s.app.click(p, button=3)
            entry = s.app.find(role_is="menu item", name_is="Save Data…", within=p, timeout=5)
            s.app.click(entry)
            if s.app.save_through_dialog("Save Data", path, timeout=30):
                return True
        except DriveError as e:
            print(f"# attempt {attempt + 1}: {e}")
        s.app.key("Escape")
        s.app.toplevel_gone("Save Data", timeout=5)
    return False


def series_of(path):
    with open(path) as f:
        return json.load(f)["series"]


def facet_values(path):
    with open(path, newline="") as f:
        return [r[2] for r in list(csv.reader(f))[1:]]


def project_with_sigma(sigma):
    """The default project with [defects] sigma = @sigma, on a small grid
    and a short tube, so a batch and a sweep take seconds, not minutes."""
    src = os.path.join(HERE, "..", "..", "data", "projects", "default.pfm")
    values = {("defects", "sigma"): str(sigma), ("grid", "n"): "64", ("grid", "dz"): "2e-06",
              ("tube", "length"): "0.0001"}
    out, group = [], ""
    with open(src) as f:
        for line in f:
            if line.startswith("["):
                group = line.strip()[1:-1]
            key = line.split("=", 1)[0].strip()
            if "=" in line and not line.startswith("#") and (group, key) in values:
                line = f"{key}={values.pop((group, key))}\n"
            out.append(line)
    if values:
        raise DriveError(f"not in the default project: {sorted(values)}")
    path = os.path.join(OUT, "sigma.pfm")
    with open(path, "w") as f:
        f.writelines(out)
    return path


def focus_main_window(s):
    """The keyboard to the app's main window, as a window manager would."""
    wids = pfmdrive.xdotool("search", "--onlyvisible", "--pid", s.proc.pid, "--name", "").split()
    if wids:
        pfmdrive.xdotool("windowfocus", "--sync", wids[0])
        time.sleep(0.2)


def main():
    for tool in ("xdotool", "Xvfb"):
        if shutil.which(tool) is None:
            print(f"1..0 # SKIP {tool} is not installed")
            return 0
    project = project_with_sigma(0.3)
    try:
        s = _Session(APP, OUT, args=("--size", "1600x1000", "--view", "defects", project))
    except DriveError as e:
        report(False, "the app starts and shows its window on the accessibility bus", e,
               *tail(os.path.join(OUT, "app-stderr.log")))
        return pfmsession.plan()
    exited = None
    try:
        first = wait_summary(s, "This copy", 180)
        m = re.search(r"defect seed (\d+)", first)
        report(m is not None, "Defects: the copy is made and its text names its seed", first)
        seed = int(m.group(1)) if m else 1
        s.shot("copy-1")
        facet = plot(s, "Intensity difference")
        a_csv = os.path.join(OUT, "facet-1.csv")
        ok_a = save_data(s, facet, a_csv)

        # Another Copy: the next seed, a different copy.
        s.app.click(button(s, "_Another Copy"))
        deadline = time.time() + 180
        second = ""
        while time.time() < deadline:
            second = summary(s)
            if f"defect seed {seed + 1})" in second:
                break
            time.sleep(0.5)
        report(f"defect seed {seed + 1})" in second, "Another Copy: the text names the next seed", second)
        s.shot("copy-2")
        b_csv = os.path.join(OUT, "facet-2.csv")
        ok_b = save_data(s, facet, b_csv)
        differ = ok_a and ok_b and facet_values(a_csv) != facet_values(b_csv)
        report(differ, "Another Copy: the output facet's difference plot changes",
               f"saved: {ok_a}, {ok_b}")

        # Run Batch: the histogram's bars are whole counts, one per copy.
        s.app.click(button(s, "Run _Batch"))
        text = wait_summary(s, "Batch of", 400)
        report(text.startswith("Batch of"), "Run Batch: the batch ends", text)
        m = re.match(r"Batch of (\d+) copies \((\d+) resolved\)", text)
        hist_json = os.path.join(OUT, "histogram.json")
        ok = save_data(s, plot(s, "Relative error of"), hist_json)
        why = "no file"
        if ok:
            se = series_of(hist_json)
            ys = [y for x in se for y in x["y"]]
            whole = all(float(y).is_integer() for y in ys)
            total = sum(se[0]["y"]) if se else -1
            resolved = int(m.group(2)) if m else -2
            ok = whole and total == resolved
            why = f"whole counts: {whole}, copies counted {total}, resolved {resolved}"
        report(ok, "Run Batch: the histogram holds a whole count of copies per bin, all resolved copies", why)
        s.shot("batch")

        # Sweep σ with σ = 0.3 in the project: the sweep covers 0.3.
        s.app.click(button(s, "_Sweep σ"))
        text = wait_summary(s, "Swept", 900)
        report(text.startswith("Swept"), "Sweep σ: the sweep ends", text)
        sweep_json = os.path.join(OUT, "sweep.json")
        ok = save_data(s, plot(s, "Mean relative error"), sweep_json)
        why = "no file"
        if ok:
            xs = series_of(sweep_json)[0]["x"]
            ok = min(xs) == 0 and max(xs) >= 0.3 and any(abs(x - 0.3) < 1e-9 for x in xs)
            why = f"σ swept: {xs}"
        report(ok, "Sweep σ: with σ = 0.3 the sweep runs from 0 past 0.3, 0.3 among its points", why)
        s.shot("sweep")

        # A defect setting edited after the batch and the sweep: both plots
        # say they are out of date (faded data under a notice, the
        # notice their accessible description), the copy re-runs by
        # itself; Run Batch again makes the histogram current again.
        hist, sweep = plot(s, "Relative error of"), plot(s, "Mean relative error")
        fresh = (hist.description or "", sweep.description or "")
        sigma = s.app.find(role_is="text", startswith="Write error σ")
        s.app.click(sigma)
        s.app.key("ctrl+a")
        s.app.type("0.2")
        s.app.key("Return")
        marked = pfmsession.wait_for(lambda: all("Out of date" in (p.description or "") for p in (hist, sweep)), 20)
        report(fresh == ("", "") and bool(marked),
               "a defect setting changed after the batch and the sweep: both plots say they are out of date",
               f"before: {fresh}", f"after: {(hist.description, sweep.description)}")
        s.shot("out-of-date")
        wait_summary(s, "This copy", 60)
        s.app.click(button(s, "Run _Batch"))
        t = wait_summary(s, "Batch of", 120)
        report(t.startswith("Batch of") and (hist.description or "") == "" and "Out of date" in (sweep.description or ""),
               "Run Batch again: the histogram is current again, the σ sweep still out of date",
               f"histogram: {hist.description!r}", f"sweep: {sweep.description!r}")

        # Another Copy changed the project: closing asks; Discard quits
        # without a CRITICAL.
        focus_main_window(s)
        s.app.key("ctrl+q")
        dialog = s.app.toplevel("Save Changes", timeout=20)
        s.app.click(button_in(s, dialog, "_Discard"))
        try:
            exited = s.proc.wait(30)
        except subprocess.TimeoutExpired:
            exited = None
        clean, why = s.exited_cleanly(exited)
        report(clean, "Close with unsaved edits, Discard: the app quits", f"exit status {exited}", *why)
    except Exception:   # a step that could not go on: a failure that says where
        report(False, "the session ran to its end", traceback.format_exc(), *tail(s.log_path))
    finally:
        problems = s.stderr_problems()
        s.close()
    report(not problems, "the app's stderr has no CRITICAL or WARNING line (Discard included)", *problems[:8])
    return pfmsession.plan()


if __name__ == "__main__":
    sys.exit(main())
