"""Start at login, what every OS shares: the entry's state and the adapter interface. The
command an entry starts, and reading a quoted command line back, are in platform/launcher.py
(the application-menu entry starts the same command).

Each OS module has pure content builders (tested everywhere) and a small adapter that writes the
entry: an XDG autostart file on Linux, an HKCU Run value on Windows, a LaunchAgent on macOS.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from traybreak.errors import ExitStatus, UserError


class AutostartState(StrEnum):
    """What the login entry looks like right now."""

    ENABLED = "enabled"
    DISABLED = "disabled"
    BROKEN = "broken"        # an entry exists but its launcher is gone (e.g. venv deleted)
    BLOCKED = "blocked"      # the user switched it off in the OS (Windows Task Manager)


class AutostartRefused(UserError):
    """No login entry can be written that the OS would start; ``str(err)`` says why and what to
    do (nothing was written)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, ExitStatus.FAILURE)


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
