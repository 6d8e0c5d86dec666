# pfmsession.py - what the interaction tests share: TAP reporting, a
# session (a private Xvfb with the app started on it, seen through
# pfmdrive.App), checks of exported files, and the steps a user takes in
# every view (open it, check its controls' names, save a plot through its
# right-click menu).
#
# Copyright 2026 The PFM Explorer developers
# SPDX-License-Identifier: GPL-3.0-or-later
import csv
import os
import re
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
import zlib

import pyatspi

import pfmdrive
from pfmdrive import App, DriveError, CONTROL_ROLES, name, role

# ---- TAP ---------------------------------------------------------------------

n_tests = 0
n_failed = 0


def start(out):
    """TAP on test-interaction.sh's descriptor when it gives one, and a
    fresh @out: a name that exists would (rightly) make the file dialog ask
    whether to replace it."""
    if os.environ.get("PFM_TAP_FD"):
        sys.stdout = os.fdopen(int(os.environ["PFM_TAP_FD"]), "w", buffering=1)
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)


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
    return ok


def plan():
    """The plan, always printed last; the exit status."""
    print(f"1..{n_tests}")
    return 1 if n_failed else 0


def tools_missing():
    for tool in ("xdotool", "Xvfb"):
        if shutil.which(tool) is None:
            print(f"1..0 # SKIP {tool} is not installed")
            return True
    return False


def tail(path, n=15):
    try:
        with open(path, errors="replace") as f:
            return ["app stderr: " + l.rstrip() for l in f.readlines()[-n:]]
    except OSError:
        return []


# ---- the virtual screen and the app -------------------------------------

class Session:
    def __init__(self, app, out, size="1600x1000", args=(), env=None):
        self.out = out
        self.fbdir = os.path.join(out, "fb")
        shutil.rmtree(self.fbdir, ignore_errors=True)
        os.makedirs(self.fbdir)
        # -displayfd: the server takes the first free display itself, so
        # two servers started at once never race for one number.
        # -noreset: the server would otherwise reset when the readiness
        # probe below disconnects, and refuse the app for a moment.
        r, w = os.pipe()
        self.xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0", f"{size}x24",
                                      "-fbdir", self.fbdir, "-nolisten", "tcp", "-noreset"],
                                     pass_fds=(w,), stdout=subprocess.DEVNULL,
                                     stderr=open(os.path.join(out, "xvfb.log"), "w"))
        os.close(w)
        with os.fdopen(r) as f:
            display = f.readline().strip()
        if not display:
            raise DriveError("Xvfb did not start (see xvfb.log)")
        os.environ["DISPLAY"] = f":{display}"
        for _ in range(100):   # until the server takes clients
            if subprocess.run(["xdotool", "getdisplaygeometry"], capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
        self.log_path = os.path.join(out, "app-stderr.log")
        self.log = open(self.log_path, "w")
        e = dict(os.environ)
        if os.environ.get("PFM_APP_PRELOAD"):
            e["LD_PRELOAD"] = os.environ["PFM_APP_PRELOAD"]
        e.update(env or {})
        self.proc = subprocess.Popen([app, *args], stdout=self.log, stderr=self.log, env=e)
        try:
            self.app = App(self.proc.pid)
        except DriveError:
            self.close()
            raise

    def shot(self, label):
        path = os.path.join(self.out, f"{label}.png")
        pfmdrive.screenshot(self.fbdir, path)
        return path

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        if not self.log.closed:
            self.log.close()
        self.xvfb.terminate()
        self.xvfb.wait()

    def stderr_problems(self):
        with open(self.log_path, errors="replace") as f:
            return [l.rstrip() for l in f if re.search(r"CRITICAL|WARNING", l)
                    and "Unable to acquire session bus" not in l]

    def stderr_tail(self, n=15):
        return tail(self.log_path, n)

    def exited_cleanly(self, rc):
        """(ok, diagnostics) for the app's exit status @rc after a normal
        quit.  Under ASan, GTK 4.8's own file chooser leaks: a 30-line GTK
        program that only opens a GtkFileChooserNative and closes it, with
        an accessibility client attached, leaks 256 bytes through
        g_realloc (more with a current folder set), and this app adds
        16 KiB through g_malloc on the same dialog opened and cancelled.
        Their stacks end inside GLib/GTK, which have no frame pointers.
        Our code keeps frame pointers in sanitizer builds (meson.build),
        so a leak it allocated shows one of its frames: that, any other
        sanitizer error, or any other non-zero status still fails."""
        if rc == 0:
            return True, []
        if rc is None:
            return False, ["the app did not exit"]
        with open(self.log_path, errors="replace") as f:
            text = f.read()
        if "ERROR: LeakSanitizer" not in text or re.search(r"ERROR: AddressSanitizer|runtime error:", text):
            return False, []
        ours, n_leaks = [], 0
        for block in re.split(r"\n(?=(?:Direct|Indirect) leak of )", text.split("ERROR: LeakSanitizer", 1)[1]):
            if not re.match(r"(Direct|Indirect) leak of ", block):
                continue
            n_leaks += 1
            for frame in re.findall(r"^\s+#\d+ 0x[0-9a-f]+ in (.*)$", block, re.M):
                system = (re.search(r"\((/usr)?/lib/[^)]*\)$", frame)
                          or re.search(r" \.\./(sysdeps|csu|nptl)/", frame) or "libsanitizer/" in frame)
                if not system:
                    ours.append(frame)
        summary = re.search(r"SUMMARY: AddressSanitizer: (.*)", text)
        if ours:
            return False, [f"a leak from our code: {f}" for f in ours[:5]]
        return True, [f"LeakSanitizer: {summary.group(1).rstrip('.') if summary else n_leaks}, with no frame in "
                      "PFM Explorer's code (GTK 4.8's file chooser; see exited_cleanly)"]


def wait_for(what, timeout, poll=0.25):
    """@what() until it returns something true (returned) or @timeout
    seconds have passed (None)."""
    deadline = time.time() + timeout
    while True:
        try:
            v = what()
        except DriveError:
            v = None
        if v:
            return v
        if time.time() > deadline:
            return None
        time.sleep(poll)


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


def pdf_ok(path, out):
    if shutil.which("pdftoppm") is None:
        with open(path, "rb") as f:
            head = f.read(5)
        return head == b"%PDF-", "pdftoppm not installed: only the header checked"
    base = os.path.join(out, "pdfpage")
    r = subprocess.run(["pdftoppm", "-png", "-r", "30", "-singlefile", path, base], capture_output=True, text=True)
    return r.returncode == 0 and os.path.exists(base + ".png"), r.stderr.strip()


def svg_ok(path):
    root = ET.parse(path).getroot()
    return root.tag.endswith("svg"), root.tag


def csv_rows(path):
    """The header and the data rows of a Save Data… CSV, numbers as floats
    (an empty cell, a gap in a series, is None) and the "series" column's
    names as they are."""
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    if not rows:
        return [], []
    header = rows[0]
    num = lambda c: None if c == "" else float(c)
    return header, [[c if header[i:i + 1] == ["series"] else num(c) for i, c in enumerate(r)] for r in rows[1:]]


# ---- what a user does in any view -----------------------------------------------

# Each view's widget class (on_screen leaves the other views' subtrees out).
VIEW_CLASS = {"Scaling": "PfmScalingView", "Propagation": "PfmPropagationView",
              "Volume": "PfmVolumeView", "Defects": "PfmDefectsView",
              "Training": "PfmTrainingView", "Sweep": "PfmSweepView"}


def on_screen(s, view, view_class=VIEW_CLASS):
    """What a user sees with @view open: GTK 4.8 does not tell AT-SPI which
    stack page is showing (hidden pages keep their last extents), so the
    other views' subtrees (@view_class: view → widget class) are left out
    by their widget class."""
    hidden = {c for v, c in view_class.items() if v != view}

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


def selected_tab(s):
    """The name of the view switcher's selected page tab, or None."""
    tabs = [t for t in s.app.find_all(role_is="page tab") if t.getState().contains(pyatspi.STATE_SELECTED)]
    return name(tabs[0]) if tabs else None


def open_view(s, view):
    tab = s.app.find(role_is="page tab", name_is=view)
    s.app.click(tab)
    time.sleep(0.5)


def check_names(s, view, view_class):
    bad = []
    for n in on_screen(s, view, view_class):
        r, nm = role(n), name(n).strip()
        if r in CONTROL_ROLES and (nm == "" or re.match(r"^(Gtk|Adw)[A-Z]", nm)):
            bad.append(f"{r} {nm!r} at {s.app.screen_rect(n)}")
    report(not bad, f"{view}: every visible control has an accessible name", *bad[:12])


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


def dialog_with(s, heading):
    """The AdwMessageDialog showing @heading, or None."""
    for top in s.app.frames():
        if s.app.find_all(role_is="label", name_is=heading, within=top, visible=False):
            return top
    return None


def dialog_button(s, dialog, label, timeout=10):
    """A response button of an AdwMessageDialog.  Its AdwSqueezer keeps both
    layouts of the responses, a row and a column, in the tree, and the
    hidden one keeps the extents it had: the button showing is the one
    whose box lies inside the dialog."""
    def inside(node):
        d, e = pfmdrive.extents(dialog), pfmdrive.extents(node.parent)
        return d and e and e[0] >= d[0] and e[1] >= d[1] and e[0] + e[2] <= d[0] + d[2] and e[1] + e[3] <= d[1] + d[3]
    found = wait_for(lambda: [b for b in s.app.find_all(role_is="push button", startswith="_" + label, within=dialog)
                              if inside(b)], timeout)
    if not found:
        raise DriveError(f"no button {label!r} showing in the dialog {name(dialog)!r}")
    return found[0]


def wait_run_done(s, timeout=120):
    """The Propagation view's run is done when Run Again is showing."""
    s.app.find(role_is="push button", startswith="_Run Again", timeout=timeout)
