#!/usr/bin/python3
# test-interaction-training.py - the Training view driven as a user drives
# it (TAP): the app started for real under Xvfb with the "train" preset,
# every widget found by its accessible name, every action a mouse click
# or a key press (xdotool).  Train, watch the progress, cancel; train a
# short run to its end; use the trained glass in the Propagation view;
# save a training plot; close the window with the trained design unsaved.
#
#   test-interaction-training.py PFM_EXPLORER OUTDIR   (under dbus-run-session)
#
# Copyright 2026 The PFM Explorer developers
# SPDX-License-Identifier: GPL-3.0-or-later
import math
import os
import re
import sys
import time
import traceback
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pyatspi  # noqa: E402
from pfmdrive import DriveError, name  # noqa: E402
from pfmsession import (Session, report, plan, tail, tools_missing, png_ok, csv_rows,  # noqa: E402
                        open_view, check_names, save_via_menu, wait_for, dialog_with,
                        dialog_button, selected_tab)
import pfmsession  # noqa: E402

APP, OUT = sys.argv[1], sys.argv[2]
pfmsession.start(OUT)

VIEW_CLASS = pfmsession.VIEW_CLASS
EPOCHS = 2          # the short training: the preset's 4 would double the wait
TRAIN_TIMEOUT = 420  # seconds for those epochs and the evaluation, on a loaded machine
PICK = 3            # the gallery's test example sent through the glass
STALE = "Out of date: the parameters changed since this glass was trained. Train again."
PROGRESS_RE = re.compile(r"^Epoch (\d+)/(\d+), batch (\d+)/(\d+) ")


def state(node, st):
    try:
        return node.getState().contains(st)
    except Exception:
        return False


def sensitive(node):
    return state(node, pyatspi.STATE_SENSITIVE)


def description(node):
    try:
        return node.description or ""
    except Exception:
        return ""


def text_of(node):
    try:
        t = node.queryText()
        return t.getText(0, t.characterCount)
    except Exception:
        return ""


class Training:
    """The Training view's widgets, looked for inside the view (other views
    have a Cancel button too, and a view that was shown keeps its extents)."""

    def __init__(self, s):
        self.s = s
        self.view = s.app.find(role_is="filler", name_is="PfmTrainingView", visible=False)

    def button(self, label):
        # GTK 4.8 names a button "_Label Label": its text with and without
        # the mnemonic.
        return self.s.app.find(role_is="push button", startswith="_" + label, within=self.view, visible=False)

    def progress(self):
        return self.s.app.find(role_is="progress bar", name_is="Training progress", within=self.view, visible=False)

    def progress_text(self):
        return description(self.progress())

    def setup_text(self):
        labels = self.s.app.find_all(role_is="label", startswith="The glass: ", within=self.view, visible=False)
        return name(labels[0]) if labels else ""

    def summary_text(self):
        """The results' summary, without an out-of-date notice before it."""
        labels = [x for x in self.s.app.find_all(role_is="label", within=self.view, visible=False)
                  if name(x).startswith("Trained: ") or name(x).startswith(STALE)]
        return name(labels[0]).removeprefix(STALE).lstrip() if labels else ""

    def summary_stale(self):
        return bool(self.s.app.find_all(role_is="label", startswith=STALE, within=self.view, visible=False))

    def stale_plots(self):
        """The titles of the plots whose description says they are out of date."""
        return sorted(name(p) for p in self.plots() if "Out of date" in description(p))

    def plot(self, title):
        return self.s.app.find(role_is="image", name_is=title, within=self.view)

    def plots(self):
        return self.s.app.find_all(role_is="image", within=self.view, visible=False)

    def find_plot(self, title):
        return next((p for p in self.plots() if name(p) == title), None)

    def buttons_state(self):
        return {b: sensitive(self.button(b)) for b in ("Train", "Pause", "Cancel", "Use Trained Glass", "Fabricate")}


def sidebar_entry(s, title):
    """A sidebar entry by its row's title (its name is "TITLE TITLE")."""
    for n in s.app.find_all(role_is="text", startswith=title, visible=False):
        if name(n) in (title, f"{title} {title}"):
            return n
    raise DriveError(f"no sidebar entry {title!r}")


def sidebar_choice(s, title):
    """What a sidebar drop-down row (AdwComboRow) shows."""
    rows = s.app.find_all(role_is="combo box", name_is=title, visible=False)
    if not rows:
        raise DriveError(f"no sidebar choice {title!r}")
    for item in s.app.find_all(role_is="list item", within=rows[0], visible=False):
        labels = [name(n) for n in s.app.find_all(role_is="label", within=item, visible=False)]
        if labels:
            return labels[0]
    return ""


def propagation_settled(s, timeout):
    """The Propagation view's run has ended: its Cancel is greyed out, and
    stays so for a second (an edit starts a run 80 ms later)."""
    view = s.app.find(role_is="filler", name_is="PfmPropagationView", visible=False)
    cancel = s.app.find(role_is="push button", startswith="_Cancel", within=view, visible=False)
    deadline, idle_since = time.time() + timeout, None
    while time.time() < deadline:
        if sensitive(cancel):
            idle_since = None
        elif idle_since is None:
            idle_since = time.time()
        elif time.time() - idle_since >= 1.0:
            return True
        time.sleep(0.1)
    return False


def set_entry(s, node, value):
    s.app.click(node)
    s.app.key("ctrl+a")
    s.app.type(value)
    s.app.key("Return")


def csv_ok(path):
    """Save Data…'s CSV of a plot's series: a header "series,x,y", rows of
    finite numbers (an empty cell is a gap in a series); returns also how
    many points each series has."""
    header, rows = csv_rows(path)
    values = [v for r in rows for v in r[1:] if v is not None]
    finite = all(math.isfinite(v) for v in values)
    per_series = {}
    for r in rows:
        per_series[r[0]] = per_series.get(r[0], 0) + 1
    ok = header == ["series", "x", "y"] and len(rows) > 0 and all(len(r) == 3 for r in rows) and finite
    return ok, per_series, f"header {header}, {len(rows)} rows, {len(values)} numbers, all finite: {finite}, points per series: {per_series}"


def main():
    if tools_missing():
        return 0
    try:
        # The trained index map goes to the cache folder: the test's own.
        s = Session(APP, OUT, args=("--size", "1600x1000", "--preset", "train"),
                    env={"XDG_CACHE_HOME": os.path.join(OUT, "cache")})
    except DriveError as e:
        report(False, "the app starts and shows its window on the accessibility bus", e,
               *tail(os.path.join(OUT, "app-stderr.log")))
        return plan()
    try:
        run(s)
    except Exception:   # a step that could not go on: a failure that says where
        s.shot("failed-step")
        report(False, "the session ran to its end", traceback.format_exc(), *tail(s.log_path))
    finally:
        problems = s.stderr_problems()
        s.close()   # the app, if it is still running, and the X server
    report(not problems, "the app's stderr has no CRITICAL or WARNING line", *problems[:8])
    return plan()


def run(s):
    app = s.app
    # ---- the preset, the view ------------------------------------------------
    banner = app.find_all(role_is="label", startswith="Train a digit classifier.")
    report(bool(banner), "the train preset is loaded: its explanation is showing",
           name(banner[0])[:100] if banner else "no label starting “Train a digit classifier.”")
    open_view(s, "Training")
    report(selected_tab(s) == "Training", "clicking the Training tab shows the Training view",
           f"selected tab: {selected_tab(s)}")
    t = Training(s)
    ready = wait_for(lambda: "digits: " in t.setup_text() and t.setup_text(), 60)
    report(bool(ready), "the set-up line describes the loaded dataset", t.setup_text())
    s.shot("01-training-before")
    check_names(s, "Training", VIEW_CLASS)
    before = t.buttons_state()
    report(before == {"Train": True, "Pause": False, "Cancel": False, "Use Trained Glass": False, "Fabricate": False},
           "before training only Train can be pressed", before)
    report(t.progress_text() == "Not trained yet", "the progress bar says it is not trained yet",
           repr(t.progress_text()))

    # ---- a short run: the sidebar's Epochs ---------------------------------------
    set_entry(s, sidebar_entry(s, "Epochs"), str(EPOCHS))
    took = wait_for(lambda: f"Training {EPOCHS} epochs" in t.setup_text(), 15)
    report(bool(took), f"typing {EPOCHS} in the sidebar's Epochs entry plans {EPOCHS} epochs", t.setup_text())

    # ---- train, watch, cancel --------------------------------------------------
    app.click(t.button("Train"))
    first = wait_for(lambda: PROGRESS_RE.match(t.progress_text()) and t.progress_text(), 120, poll=0.1)
    later = first and wait_for(lambda: PROGRESS_RE.match(t.progress_text()) and t.progress_text() != first
                               and t.progress_text(), 60, poll=0.1)
    s.shot("02-training-progress")
    report(bool(first and later), "after Train the progress bar counts epochs and batches, and advances",
           f"first: {first!r}", f"later: {later!r}")
    busy = t.buttons_state()
    report(not busy["Train"] and busy["Pause"] and busy["Cancel"] and not busy["Use Trained Glass"],
           "while training Train is greyed out and Pause and Cancel can be pressed", busy)
    value = t.progress().queryValue().currentValue
    report(0 < value < 1, "the progress bar's value is between 0 and 1", value)

    app.click(t.button("Cancel"))
    stopped = wait_for(lambda: t.progress_text() == "Training cancelled", 60, poll=0.1)
    report(bool(stopped), "Cancel stops the training: the progress bar says so", repr(t.progress_text()))
    idle = wait_for(lambda: t.buttons_state()["Train"] and t.buttons_state(), 15)
    report(bool(idle) and idle == {"Train": True, "Pause": False, "Cancel": False,
                                   "Use Trained Glass": False, "Fabricate": False},
           "after Cancel Train can be pressed again, Pause and Cancel cannot", idle or t.buttons_state())
    time.sleep(2)   # a job that went on would move the bar again
    report(t.progress_text() == "Training cancelled", "the cancelled job reports nothing more",
           repr(t.progress_text()))
    s.shot("03-training-cancelled")

    # ---- train to the end ----------------------------------------------------------
    app.click(t.button("Train"))
    started = time.time()
    done = wait_for(lambda: t.progress_text().startswith("Trained in ") and t.progress_text(), TRAIN_TIMEOUT)
    report(bool(done), f"Train again runs its {EPOCHS} epochs to the end",
           f"progress: {t.progress_text()!r}", f"waited {time.time() - started:.0f} s")
    summary = wait_for(t.summary_text, 10) or ""
    m = re.match(r"Trained: test accuracy ([0-9.]+)% on (\d+) held-out examples", summary)
    acc = float(m.group(1)) if m else None
    report(m is not None and 0 <= acc <= 100, "the summary gives the test accuracy", summary)
    after = t.buttons_state()
    report(after == {"Train": True, "Pause": False, "Cancel": False, "Use Trained Glass": True, "Fabricate": True},
           "once trained Use Trained Glass and Fabricate can be pressed", after)
    gallery = app.find_all(role_is="table", name_is="Test examples: true and predicted class", within=t.view)
    tiles = app.find_all(startswith="Test example ", within=gallery[0]) if gallery else []
    report(len(tiles) > 3, "the gallery shows the test examples, each with a name",
           f"{len(tiles)} named tiles", *[name(x) for x in tiles[:2]])
    s.shot("04-trained")

    # ---- pick an example -----------------------------------------------------------------
    pick = next((x for x in tiles if name(x).startswith(f"Test example {PICK}:")), None)
    m = pick and re.match(r"Test example \d+: true class (\d+), predicted (\d+)", name(pick))
    want = f"Test example {PICK}: class {m.group(1)} → {m.group(2)}" if m else None
    if pick:
        app.click(pick)
    shown = want and wait_for(lambda: t.find_plot(want), 10)
    report(bool(shown), f"clicking test example {PICK} in the gallery shows its detector powers",
           f"tile: {name(pick) if pick else None!r}", f"plot wanted: {want!r}",
           f"plots: {[name(p) for p in t.plots()]}")

    # ---- a training plot's exports ----------------------------------------------------
    plot = t.plot("Loss (cross-entropy)")
    path = os.path.join(OUT, "Training-Loss.png")
    try:
        saved = save_via_menu(s, plot, "Save Figure…", "Save Figure", path)
        ok, why = png_ok(path) if saved else (False, "no file was written")
    except (DriveError, OSError, zlib.error) as e:
        ok, why = False, e
    report(ok, "Training: \"Loss (cross-entropy)\" Save Figure as PNG through the file dialog", why)
    path = os.path.join(OUT, "Training-Loss.csv")
    try:
        saved = save_via_menu(s, plot, "Save Data…", "Save Data", path)
        ok, per_series, why = csv_ok(path) if saved else (False, {}, "no file was written")
        # one point per finished epoch for the training and validation loss
        ok = ok and per_series.get("training") == EPOCHS and per_series.get("validation") == EPOCHS
    except (DriveError, OSError, ValueError) as e:
        ok, why = False, e
    report(ok, "Training: \"Loss (cross-entropy)\" Save Data as CSV: a header and finite numbers", why)

    # ---- use the trained glass ----------------------------------------------------------
    kind_before = sidebar_choice(s, "Index voxels")
    app.click(t.button("Use Trained Glass"))
    went = wait_for(lambda: selected_tab(s) == "Propagation", 15)
    report(bool(went), "Use Trained Glass opens the Propagation view", f"selected tab: {selected_tab(s)}")
    kind = wait_for(lambda: sidebar_choice(s, "Index voxels") == "file" and "file", 15)
    map_file = text_of(sidebar_entry(s, "Index-map file"))
    report(bool(kind) and re.search(r"trained-\d+-\d+\.idx$", map_file) is not None,
           "the project's medium is now the trained index map (the sidebar's Index voxels and Index-map file)",
           f"Index voxels: {kind_before!r} → {sidebar_choice(s, 'Index voxels')!r}", f"Index-map file: {map_file!r}")
    beam = sidebar_choice(s, "Input")
    vector = text_of(sidebar_entry(s, "Input vector")).split(",")
    report(beam == "slm" and len(vector) == 64,
           f"the input is the SLM showing test example {PICK}'s 64 pixels", f"Input: {beam!r}",
           f"Input vector: {len(vector)} values, {','.join(vector[:6])}…")
    report(propagation_settled(s, timeout=300), "the Propagation view's run on the trained glass ends "
           "(its Cancel greyed out again)")
    s.shot("05-propagation-trained")

    # While the trained glass is in use, another example in the gallery is
    # the new input.
    open_view(s, "Training")
    first_tile = next((x for x in tiles if name(x).startswith("Test example 1:")), None)
    if first_tile:
        app.click(first_tile)
    other = wait_for(lambda: text_of(sidebar_entry(s, "Input vector")).split(",") != vector
                     and text_of(sidebar_entry(s, "Input vector")).split(","), 15)
    report(bool(other) and len(other) == 64, "then clicking test example 1 sends its pixels instead",
           f"Input vector: {','.join((other or [])[:6])}…")

    # ---- results out of date ---------------------------------------------------------
    # Use Trained Glass changed the medium, the SLM and the input: that is
    # the trained design, not a change of it.  Another number of epochs is.
    report(t.stale_plots() == [] and not t.summary_stale(),
           "after Use Trained Glass and another example the results are not marked out of date",
           f"marked: {t.stale_plots()}")
    set_entry(s, sidebar_entry(s, "Epochs"), str(EPOCHS + 1))
    marked = wait_for(lambda: len(t.stale_plots()) == len(t.plots()) and t.summary_stale(), 15)
    s.shot("05b-training-out-of-date")
    report(bool(marked), f"typing {EPOCHS + 1} epochs marks every training plot and the summary out of date",
           f"marked: {len(t.stale_plots())} of {len(t.plots())} plots", f"summary marked: {t.summary_stale()}")
    set_entry(s, sidebar_entry(s, "Epochs"), str(EPOCHS))
    back = wait_for(lambda: t.stale_plots() == [] and not t.summary_stale(), 15)
    report(bool(back), f"typing {EPOCHS} epochs again, as trained, clears the marks",
           f"still marked: {t.stale_plots()}")

    # ---- closing with the trained design unsaved ----------------------------------------
    frame = app.find(role_is="frame", startswith="")
    heading = "Save the Trained Glass?"
    app.click(app.find(role_is="push button", name_is="Close", within=frame))
    dialog = wait_for(lambda: dialog_with(s, heading), 15)
    if dialog:
        s.shot("06-close-asks")
    report(dialog is not None, "closing the window asks first: “Save the Trained Glass?”")
    if dialog is None:
        return
    app.click(dialog_button(s, dialog, "Cancel"))
    gone = wait_for(lambda: dialog_with(s, heading) is None, 15)
    alive = s.proc.poll() is None and app.find_all(role_is="frame")
    report(bool(gone) and bool(alive), "Cancel in that dialog keeps the window open",
           f"dialog gone: {bool(gone)}, app running: {s.proc.poll() is None}")
    s.shot("07-close-cancelled")

    app.click(app.find(role_is="push button", name_is="Close", within=frame))
    dialog = wait_for(lambda: dialog_with(s, heading), 15)
    if dialog is None:
        report(False, "closing again asks again")
        return
    app.click(dialog_button(s, dialog, "Discard"))
    # The project was edited too (the epochs, the trained medium): its own
    # question comes next.
    changes = wait_for(lambda: dialog_with(s, "Save Changes?") or s.proc.poll() is not None, 15)
    asked_changes = changes not in (None, True)
    if asked_changes:
        s.shot("08-close-save-changes")
        app.click(dialog_button(s, changes, "Discard"))
    try:
        rc = s.proc.wait(30)
    except Exception:
        rc = None
    clean, why = s.exited_cleanly(rc)
    report(clean, "Discard closes the window and the app exits cleanly",
           f"asked about the project's changes too: {asked_changes}", f"exit status: {rc}", *why)


if __name__ == "__main__":
    sys.exit(main())
