#!/usr/bin/python3
# test-interaction-edit.py - editing a project as a user does (TAP): a
# refused value gives a plain message in the field's unit and is not
# applied; a corrected value, Tab or Escape clears it; Ctrl+Z / Ctrl+Shift+Z
# and the menu's Undo undo and redo over the whole project (a preset load
# too); a preset load and Ctrl+N with unsaved edits ask first; a defect
# setting re-runs the propagation.
#
#   test-interaction-edit.py PFM_EXPLORER OUTDIR      (under dbus-run-session)
#
# Copyright 2026 The PFM Explorer developers
# SPDX-License-Identifier: GPL-3.0-or-later
import os
import re
import subprocess
import sys
import time
import traceback

import pyatspi

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pfmdrive  # noqa: E402
import pfmsession  # noqa: E402
from pfmdrive import name, role  # noqa: E402
from pfmsession import Session, report, selected_tab  # noqa: E402

APP, OUT = sys.argv[1], sys.argv[2]
pfmsession.start(OUT)   # TAP on its descriptor, a fresh OUT

WAVELENGTH = "Wavelength λ (nm)"


def field(s, label):
    return s.app.find(role_is="text", name_is=label)


def text_of(node):
    try:
        t = node.queryText()
        return t.getText(0, t.characterCount)
    except Exception:
        return None


def labels(s, startswith=None, pattern=None):
    out = []
    for n in s.app.find_all(role_is="label", startswith=startswith):
        nm = n.name or ""
        if pattern is None or re.search(pattern, nm):
            out.append(nm)
    return out


def title(s):
    """The main window's title: "• " in front while there are unsaved edits."""
    return next((f.name for f in s.app.frames() if (f.name or "").endswith("PFM Explorer")), "")


def replace_text(s, node, text, then="Return"):
    s.app.click(node)
    s.app.key("ctrl+a")
    s.app.type(text)
    if then:
        s.app.key(then)
    time.sleep(0.4)


def wait_for(pred, timeout=10):
    return pfmsession.wait_for(pred, timeout, poll=0.2)


def check_validation(s):
    wl = field(s, WAVELENGTH)
    start = text_of(wl)
    report(start == "1550", f"the wavelength field shows the default 1550 nm ({start!r})")

    replace_text(s, wl, "-5")
    msgs = wait_for(lambda: labels(s, startswith="Wavelength λ must"))
    ok = bool(msgs) and re.fullmatch(r"Wavelength λ must be between [0-9.e+]+ and [0-9.e+]+ nm\.", msgs[0])
    report(ok, "-5 nm is refused with the range in nm, in words", *msgs)
    markup = labels(s, pattern=r"<span|optics\.wavelength")
    report(not markup, "no markup and no internal key is shown", *markup)
    report(not title(s).startswith("•"), f"the refused value is not applied (title {title(s)!r})")
    s.shot("edit-refused")

    replace_text(s, wl, "abc")
    msgs = wait_for(lambda: labels(s, startswith="Wavelength λ must be a number"))
    report(bool(msgs), "abc is refused as not a number", *msgs)
    replace_text(s, wl, "1550", then="Tab")
    gone = wait_for(lambda: not labels(s, startswith="Wavelength λ must"))
    report(gone, "typing the value in force and Tab clears the message")

    replace_text(s, wl, "1e20")
    msgs = wait_for(lambda: labels(s, startswith="Wavelength λ must be between"))
    report(bool(msgs), "1e20 nm: the whole range is shown", *msgs)
    s.app.click(wl)
    s.app.key("Escape")
    gone = wait_for(lambda: not labels(s, startswith="Wavelength λ must"))
    report(gone and text_of(wl) == "1550", f"Escape restores the value in force ({text_of(wl)!r}) and clears the message")

    replace_text(s, wl, "1,31e3")
    ok = wait_for(lambda: text_of(field(s, WAVELENGTH)) == "1310")
    report(ok, f"1,31e3 (a decimal comma) is accepted as 1310 nm ({text_of(field(s, WAVELENGTH))!r})")


def check_undo(s):
    wl = field(s, WAVELENGTH)
    replace_text(s, wl, "1600")
    report(wait_for(lambda: title(s).startswith("•")), f"an applied edit marks the project unsaved ({title(s)!r})")
    s.app.click(field(s, WAVELENGTH))
    s.app.key("ctrl+z")
    undone = wait_for(lambda: text_of(field(s, WAVELENGTH)) == "1310")
    report(undone, f"Ctrl+Z in the field undoes the project's last edit ({text_of(field(s, WAVELENGTH))!r})")
    s.app.key("ctrl+shift+z")
    ok = wait_for(lambda: text_of(field(s, WAVELENGTH)) == "1600")
    report(undone and ok, f"Ctrl+Shift+Z redoes it ({text_of(field(s, WAVELENGTH))!r})")
    s.app.click(s.app.find(role_is="push button", name_is="Main menu"))
    s.app.click(s.app.find(role_is="menu item", name_is="Undo"))
    ok = wait_for(lambda: text_of(field(s, WAVELENGTH)) == "1310")
    report(ok, f"the main menu's Undo undoes it too ({text_of(field(s, WAVELENGTH))!r})")
    s.app.key("ctrl+shift+z")
    wait_for(lambda: text_of(field(s, WAVELENGTH)) == "1600")


def answer(s, heading, response):
    """Clicks @response ("Cancel", "Discard") in the dialog titled @heading."""
    dialog = s.app.toplevel(heading, timeout=10)
    deadline = time.time() + 10
    while True:
        buttons = [b for b in s.app.find_all(role_is="push button", within=dialog)
                   if response in (b.name or "").replace("_", "").split()]   # "_Cancel Cancel" in GTK 4.8
        if buttons or time.time() > deadline:
            break
        time.sleep(0.2)
    if not buttons:
        names = [b.name for b in s.app.find_all(visible=False, within=dialog)]
        raise RuntimeError(f"no {response!r} in the dialog {heading!r}: {names}")
    s.app.click(buttons[0])
    return s.app.toplevel_gone(heading)


def check_prompts(s):
    # A preset with unsaved edits: asked; Cancel keeps the edit.
    s.app.click(s.app.find(role_is="push button", name_is="Presets"))
    pname = "Linear regime: a fixed matrix"
    s.app.click(s.app.find(role_is="menu item", name_is=pname, timeout=5))
    try:
        s.shot("edit-preset-prompt")
        ok = answer(s, "Load the Preset?", "Cancel")
        report(ok and text_of(field(s, WAVELENGTH)) == "1600",
               f"a preset ({pname!r}) with unsaved edits asks first; Cancel keeps them")
    except Exception as e:
        report(False, "a preset with unsaved edits asks first", e)
    # Again, Discard: the preset is loaded, and Ctrl+Z brings the edits back.
    s.app.click(s.app.find(role_is="push button", name_is="Presets"))
    s.app.click(s.app.find(role_is="menu item", name_is=pname, timeout=5))
    try:
        answer(s, "Load the Preset?", "Discard")
        report(True, "Discard loads the preset")
    except Exception as e:
        report(False, "Discard loads the preset", e)
    # The preset may show another view: the sidebar's Optics group stays.
    s.app.key("alt+2")
    time.sleep(0.5)
    s.app.click(field(s, WAVELENGTH))
    s.app.key("Escape")
    s.app.key("ctrl+z")
    ok = wait_for(lambda: text_of(field(s, WAVELENGTH)) == "1600")
    report(ok, f"Ctrl+Z undoes the preset load ({text_of(field(s, WAVELENGTH))!r})")

    # Ctrl+N with unsaved edits: asked; Cancel keeps, Discard starts anew.
    s.app.key("ctrl+n")
    try:
        ok = answer(s, "Start a New Project?", "Cancel")
        report(ok and text_of(field(s, WAVELENGTH)) == "1600", "Ctrl+N with unsaved edits asks first; Cancel keeps them")
    except Exception as e:
        report(False, "Ctrl+N with unsaved edits asks first", e)
    s.app.key("ctrl+n")
    try:
        answer(s, "Start a New Project?", "Discard")
        ok = wait_for(lambda: text_of(field(s, WAVELENGTH)) == "1550" and not title(s).startswith("•"))
        report(ok, f"Discard starts a new project ({text_of(field(s, WAVELENGTH))!r}, {title(s)!r})")
    except Exception as e:
        report(False, "Discard starts a new project", e)


def focused(s):
    return [(n.getRoleName(), n.name) for n in s.app.nodes() if n.getState().contains(pyatspi.STATE_FOCUSED)]


def check_keyboard(s):
    """Tab: one stop per field.  F11 and one Escape: in and out of
    presentation mode, whatever has the focus."""
    s.app.click(field(s, WAVELENGTH))
    s.app.key("Tab")
    now = wait_for(lambda: ("text", "Refractive index n₀") in focused(s), timeout=5)
    report(now, f"Tab goes from one field to the next, one stop each ({focused(s)})")
    s.app.key("F11")
    hidden = s.app.gone(role_is="text", name_is=WAVELENGTH, timeout=10)
    s.app.key("Escape")
    back = wait_for(lambda: s.app.find_all(role_is="text", name_is=WAVELENGTH), timeout=10)
    report(hidden and bool(back), "F11 hides the sidebar; one Escape brings it back")
    # The sidebar button hides the parameters (a narrow window), F9 shows them.
    s.app.click(s.app.find(role_is="push button", name_is="Parameters sidebar"))
    hidden = s.app.gone(role_is="text", name_is=WAVELENGTH, timeout=10)
    s.app.key("F9")
    back = wait_for(lambda: s.app.find_all(role_is="text", name_is=WAVELENGTH), timeout=10)
    report(hidden and bool(back), "the sidebar button hides the parameters; F9 shows them again")
    # After a popover (the main menu's Open Recent) is closed with Escape,
    # the window's shortcuts work at once: Alt+3, Alt+2, Ctrl+?.
    s.app.click(s.app.find(role_is="push button", name_is="Main menu"))
    s.app.click(s.app.find(role_is="menu item", name_is="Open Recent"))
    time.sleep(0.5)
    s.app.key("Escape")
    s.app.key("Escape")
    time.sleep(0.5)
    s.app.key("alt+3")
    on3 = wait_for(lambda: selected_tab(s) == "Volume", timeout=5)
    s.app.key("alt+2")
    on2 = wait_for(lambda: selected_tab(s) == "Propagation", timeout=5)
    s.app.key("ctrl+question")
    try:
        help_shown = s.app.toplevel("Keyboard Shortcuts", timeout=10)
    except pfmdrive.DriveError:
        help_shown = None
    s.app.key("Escape")
    s.app.toplevel_gone("Keyboard Shortcuts", timeout=10)
    report(bool(on3) and bool(on2) and help_shown is not None,
           "after a popover closed with Escape, Alt+3, Alt+2 and Ctrl+? work at once",
           f"Alt+3: {bool(on3)}, Alt+2: {bool(on2)}, shortcuts window: {help_shown is not None}")


def menu_path(s, *items):
    """The main menu, then each item in turn (a submenu slides in)."""
    s.app.click(s.app.find(role_is="push button", name_is="Main menu"))
    for it in items:
        s.app.click(s.app.find(name_is=it, timeout=5))


def checked(s, *items):
    """Whether the main menu's item at @items is checked (the menu closed after)."""
    menu_path(s, *items[:-1])
    item = s.app.find(name_is=items[-1], timeout=5)
    on = item.getState().contains(pyatspi.STATE_CHECKED)
    s.app.key("Escape")
    time.sleep(0.3)
    s.app.key("Escape")
    return on


def check_preferences(s):
    """Units and Style in the main menu: the settings' own actions."""
    before = text_of(field(s, WAVELENGTH))
    menu_path(s, "Units", "SI (m, J, s)")
    si = wait_for(lambda: s.app.find_all(role_is="text", name_is="Wavelength λ (m)"))
    value = text_of(si[0]) if si else None
    try:
        same = abs(float(value) * 1e9 - float(before)) < 1e-6 * float(before)
    except (TypeError, ValueError):
        same = False
    report(bool(si) and same, "Units → SI shows the wavelength in metres, the same value",
           f"before: {before!r} nm", f"after: {value!r} m")
    report(checked(s, "Units", "SI (m, J, s)"), "the menu then shows SI checked")
    menu_path(s, "Units", "Engineering (nm, µm, pJ…)")
    back = wait_for(lambda: s.app.find_all(role_is="text", name_is=WAVELENGTH))
    report(bool(back) and text_of(back[0]) == before, "Units → Engineering brings nm back",
           f"field: {text_of(back[0]) if back else None!r}")
    menu_path(s, "Style", "Dark")
    time.sleep(0.5)
    s.shot("edit-dark")
    report(checked(s, "Style", "Dark"), "Style → Dark is then checked in the menu")
    menu_path(s, "Style", "Follow System")
    report(checked(s, "Style", "Follow System"), "Style → Follow System is then checked")


def progress_value(node):
    try:
        return node.queryValue().currentValue
    except Exception:
        return None


def check_defects_rerun(s):
    """A defect setting changes the run: the Propagation view re-runs (its
    progress bar leaves 100 % and comes back)."""
    s.app.key("alt+2")
    bar = s.app.find(role_is="progress bar", name_is="Propagation progress")
    done = wait_for(lambda: progress_value(bar) == 1.0, timeout=120)
    report(done, f"the first run completes (progress {progress_value(bar)})")
    s.app.key("alt+4")   # the Defects view's sidebar holds the defect settings, on top
    time.sleep(0.5)
    sigma = s.app.find(role_is="text", startswith="Write error σ")
    replace_text(s, sigma, "0.05", then=None)
    s.app.key("Return")
    seen = []
    deadline = time.time() + 30
    while time.time() < deadline:
        v = progress_value(bar)
        seen.append(v)
        if v is not None and v < 1.0:
            break
        time.sleep(0.05)
    restarted = any(v is not None and v < 1.0 for v in seen)
    done = wait_for(lambda: progress_value(bar) == 1.0, timeout=120)
    report(restarted and done, "a defect setting re-runs the propagation (its progress left 100 % and came back)",
           f"progress seen: {sorted(set(v for v in seen if v is not None))[:6]}")


def french_locale():
    """fr_FR.UTF-8 built privately (Debian's locales package has the
    sources; the machine need not have generated it): LOCPATH, or None."""
    loc = os.path.join(OUT, "locale")
    os.makedirs(loc, exist_ok=True)
    subprocess.run(["localedef", "-i", "fr_FR", "-f", "UTF-8", os.path.join(loc, "fr_FR.UTF-8")],
                       capture_output=True)
    return loc if os.path.isdir(os.path.join(loc, "fr_FR.UTF-8")) else None


def check_french():
    """In French: the window is translated, "1,45" is accepted, and the
    project file is still written with a decimal point."""
    loc = french_locale()
    if loc is None:
        report(True, "# SKIP French: localedef could not build fr_FR.UTF-8")
        return
    env = {"LANG": "fr_FR.UTF-8", "LC_ALL": "fr_FR.UTF-8", "LOCPATH": loc}
    s = Session(APP, os.path.join(OUT, "fr"), args=("--size", "1600x1000"), env=env)
    try:
        tabs = [t.name for t in s.app.find_all(role_is="page tab")]
        report("Défauts" in tabs, f"French: the views are translated ({tabs[:6]})")
        # Every number on the Scaling view (its Table 1, its diagnostics)
        # in the locale's form: no "1.03 mm" beside "2,38e+04×".
        s.app.key("alt+1")
        cells = wait_for(lambda: [n.name for n in s.app.find_all(role_is="label") if re.search(r"\d,\d", n.name)], 20)
        dotted = [n.name for n in s.app.find_all(role_is="label") if re.search(r"\d\.\d", n.name)]
        report(bool(cells) and not dotted, "French: the Scaling view writes every number with the decimal comma",
               f"with a comma: {len(cells or [])}, e.g. {(cells or [''])[:3]}", *[f"with a point: {t}" for t in dotted[:5]])
        s.app.key("alt+2")
        n0 = s.app.find(role_is="text", name_is="Indice de réfraction n₀")
        replace_text(s, n0, "1,45")
        ok = wait_for(lambda: text_of(s.app.find(role_is="text", name_is="Indice de réfraction n₀")) == "1,45")
        report(ok, f"French: 1,45 is accepted and shown with the locale's comma ({text_of(n0)!r})")
        wl = s.app.find(role_is="text", name_is="Longueur d’onde λ (nm)")
        replace_text(s, wl, "1550.5")
        ok = wait_for(lambda: text_of(s.app.find(role_is="text", name_is="Longueur d’onde λ (nm)")) == "1550,5")
        report(ok, f"French: 1550.5 (the C form) is accepted too, shown as 1550,5 ({text_of(wl)!r})")
        path = os.path.join(OUT, "fr", "fr.pfm")
        s.app.key("ctrl+s")
        saved = s.app.save_through_dialog("Enregistrer le projet", path)
        text = open(path).read() if saved else ""
        report(saved and re.search(r"^n0=1\.45$", text, re.M) is not None
               and re.search(r"^wavelength=1\.5505e-0?6$", text, re.M) is not None,
               "French: the project file is written with decimal points (n0=1.45, wavelength=1.5505e-06)",
               *[l for l in text.splitlines() if l.startswith(("n0", "wavelength"))])
        s.shot("edit-french")
    except Exception:
        report(False, "the French session ran to its end", traceback.format_exc(), *s.stderr_tail())
    finally:
        problems = s.stderr_problems()
        s.close()
    report(not problems, "French: the app's stderr has no CRITICAL or WARNING line", *problems[:8])


def nested(outer, inner):
    """Whether @inner lies in @outer's subtree (a menu button's own toggle)."""
    n = inner
    for _ in range(40):
        try:
            n = n.parent
        except Exception:
            return False
        if n is None:
            return False
        if n == outer:
            return True
    return False


# The one picture buttons float over by design: the 3D view's camera and
# slice-plane buttons, which must then lie wholly inside it.
FLOATS_OVER = "3D view of the light in the tube"


def overlaps(items, others, slack=1):
    """(a, b) for each a in @items that overlaps b in @others by more than
    @slack pixels each way (linked buttons share an edge), but for a lying
    wholly inside FLOATS_OVER."""
    out = []
    for a in items:
        ea = pfmdrive.extents(a)
        for b in others:
            eb = pfmdrive.extents(b)
            if a == b or ea is None or eb is None or nested(a, b) or nested(b, a):
                continue
            w = min(ea[0] + ea[2], eb[0] + eb[2]) - max(ea[0], eb[0])
            h = min(ea[1] + ea[3], eb[1] + eb[3]) - max(ea[1], eb[1])
            inside = (ea[0] >= eb[0] and ea[1] >= eb[1] and ea[0] + ea[2] <= eb[0] + eb[2]
                      and ea[1] + ea[3] <= eb[1] + eb[3])
            if w > slack and h > slack and not (inside and name(b) == FLOATS_OVER):
                out.append((a, b))
    return out


def check_small_window():
    """At 800x600 (a small laptop, a projector) every view's buttons are on
    screen: inside the window, or brought into it when they take the
    keyboard focus (a toolbar that scrolls sideways); the window itself
    fits the screen."""
    s = Session(APP, os.path.join(OUT, "small"), size="800x600", args=("--size", "800x600"))
    try:
        frame = s.app.frames()[0]
        wx, wy, ww, wh = pfmdrive.extents(frame)
        report(ww <= 800 and wh <= 600, f"800x600: the window fits the screen ({ww}x{wh})")
        for i, view in enumerate(pfmsession.VIEW_CLASS, start=1):
            s.app.key(f"alt+{i}")
            time.sleep(1.0)

            def outside(n):
                e = pfmdrive.extents(n)
                return e is None or e[0] < 0 or e[1] < 0 or e[0] + e[2] > ww or e[1] + e[3] > wh
            buttons = [n for n in pfmsession.on_screen(s, view) if role(n) == "push button" and name(n)]
            lost = []
            for b in buttons:
                if outside(b):
                    try:
                        b.queryComponent().grabFocus()
                    except Exception:
                        pass
                    time.sleep(0.4)
                    if outside(b):
                        lost.append(f"{name(b)} at {pfmdrive.extents(b)}")
            report(bool(buttons) and not lost, f"800x600, {view}: all {len(buttons)} buttons reachable",
                   *lost[:6])
            # Nothing floats over what it does not belong to: a button lies
            # off every picture but the 3D view, and off every other button.
            nodes = pfmsession.on_screen(s, view)
            pressable = [n for n in nodes if role(n) == "push button" and name(n)]   # toggles too, in GTK 4.8
            pictures = [n for n in nodes if role(n) == "image" and name(n) != "GtkImage"]
            clashes = [f"{name(a)!r} over {name(b)!r}" for a, b in overlaps(pressable, pictures + pressable)]
            report(not clashes, f"800x600, {view}: no button overlaps a picture or another button", *clashes[:6])
            if view == "Sweep":   # the other views' names are checked in app-interaction and -training
                pfmsession.check_names(s, view, pfmsession.VIEW_CLASS)
            s.shot(f"small-{view.lower()}")
    except Exception:
        report(False, "the small-window session ran to its end", traceback.format_exc(), *s.stderr_tail())
    finally:
        s.close()


def main():
    try:
        s = Session(APP, OUT, args=("--size", "1600x1000"))
    except Exception as e:
        report(False, "the app starts and shows its window on the accessibility bus", e)
        return pfmsession.plan()
    try:
        s.app.key("alt+2")
        time.sleep(0.5)
        check_validation(s)
        check_undo(s)
        check_prompts(s)
        check_keyboard(s)
        check_preferences(s)
        check_defects_rerun(s)
        s.shot("edit-end")
    except Exception:
        report(False, "the session ran to its end", traceback.format_exc(), *s.stderr_tail())
    finally:
        problems = s.stderr_problems()
        s.close()
    report(not problems, "the app's stderr has no CRITICAL or WARNING line", *problems[:8])
    check_french()
    check_small_window()
    return pfmsession.plan()


if __name__ == "__main__":
    sys.exit(main())
