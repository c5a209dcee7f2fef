"""Start at login: the common interface, the launcher to start, and the per-OS choice (on call).

Each OS module has pure content builders (tested everywhere) and a small adapter that writes the
entry: an XDG autostart file on Linux, an HKCU Run value on Windows, a LaunchAgent on macOS.
"""

from __future__ import annotations

import logging
import shutil
import sys
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Protocol

log = logging.getLogger(__name__)

GUI_SCRIPT = "traybreak-tray"


class AutostartState(StrEnum):
    """What the login entry looks like right now."""

    ENABLED = "enabled"
    DISABLED = "disabled"
    BROKEN = "broken"        # an entry exists but its launcher is gone (e.g. venv deleted)
    BLOCKED = "blocked"      # the user switched it off in the OS (Windows Task Manager)


@dataclass(frozen=True)
class AutostartStatus:
    """The state, where the entry lives, and the command it runs (if any)."""

    state: AutostartState
    location: str
    command: tuple[str, ...] = ()
    detail: str = ""

    def describe(self) -> str:
        """One line for `traybreak autostart status` and the menu tooltip."""
        text = f"start at login: {self.state} ({self.location})"
        return f"{text}: {self.detail}" if self.detail else text


class Autostart(Protocol):
    """An OS's way of starting traybreak at login."""

    def status(self) -> AutostartStatus: ...
    def enable(self, argv: list[str]) -> AutostartStatus: ...
    def disable(self) -> AutostartStatus: ...


def launcher_argv() -> list[str]:
    """The absolute command that starts this installation's tray, without a console window.

    Prefers the gui-script launcher beside the running interpreter (the venv's bin/ or Scripts/),
    then one on PATH, then ``python -m traybreak run`` with this very interpreter (pythonw on
    Windows so no console flashes up).
    """
    scripts = Path(sys.executable).parent
    for name in (GUI_SCRIPT, f"{GUI_SCRIPT}.exe"):
        candidate = scripts / name
        if candidate.is_file():
            return [str(candidate.absolute())]
    found = shutil.which(GUI_SCRIPT)
    if found:
        return [str(Path(found).absolute())]
    python = Path(sys.executable)
    pythonw = python.with_name("pythonw.exe")
    interpreter = pythonw if sys.platform == "win32" and pythonw.is_file() else python
    return [str(interpreter.absolute()), "-m", "traybreak", "run"]


def for_this_os() -> Autostart:
    """The adapter for the running OS (imports its module only now)."""
    if sys.platform == "win32":
        from traybreak.platform.autostart_windows import RunKeyAutostart

        return RunKeyAutostart()
    if sys.platform == "darwin":
        from traybreak.platform.autostart_macos import LaunchAgentAutostart

        return LaunchAgentAutostart(Path.home())
    from traybreak.platform.autostart_linux import XdgAutostart

    return XdgAutostart.for_user()


def launcher_missing(command: tuple[str, ...]) -> bool:
    """True when the program an entry starts is no longer there (the BROKEN case)."""
    return not command or not Path(command[0]).is_file()
