"""Starting the tray process: one instance per user (or a hand-over to the running one), logging,
the checks of the graphical session, the tray host (a StatusNotifier host, or an XEmbed tray)
and the windows' toolkit (Tk). Each failure is a one-line UserError saying what is missing and
what to install."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from traybreak import paths
from traybreak.app.control_socket import InstanceLock, NotRunning, request
from traybreak.app.environment import this_session
from traybreak.app.first_run import is_first_run
from traybreak.app.tray_app import App
from traybreak.errors import ExitStatus, UserError
from traybreak.platform.tray.choice import find_tray
from traybreak.platform.tray.x11_host import tray_host_present
from traybreak.platform.xlib_lean import load_only_needed_extensions

log = logging.getLogger(__name__)

TRAY_WAIT_ENV = "TRAYBREAK_TRAY_WAIT"
# At login the tray host may start after us (Safe Eyes #636): wait this long before giving up.
DEFAULT_TRAY_WAIT_S = 30.0
TK_PACKAGES = "python3-tk on Debian/Ubuntu, python3-tkinter on Fedora, tk on Arch"


def run(config_override: str | None, debug: bool = False) -> int:
    """`traybreak run`: start the tray, or hand over to the one already running."""
    setup_logging(debug)
    try:
        runtime = paths.runtime_dir()
    except paths.NoPrivateDir as err:
        raise UserError(str(err), ExitStatus.FAILURE) from None
    lock = InstanceLock(runtime / "instance.lock")
    if not lock.acquire():
        return _hand_over(runtime)
    tk_check = start_tk_check()  # runs while the session and the tray host are checked
    try:
        load_only_needed_extensions()  # before the first X connection: see platform/xlib_lean.py
        backend = check_session()
        finish_tk_check(tk_check)
        config = paths.config_file(config_override)
        welcome = is_first_run(config, paths.log_db(), paths.welcome_marker())  # before the log
        return App(config, runtime, backend, this_session(), welcome=welcome).run()
    finally:
        if tk_check.poll() is None:  # the session check failed first: reap it, it says nothing
            tk_check.kill()
        tk_check.wait()
        lock.release()


def _hand_over(runtime: Path) -> int:
    try:
        reply = request(runtime, {"cmd": "show-panel"})
    except NotRunning as err:
        log.warning("another traybreak holds the lock but does not answer: %s", err)
        print("traybreak is already starting; try again in a moment")
        return ExitStatus.OK
    print(f"traybreak is already running (pid {reply.get('pid', '?')}); showing its menu")
    return ExitStatus.OK


def setup_logging(debug: bool) -> None:
    """Log to stderr and to a rotating file in the user log dir (kept small)."""
    if sys.stderr is None:  # pythonw on Windows: no console streams at all
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in list(root.handlers):
        root.removeHandler(handler)
    stderr = logging.StreamHandler()
    stderr.setFormatter(logging.Formatter("traybreak: %(levelname)s: %(message)s"))
    stderr.setLevel(logging.DEBUG if debug else logging.INFO)
    if not debug:
        stderr.addFilter(for_the_terminal)
    root.addHandler(stderr)
    # The file says when the user was at the desk: theirs alone, 0600 in a 0700 folder.
    log_dir = paths.app_log_dir()
    problem = paths.private_dir_problem(log_dir)
    if problem is not None:
        log.warning("not writing the log file: %s", problem)
        return
    try:
        to_file = CappedFileHandler(log_dir / "traybreak.log")
        to_file.setFormatter(formatter)
        root.addHandler(to_file)
    except OSError as err:
        log.warning("cannot write the log file: %s", err)


def for_the_terminal(record: logging.LogRecord) -> bool:
    """The terminal (without --debug) shows warnings and worse, and the INFO lines logged with
    ``extra={"terminal": True}`` (the one line saying the tray runs, and with what)."""
    return record.levelno >= logging.WARNING or bool(getattr(record, "terminal", False))


class CappedFileHandler(logging.FileHandler):
    """A log file kept under ``max_bytes``: when full it becomes ``NAME.1`` (the older ``.1``
    becomes ``.2``) and a new one starts.

    What logging.handlers.RotatingFileHandler does, without importing logging.handlers, whose
    socket and pickle handlers would cost the tray process ~0.5 MB for nothing.
    """

    def __init__(self, path: Path, max_bytes: int = 512_000, backups: int = 2) -> None:
        self.path, self.max_bytes, self.backups = path, max_bytes, backups
        self._told = False  # that a line could not be written
        for part in self._parts():  # made 0644 by an earlier version
            if part.exists() and part.stat().st_mode & 0o077:
                part.chmod(0o600)
        if path.exists() and path.stat().st_size >= max_bytes:
            self._shift()
        super().__init__(path, encoding="utf-8")

    def _open(self) -> Any:  # FileHandler's stream type differs between typeshed versions
        """The file as FileHandler opens it, created 0600 first (it says when the user was
        here; a plain open would make it 0644)."""
        os.close(os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))
        return super()._open()

    def _parts(self) -> list[Path]:
        return [self.path, *(self.path.with_name(f"{self.path.name}.{index}")
                             for index in range(1, self.backups + 1))]

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self.stream is not None and self.stream.tell() >= self.max_bytes:
                self.close()
                self._shift()
                self.stream = self._open()
        except OSError:
            self.handleError(record)
            return
        super().emit(record)

    def handleError(self, record: logging.LogRecord) -> None:  # logging's name
        """A line that cannot be written (a full disk, a file gone read-only): one warning on
        the terminal, the first time only, instead of logging's traceback for every line."""
        if not self._told:
            self._told = True
            problem = sys.exc_info()[1]
            why = getattr(problem, "strerror", None) or problem
            sys.stderr.write(f"traybreak: warning: cannot write the log file {self.path}: {why}; "
                             "carrying on without it until it can be written again\n")

    def _shift(self) -> None:
        for index in range(self.backups, 0, -1):
            older = self.path.with_name(f"{self.path.name}.{index}")
            newer = self.path.with_name(f"{self.path.name}.{index - 1}") if index > 1 else self.path
            if newer.exists():
                os.replace(newer, older)


def start_tk_check(env: Mapping[str, str] | None = None) -> subprocess.Popen[bytes]:
    """Start importing tkinter the way every window starts (this interpreter, -P, the same
    environment): the tray itself never loads Tk, and without it every prompt would fail."""
    return subprocess.Popen([sys.executable, "-P", "-c", "import tkinter"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env=None if env is None else dict(env))


def finish_tk_check(check: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    """A UserError naming the package to install when the windows could not import tkinter."""
    try:
        _, err = check.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:  # a stalled machine, not a missing Tk: let the tray start
        check.kill()
        check.communicate()
        return
    if check.returncode == 0:
        return
    why = (err.decode(errors="replace").strip().splitlines() or ["it failed"])[-1]
    raise UserError(f"cannot show break windows: Python's tkinter does not load ({why}): install "
                    f"it from your distribution ({TK_PACKAGES}), then start traybreak again",
                    ExitStatus.FAILURE)


def check_session(env: dict[str, str] | None = None) -> str:
    """Pick the tray backend (waiting a while on X11 for a tray that starts after us) and set
    PYSTRAY_BACKEND for ui/tray/icon.py; returns the backend ("" when pystray decides, off
    Linux). No tray at all is not an error: the "sni" icon then waits for a host."""
    env = dict(os.environ) if env is None else env
    if not sys.platform.startswith("linux"):
        return env.get("PYSTRAY_BACKEND", "")  # one backend per OS there
    if not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        raise UserError("no graphical session (DISPLAY is not set): start traybreak from your "
                        "desktop session, or let it start at login (traybreak autostart enable)",
                        ExitStatus.NO_DISPLAY)
    forced = env.get("PYSTRAY_BACKEND", "")
    if forced and forced != "xorg":
        return forced  # the user's choice; the tray says so if it cannot load
    display = env.get("DISPLAY")
    try:
        wait = float(env.get(TRAY_WAIT_ENV, DEFAULT_TRAY_WAIT_S))
    except ValueError:
        wait = DEFAULT_TRAY_WAIT_S
    if forced == "xorg":
        _wait_for_xembed_tray(display, wait)
        return forced
    backend = find_tray(env, lambda: bool(display) and tray_host_present(display), wait)
    os.environ["PYSTRAY_BACKEND"] = backend
    return backend


def _wait_for_xembed_tray(display: str | None, wait: float) -> None:
    """PYSTRAY_BACKEND=xorg: wait for an XEmbed tray, which that backend cannot run without."""
    if display is None:
        raise UserError("PYSTRAY_BACKEND=xorg needs an X display, and DISPLAY is not set",
                        ExitStatus.NO_DISPLAY)
    end = time.monotonic() + wait
    while not tray_host_present(display):
        if time.monotonic() >= end:
            raise UserError(
                f"no XEmbed system tray on display {display} (nothing owns _NET_SYSTEM_TRAY_S0 "
                f"after {wait:g} s), which PYSTRAY_BACKEND=xorg needs: start a panel with a "
                "notification area (e.g. trayer), or unset PYSTRAY_BACKEND", ExitStatus.NO_DISPLAY)
        time.sleep(0.25)
