"""A throw-away X desktop for end-to-end tests: Xvfb, optionally openbox and a trayer tray host.

Every helper process is started with Popen and ended by pid (PID 1 here does not reap orphans);
``Desktop.__exit__`` tears everything down even when the test failed.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
TRAY_SELECTION = "_NET_SYSTEM_TRAY_S0"
TRAYER_CLASS = ("panel", "trayer")
APT_HINT = "apt-get install xvfb xdotool x11-utils trayer openbox"


def missing_tools(*, wm: bool = False, tray: bool = False) -> list[str]:
    """Names of the programs a Desktop with these options needs but cannot find on PATH."""
    needed = ["Xvfb", "xdotool"] + (["openbox"] if wm else []) + (["trayer"] if tray else [])
    return [name for name in needed if shutil.which(name) is None]


def skip_reason(missing: Sequence[str]) -> str:
    """The loud one-line reason an e2e test gives when it must skip."""
    return f"E2E SKIPPED: missing {', '.join(missing)} on PATH ({APT_HINT})"


@dataclass(frozen=True)
class Geometry:
    """A window's position on the root window and its size, in pixels."""

    x: int
    y: int
    width: int
    height: int

    @property
    def centre(self) -> tuple[int, int]:
        return self.x + self.width // 2, self.y + self.height // 2


def request_fullscreen(conn: Any, win: int, on: bool = True) -> None:
    """Ask the window manager of the X display ``conn`` (python-xlib) to put window ``win`` in
    full screen or take it out: the EWMH _NET_WM_STATE client message, as wmctrl sends it."""
    from Xlib import X
    from Xlib.protocol import event

    root = conn.screen().root
    message = event.ClientMessage(
        window=conn.create_resource_object("window", win),
        client_type=conn.intern_atom("_NET_WM_STATE"),
        data=(32, [1 if on else 0, conn.intern_atom("_NET_WM_STATE_FULLSCREEN"), 0, 1, 0]))
    root.send_event(message, event_mask=X.SubstructureRedirectMask | X.SubstructureNotifyMask)
    conn.flush()


def active_is_fullscreen(conn: Any) -> bool:
    """Whether the window manager's active window (_NET_ACTIVE_WINDOW) is full screen."""
    from Xlib import Xatom

    active = conn.screen().root.get_full_property(conn.intern_atom("_NET_ACTIVE_WINDOW"),
                                                  Xatom.WINDOW)
    if active is None or not len(active.value) or not active.value[0]:
        return False
    state = conn.create_resource_object("window", int(active.value[0])).get_full_property(
        conn.intern_atom("_NET_WM_STATE"), Xatom.ATOM)
    return state is not None and conn.intern_atom("_NET_WM_STATE_FULLSCREEN") in list(state.value)


def wait_until(predicate: Callable[[], Any], timeout: float, step: float = 0.02) -> Any:
    """Poll ``predicate`` until it returns something truthy; return it, or the last falsy value."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(step)


class Desktop:
    """Xvfb at ``size`` (+ openbox if ``wm``, + trayer if ``tray``, with ``tray_options`` added
    to its command line, e.g. a ``--tint``); use as a context manager."""

    def __init__(
        self,
        size: tuple[int, int] = (1024, 768),
        *,
        wm: bool = False,
        tray: bool = False,
        tray_options: Sequence[str] = (),
        display_number: int | None = None,
        start_timeout: float = 10.0,
        auth: Path | None = None,
    ) -> None:
        self.size = size
        self.wm = wm
        self.tray = tray
        self.tray_options = tuple(tray_options)
        self.display_number = display_number
        self.start_timeout = start_timeout
        self.auth = auth   # an Xauthority file whose cookies the server demands (-auth)
        self.display_name = ""
        self.env: dict[str, str] = {}
        self._procs: list[subprocess.Popen[bytes]] = []
        self.tray_proc: subprocess.Popen[bytes] | None = None
        self._stoppers: list[Callable[[], None]] = []
        self._xlib: Any = None
        self._lock = threading.Lock()
        # Held for each pointer gesture: simulate_work's moves must not land between a click's
        # move and its press (seen once in CI: the click hit the screen centre, not the icon).
        self._pointer = threading.Lock()

    # -- lifecycle -------------------------------------------------------------------------

    def __enter__(self) -> Desktop:
        try:
            self._start_xvfb()
            if self.wm:
                self._start_openbox()
            if self.tray:
                self.start_tray(*self.tray_options)
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop background helpers, then every process, newest first; close our X connection."""
        for stop in reversed(self._stoppers):
            stop()
        self._stoppers.clear()
        if self._xlib is not None:
            with contextlib.suppress(Exception):  # the server may already be gone
                self._xlib.close()
            self._xlib = None
        for proc in reversed(self._procs):
            end_process(proc)
        self._procs.clear()

    def kill_server(self) -> None:
        """End the X server abruptly, as at logout: every client's connection closes at once."""
        xvfb = self._procs[0]
        xvfb.kill()
        xvfb.wait(timeout=5)

    def spawn(self, argv: Sequence[str], **popen: Any) -> subprocess.Popen[bytes]:
        """Start a program on this display; it is ended (by pid) when the desktop closes."""
        env = dict(self.env)
        env.update(popen.pop("env", {}) or {})
        popen.setdefault("stdin", subprocess.DEVNULL)
        popen.setdefault("stdout", subprocess.DEVNULL)
        popen.setdefault("stderr", subprocess.DEVNULL)
        proc: subprocess.Popen[bytes] = subprocess.Popen(list(argv), env=env, **popen)
        self._procs.append(proc)
        return proc

    def _start_xvfb(self) -> None:
        read_fd, write_fd = os.pipe()
        w, h = self.size
        argv = ["Xvfb"] + ([f":{self.display_number}"] if self.display_number is not None else [])
        argv += ["-displayfd", str(write_fd), "-screen", "0", f"{w}x{h}x24"]
        # -noreset: the server must not reset (and forget selections, idle counters) whenever
        # its last client disconnects between two xdotool calls.
        argv += ["-nolisten", "tcp", "-noreset"]
        argv += ["-auth", str(self.auth)] if self.auth is not None else []
        # Xvfb's chatter goes to a file, not a pipe nobody drains.
        errors = tempfile.TemporaryFile()  # noqa: SIM115 - outlives this block on failure
        try:
            proc = subprocess.Popen(
                argv, pass_fds=(write_fd,), stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=errors,
            )
            self._procs.append(proc)
        finally:
            os.close(write_fd)
        with os.fdopen(read_fd, "rb") as pipe:
            number = pipe.readline().strip()  # EOF (b"") if Xvfb died
        if not number:
            errors.seek(0)
            raise RuntimeError(f"Xvfb did not start: {errors.read()[-500:].decode().strip()}")
        errors.close()
        self.display_name = f":{int(number)}"
        self.display_number = int(number)
        self.env = {
            **os.environ, "DISPLAY": self.display_name, "XDG_SESSION_TYPE": "x11",
            "NO_AT_BRIDGE": "1",
        }
        self.env.pop("WAYLAND_DISPLAY", None)
        if self.auth is not None:
            self.env["XAUTHORITY"] = str(self.auth)
        # Not the session bus of whatever desktop runs the tests: a StatusNotifier host there
        # would make the app under test choose appindicator. sni_host.py sets a private one.
        self.env.pop("DBUS_SESSION_BUS_ADDRESS", None)

    def _start_openbox(self) -> None:
        self.spawn(["openbox", "--sm-disable"])
        root = self.x().screen().root
        atom = self.x().intern_atom("_NET_SUPPORTING_WM_CHECK")
        if not wait_until(lambda: root.get_full_property(atom, 0), self.start_timeout):
            raise RuntimeError("openbox did not take over the screen")

    def start_tray(self, *options: str) -> subprocess.Popen[bytes]:
        """Start trayer (``options`` added to its command line) and wait until it owns the
        system-tray selection (start it before apps)."""
        proc = self.spawn(["trayer", "--edge", "top", "--align", "right", "--height", "24",
                           "--widthtype", "request", "--SetDockType", "true", *options])
        if not wait_until(self.tray_owner, self.start_timeout):
            raise RuntimeError(f"trayer did not claim {TRAY_SELECTION}")
        self.tray_proc = proc
        return proc

    def stop_tray(self, *, hard: bool = False) -> None:
        """End the running trayer (SIGTERM, or SIGKILL when ``hard``: a panel crashing) and
        wait until nothing owns the system-tray selection."""
        proc, self.tray_proc = self.tray_proc, None
        if proc is None:
            raise RuntimeError("no trayer is running on this desktop")
        if hard:
            proc.kill()
            proc.wait(timeout=5)
        end_process(proc)
        self._procs.remove(proc)
        if not wait_until(lambda: not self.tray_owner(), self.start_timeout):
            raise RuntimeError(f"{TRAY_SELECTION} still owned after trayer ended")

    # -- X queries -------------------------------------------------------------------------

    def x(self) -> Any:
        """The harness's own python-xlib connection to this display (opened on first use)."""
        if self._xlib is None:
            from Xlib import display as xdisplay

            self._xlib = xdisplay.Display(self.display_name)
        return self._xlib

    def tray_owner(self) -> int:
        """Window id owning ``_NET_SYSTEM_TRAY_S0``, 0 if none (xprop/xdotool cannot tell)."""
        with self._lock:
            conn = self.x()
            owner = conn.get_selection_owner(conn.intern_atom(TRAY_SELECTION))
            return int(owner.id) if owner else 0

    def idle_ms(self) -> int:
        """Milliseconds since the last input, as the X server (MIT-SCREEN-SAVER) sees it."""
        with self._lock:
            return int(self.x().screen().root.screensaver_query_info().idle)

    def _window(self, win: int) -> Any:
        return self.x().create_resource_object("window", win)

    def geometry(self, win: int) -> Geometry:
        """Root-relative position and size of window ``win``."""
        with self._lock:
            w = self._window(win)
            g = w.get_geometry()
            pos = w.translate_coords(self.x().screen().root, 0, 0)
            return Geometry(-pos.x, -pos.y, g.width, g.height)

    def ancestors(self, win: int) -> list[int]:
        """Window ids from ``win``'s parent up to (not including) the root."""
        with self._lock:
            root = self.x().screen().root.id
            chain: list[int] = []
            w = self._window(win)
            while True:
                parent = w.query_tree().parent
                if not parent or parent.id == root:
                    return chain
                chain.append(int(parent.id))
                w = parent

    def is_docked(self, win: int) -> bool:
        """True when ``win``'s parent chain reaches trayer's ("panel", "trayer") window."""
        try:
            chain = self.ancestors(win)
            with self._lock:
                return any(self._window(w).get_wm_class() == TRAYER_CLASS for w in chain)
        except Exception:  # the window vanished (BadWindow): not docked
            return False

    def is_viewable(self, win: int) -> bool:
        """True when the window and all its ancestors are mapped."""
        from Xlib import X

        with self._lock:
            return bool(self._window(win).get_attributes().map_state == X.IsViewable)

    def set_fullscreen(self, win: int, on: bool = True) -> None:
        """Ask the window manager (EWMH, as wmctrl -b add,fullscreen does) to put ``win`` in
        full screen, or take it out; then give it the focus."""
        with self._lock:
            request_fullscreen(self.x(), win, on)
        self.xdotool("windowactivate", "--sync", win, check=False)

    def active_fullscreen(self) -> bool:
        """What the window manager says: the active window's _NET_WM_STATE has FULLSCREEN."""
        with self._lock:
            return active_is_fullscreen(self.x())

    # -- xdotool ---------------------------------------------------------------------------

    def xdotool(self, *args: str | int, timeout: float = 10.0, check: bool = True) -> str:
        """Run xdotool on this display; return its stdout."""
        done = subprocess.run(
            ["xdotool", *map(str, args)], env=self.env, capture_output=True,
            timeout=timeout, check=False,
        )
        if check and done.returncode not in (0, 1):
            raise RuntimeError(f"xdotool {args} failed: {done.stderr.decode().strip()}")
        return done.stdout.decode()

    def find_windows(self, name: str | None = None, classname: str | None = None,
                     class_: str | None = None) -> list[int]:
        """Ids of windows (mapped or not) whose name / WM_CLASS instance / class match (regex)."""
        args: list[str] = ["search"]
        for flag, value in (("--name", name), ("--classname", classname), ("--class", class_)):
            if value is not None:
                args += [flag, value]
        if len(args) == 1:
            raise ValueError("find_windows needs name, classname or class_")
        if len(args) > 3:
            args.insert(1, "--all")
        for _ in range(20):
            done = subprocess.run(["xdotool", *args], env=self.env, capture_output=True,
                                  timeout=10.0, check=False)
            # A window destroyed while xdotool walks the tree (another client's closing) ends
            # the whole search with BadWindow and no output: that is no answer, so ask again.
            if b"BadWindow" not in done.stderr:
                break
            time.sleep(0.02)
        if done.returncode not in (0, 1):
            raise RuntimeError(f"xdotool {args} failed: {done.stderr.decode().strip()}")
        return [int(line) for line in done.stdout.decode().split()]

    def wait_for_window(self, name: str | None = None, classname: str | None = None,
                        class_: str | None = None, timeout: float = 5.0) -> int:
        """The first matching window once it exists; TimeoutError after ``timeout`` seconds."""
        found = wait_until(lambda: self.find_windows(name, classname, class_), timeout, 0.05)
        if not found:
            raise TimeoutError(f"no window name={name} classname={classname} class={class_} "
                               f"after {timeout} s")
        return int(found[0])

    def wait_docked(self, win: int, timeout: float = 2.0) -> bool:
        """Wait until ``win`` sits in the tray; False if it is not docked after ``timeout``."""
        return bool(wait_until(lambda: self.is_docked(win), timeout))

    def click(self, win: int, button: int = 1) -> None:
        """Move the pointer to the centre of ``win`` and click ``button``."""
        self.click_at(*self.geometry(win).centre, button=button)

    def click_at(self, x: int, y: int, button: int = 1) -> None:
        """Move the pointer to (``x``, ``y``) and click ``button``, with no other pointer move
        from this desktop (``simulate_work``) in between."""
        # No --sync: it waits for the pointer to move and hangs if it is already there.
        # XTEST input is processed in order, so the click lands at (x, y) anyway.
        with self._pointer:
            self.xdotool("mousemove", x, y, "click", button)

    # -- pictures and fake work ------------------------------------------------------------

    def screenshot(self, path: str | Path) -> Path:
        """Save the whole screen as PNG; a relative path goes under tests/artifacts/."""
        from PIL import ImageGrab

        target = Path(path)
        if not target.is_absolute():
            target = ARTIFACTS / target
        target.parent.mkdir(parents=True, exist_ok=True)
        ImageGrab.grab(xdisplay=self.display_name).save(target)
        return target

    def simulate_work(self, every_s: float = 2.0) -> Callable[[], None]:
        """Move the mouse every ``every_s`` seconds in the background (resets X idle time).

        Returns a stop function; the desktop also stops it on close. ``mousemove`` to the same
        spot resets idle time, ``mousemove_relative 0 0`` would not.
        """
        stop = threading.Event()
        spots = ((self.size[0] // 2, self.size[1] // 2), (self.size[0] // 2 + 3, self.size[1] // 2))

        def work() -> None:
            turn = 0
            while not stop.is_set():
                x, y = spots[turn % 2]
                try:
                    with self._pointer:
                        self.xdotool("mousemove", x, y)
                except Exception:  # the display is going away; the test is over
                    return
                turn += 1
                stop.wait(every_s)

        thread = threading.Thread(target=work, name="simulate-work", daemon=True)
        thread.start()

        def halt() -> None:
            stop.set()
            thread.join(timeout=5)

        self._stoppers.append(halt)
        return halt


def end_process(proc: subprocess.Popen[Any], grace: float = 3.0) -> int | None:
    """Terminate ``proc`` by pid, kill it if it lingers, and reap it. Returns its exit status."""
    if proc.poll() is None:
        try:
            proc.terminate()
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=grace)
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()
    return proc.returncode


@contextmanager
def desktop(size: tuple[int, int] = (1024, 768), *, wm: bool = False,
            tray: bool = False) -> Iterator[Desktop]:
    """``with desktop(tray=True) as d:`` — a Desktop, cleaned up on exit."""
    with Desktop(size, wm=wm, tray=tray) as d:
        yield d
