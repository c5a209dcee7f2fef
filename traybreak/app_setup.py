"""Start-up checks and plumbing for the tray process: logging, the graphical session, the tray
host (XEmbed, or a StatusNotifier host for appindicator). Each failure is a one-line UserError
saying what is missing and what to install."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from traybreak import paths
from traybreak.errors import ExitStatus, UserError
from traybreak.platform.tray_backend import appindicator_possible, find_tray
from traybreak.platform.x11_tray import tray_host_present

log = logging.getLogger(__name__)

TRAY_WAIT_ENV = "TRAYBREAK_TRAY_WAIT"
# At login the tray host may start after us (Safe Eyes #636): wait this long before giving up.
DEFAULT_TRAY_WAIT_S = 30.0


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
    stderr.setLevel(logging.DEBUG if debug else logging.WARNING)
    root.addHandler(stderr)
    try:
        log_dir = paths.app_log_dir()
        log_dir.mkdir(parents=True, exist_ok=True)
        to_file = CappedFileHandler(log_dir / "traybreak.log")
        to_file.setFormatter(formatter)
        root.addHandler(to_file)
    except OSError as err:
        log.warning("cannot write the log file: %s", err)


class CappedFileHandler(logging.FileHandler):
    """A log file kept under ``max_bytes``: when full it becomes ``NAME.1`` (the older ``.1``
    becomes ``.2``) and a new one starts.

    What logging.handlers.RotatingFileHandler does, without importing logging.handlers, whose
    socket and pickle handlers would cost the tray process ~0.5 MB for nothing.
    """

    def __init__(self, path: Path, max_bytes: int = 512_000, backups: int = 2) -> None:
        self.path, self.max_bytes, self.backups = path, max_bytes, backups
        if path.exists() and path.stat().st_size >= max_bytes:
            self._shift()
        super().__init__(path, encoding="utf-8")

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

    def _shift(self) -> None:
        for index in range(self.backups, 0, -1):
            older = self.path.with_name(f"{self.path.name}.{index}")
            newer = self.path.with_name(f"{self.path.name}.{index - 1}") if index > 1 else self.path
            if newer.exists():
                os.replace(newer, older)


def check_session(env: dict[str, str] | None = None) -> str:
    """Pick the tray backend, wait for its tray host, and set PYSTRAY_BACKEND for pystray's
    import; returns the backend ("" when pystray decides, off Linux)."""
    env = dict(os.environ) if env is None else env
    if not sys.platform.startswith("linux"):
        return env.get("PYSTRAY_BACKEND", "")  # one backend per OS there
    if not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        raise UserError("no graphical session (DISPLAY is not set): start traybreak from your "
                        "desktop session, or let it start at login (traybreak autostart enable)",
                        ExitStatus.NO_DISPLAY)
    forced = env.get("PYSTRAY_BACKEND", "")
    if forced and forced != "xorg":
        return forced  # the user's choice; pystray says so if it cannot load
    display = env.get("DISPLAY")
    sni = not forced and appindicator_possible()
    if not display and not sni:
        raise UserError("the XEmbed tray needs an X display, and DISPLAY is not set: on Wayland "
                        "install traybreak[appindicator] and a StatusNotifier tray",
                        ExitStatus.NO_DISPLAY)
    try:
        wait = float(env.get(TRAY_WAIT_ENV, DEFAULT_TRAY_WAIT_S))
    except ValueError:
        wait = DEFAULT_TRAY_WAIT_S
    backend = find_tray(env, lambda: bool(display) and tray_host_present(display), wait, sni=sni)
    if backend is None:
        hosts = "no StatusNotifier host and " if sni else ""
        raise UserError(
            f"no system tray on display {display or '(none)'} ({hosts}nothing owns "
            f"_NET_SYSTEM_TRAY_S0 after {wait:g} s): start a panel with a notification area "
            "(e.g. trayer), or on GNOME install the AppIndicator extension and "
            "pip install 'traybreak[appindicator]'",
            ExitStatus.NO_DISPLAY)
    os.environ["PYSTRAY_BACKEND"] = backend
    return backend
