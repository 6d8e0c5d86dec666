# pfmdrive.py - drive the real pfm-explorer as a user does: find widgets
# by their accessible names (AT-SPI), then click and type with xdotool on
# the X server the app runs on.
#
# Run under a private D-Bus session (dbus-run-session) with DISPLAY set to
# an Xvfb without a window manager, with Debian's /usr/bin/python3 (the
# pyatspi module is python3-pyatspi).  Nothing here reaches into the app
# other than through the accessibility tree a screen reader sees.
#
# Copyright 2026 The PFM Explorer developers
# SPDX-License-Identifier: GPL-3.0-or-later
import os
import subprocess
import time

import pyatspi

# Roles a user operates: each must have a name a screen reader can say.
CONTROL_ROLES = {
    "push button", "toggle button", "check box", "radio button", "combo box",
    "spin button", "text", "slider", "menu item", "page tab", "progress bar",
    "entry", "switch",
}


class DriveError(Exception):
    pass


def xdotool(*args):
    r = subprocess.run(["xdotool", *map(str, args)], capture_output=True, text=True)
    return r.stdout


def role(node):
    try:
        return node.getRoleName()
    except Exception:
        return ""


def name(node):
    try:
        return node.name or ""
    except Exception:
        return ""


def extents(node):
    """Extents in the coordinates GTK reports: relative to the node's own
    surface (a window, a dialog or a popover), not the screen."""
    try:
        # Window coordinates: GTK 4 does not know where its windows are on
        # the screen (asking for screen coordinates logs a warning).
        e = node.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
        return e.x, e.y, e.width, e.height
    except Exception:
        return None


def showing(node):
    # GTK 4.8 sets VISIBLE but never SHOWING; a widget on an unmapped page
    # has an empty size, which find_all checks too.
    try:
        return node.getState().contains(pyatspi.STATE_VISIBLE)
    except Exception:
        return False


def walk(node, depth=0):
    if node is None or depth > 80:
        return
    yield node
    try:
        children = list(node)
    except Exception:
        return
    for c in children:
        yield from walk(c, depth + 1)


class App:
    """The running pfm-explorer (started by the caller) seen over AT-SPI."""

    def __init__(self, pid, timeout=60):
        self.pid = pid
        deadline = time.time() + timeout
        self.root = None
        while time.time() < deadline:
            for a in pyatspi.Registry.getDesktop(0):
                if a is not None and name(a) == "pfm-explorer":
                    self.root = a
            if self.root is not None and self.frames():
                return
            time.sleep(0.25)
        raise DriveError("pfm-explorer did not appear on the accessibility bus")

    # ---- finding ---------------------------------------------------------
    def frames(self):
        return [n for n in self.root if n is not None and role(n) in ("frame", "dialog", "window")]

    def toplevel(self, startswith, timeout=10):
        """A window of the app (the main one, a dialog: GTK 4.8 gives a file
        chooser the role "filler") whose title starts with @startswith."""
        deadline = time.time() + timeout
        while True:
            for n in self.root:
                if n is not None and name(n).startswith(startswith):
                    return n
            if time.time() > deadline:
                raise DriveError(f"no window titled {startswith!r}")
            time.sleep(0.2)

    def toplevel_gone(self, startswith, timeout=10):
        deadline = time.time() + timeout
        while any(n is not None and name(n).startswith(startswith) for n in self.root):
            if time.time() > deadline:
                return False
            time.sleep(0.2)
        return True

    def nodes(self, within=None):
        return list(walk(within or self.root))

    def find_all(self, name_is=None, role_is=None, startswith=None, within=None, visible=True):
        out = []
        for n in self.nodes(within):
            if role_is is not None and role(n) != role_is:
                continue
            nm = name(n)
            if name_is is not None and nm != name_is:
                continue
            if startswith is not None and not nm.startswith(startswith):
                continue
            if visible:
                e = extents(n)
                if e is None or e[2] <= 0 or e[3] <= 0 or not showing(n):
                    continue
            out.append(n)
        return out

    def find(self, timeout=10, **kw):
        deadline = time.time() + timeout
        while True:
            found = self.find_all(**kw)
            if found:
                return found[0]
            if time.time() > deadline:
                raise DriveError(f"no visible widget {kw}")
            time.sleep(0.2)

    def gone(self, timeout=10, **kw):
        deadline = time.time() + timeout
        while self.find_all(**kw):
            if time.time() > deadline:
                return False
            time.sleep(0.2)
        return True

    # ---- where a widget is on the screen --------------------------------
    def surface_of(self, node):
        """The accessible whose extents are its X window's: the frame or
        dialog, or the popover menu, the node lies in."""
        n = node
        last = node
        while n is not None:
            r = role(n)
            if r in ("menu", "popup menu") and role(n.parent) not in ("menu", "popup menu"):
                return n
            if r in ("frame", "dialog", "window") or role(n.parent) == "application":
                return n
            last = n
            try:
                n = n.parent
            except Exception:
                break
        return last

    def x_windows(self):
        out = []
        for wid in xdotool("search", "--onlyvisible", "--pid", self.pid, "--name", "").split():
            g = xdotool("getwindowgeometry", "--shell", wid)
            d = dict(line.split("=", 1) for line in g.split() if "=" in line)
            try:
                out.append((int(d["X"]), int(d["Y"]), int(d["WIDTH"]), int(d["HEIGHT"])))
            except (KeyError, ValueError):
                pass
        return out

    def screen_rect(self, node):
        e = extents(node)
        if e is None:
            raise DriveError(f"{role(node)} {name(node)!r} has no extents")
        s = extents(self.surface_of(node))
        wins = [w for w in self.x_windows() if s and w[2] == s[2] and w[3] == s[3]]
        if not wins or s is None:
            return e   # no better guess: a toplevel at the origin
        wx, wy = wins[-1][0], wins[-1][1]
        return wx + e[0] - s[0], wy + e[1] - s[1], e[2], e[3]

    # ---- acting ----------------------------------------------------------
    def click(self, node, button=1, at=None):
        x, y, w, h = self.screen_rect(node)
        fx, fy = at if at is not None else (0.5, 0.5)
        xdotool("mousemove", "--sync", int(x + fx * w), int(y + fy * h))
        time.sleep(0.05)
        xdotool("click", button)
        time.sleep(0.15)

    def key(self, *keys):
        xdotool("key", "--clearmodifiers", *keys)
        time.sleep(0.1)

    def type(self, text):
        xdotool("type", "--delay", 15, "--", text)
        time.sleep(0.1)

    def save_through_dialog(self, title, path, timeout=15):
        """In the file dialog titled @title: the name field gets @path (a
        full path: GTK's chooser takes it), then Return; waits for the file."""
        self.toplevel(title, timeout=timeout)
        # Its X window mapped and holding the keyboard, as a window manager
        # would give it (Xvfb has none), before a key is pressed.
        deadline = time.time() + timeout
        wid = ""
        while not wid and time.time() < deadline:
            wid = xdotool("search", "--onlyvisible", "--name", "^" + title).split()
            wid = wid[-1] if wid else ""
            time.sleep(0.1)
        if not wid:
            raise DriveError(f"the window {title!r} was not mapped")
        xdotool("windowfocus", "--sync", wid)
        time.sleep(0.2)
        before = os.stat(path).st_mtime_ns if os.path.exists(path) else None
        self.key("ctrl+a")
        self.type(path)
        self.key("Return")
        deadline = time.time() + timeout
        while time.time() < deadline:
            if os.path.exists(path) and os.stat(path).st_mtime_ns != before:
                self.toplevel_gone(title, timeout=5)
                return True
            time.sleep(0.1)
        return False


def screenshot(fbdir, out_png):
    """What the virtual screen shows (Xvfb -fbdir), as a PNG."""
    here = os.path.dirname(os.path.abspath(__file__))
    subprocess.run(["/usr/bin/python3", os.path.join(here, "xwd2png.py"),
                    os.path.join(fbdir, "Xvfb_screen0"), out_png], check=False)
