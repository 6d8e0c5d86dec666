# pfmsession.py - one interaction test's session: a private Xvfb, the app
# started on it and found on the accessibility bus (pfmdrive.App), TAP
# output on the descriptor test-interaction.sh gives it.
#
# Copyright 2026 The PFM Explorer developers
# SPDX-License-Identifier: GPL-3.0-or-later
import os
import re
import shutil
import subprocess
import sys
import time

import pfmdrive
from pfmdrive import App, DriveError


class Tap:
    """TAP lines on PFM_TAP_FD (test-interaction.sh), else stdout."""

    def __init__(self):
        fd = os.environ.get("PFM_TAP_FD")
        self.out = os.fdopen(int(fd), "w", buffering=1) if fd else sys.stdout
        self.n = 0
        self.failed = 0

    def report(self, ok, desc, *diag):
        self.n += 1
        if not ok:
            self.failed += 1
        print(f"{'ok' if ok else 'not ok'} {self.n} - {desc}", file=self.out)
        for d in diag:
            for line in str(d).splitlines():
                print(f"# {line}", file=self.out)
        self.out.flush()

    def finish(self):
        """The plan, always (a step that could not go on was a failure)."""
        print(f"1..{self.n}", file=self.out)
        self.out.flush()
        return 1 if self.failed or self.n == 0 else 0


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
        try:
            with open(self.log_path, errors="replace") as f:
                return ["app stderr: " + l.rstrip() for l in f.readlines()[-n:]]
        except OSError:
            return []
