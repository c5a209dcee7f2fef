"""Windows autostart: a value under HKCU\\...\\CurrentVersion\\Run (no admin rights needed).

The value is a command line, quoted with subprocess.list2cmdline so a path with spaces is never
split (the unquoted-path trap). A user's "Disabled" in Task Manager lives in StartupApproved; we
read it and never silently flip it back on.
"""

from __future__ import annotations

import subprocess
from typing import Any

from traybreak.platform.autostart.base import AutostartState, AutostartStatus
from traybreak.platform.launcher import CommandWords, launcher_missing

RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
APPROVED_KEY = r"Software\Microsoft\Windows\CurrentVersion\Explorer\StartupApproved\Run"
VALUE_NAME = "traybreak"

# A Run value's word rules, as list2cmdline writes our launcher: spaces and tabs part words, and a
# backslash is an ordinary character (list2cmdline doubles backslashes only before a quote, and a
# Windows path holds no quote and a launcher's no trailing backslash); an open quote ends with the
# value, as Windows reads it.
_RUN_WORDS = CommandWords(frozenset(" \t"))


def run_value(argv: list[str]) -> str:
    """The Run value for ``argv``: a correctly quoted command line."""
    return subprocess.list2cmdline(argv)


def user_disabled(approved: bytes | None) -> bool:
    """Task Manager writes 03 as the first byte of StartupApproved when the user disabled us."""
    return bool(approved) and approved[0] == 0x03  # type: ignore[index]


def parse_run_value(value: str) -> tuple[str, ...]:
    """Split a Run value we wrote back into argv (quotes group words; paths hold no trailing \\)."""
    return tuple(_RUN_WORDS.split(value))


class RunKeyAutostart:
    """Reads and writes our HKCU Run value (winreg is imported only when used)."""

    location = "HKCU\\" + RUN_KEY + "\\" + VALUE_NAME

    def _winreg(self) -> Any:
        import winreg

        return winreg

    def status(self) -> AutostartStatus:
        """Enabled, disabled, blocked by the user in Task Manager, or broken (launcher gone)."""
        reg = self._winreg()
        try:
            with reg.OpenKey(reg.HKEY_CURRENT_USER, RUN_KEY) as key:
                value, _ = reg.QueryValueEx(key, VALUE_NAME)
        except FileNotFoundError:
            return AutostartStatus(AutostartState.DISABLED, self.location)
        command = parse_run_value(str(value))
        if launcher_missing(command):
            return AutostartStatus(AutostartState.BROKEN, self.location, command,
                                   "launcher no longer exists; run `traybreak autostart enable`")
        if user_disabled(self._approved(reg)):
            return AutostartStatus(AutostartState.BLOCKED, self.location, command,
                                   "turned off in Task Manager › Startup apps")
        return AutostartStatus(AutostartState.ENABLED, self.location, command)

    def _approved(self, reg: Any) -> bytes | None:
        try:
            with reg.OpenKey(reg.HKEY_CURRENT_USER, APPROVED_KEY) as key:
                data, _ = reg.QueryValueEx(key, VALUE_NAME)
                return bytes(data)
        except (FileNotFoundError, TypeError):
            return None

    def enable(self, argv: list[str]) -> AutostartStatus:
        """Write (or repair) the Run value."""
        reg = self._winreg()
        with reg.CreateKeyEx(reg.HKEY_CURRENT_USER, RUN_KEY, 0, reg.KEY_SET_VALUE) as key:
            reg.SetValueEx(key, VALUE_NAME, 0, reg.REG_SZ, run_value(argv))
        return self.status()

    def disable(self) -> AutostartStatus:
        """Delete the Run value."""
        reg = self._winreg()
        try:
            with reg.OpenKey(reg.HKEY_CURRENT_USER, RUN_KEY, 0, reg.KEY_SET_VALUE) as key:
                reg.DeleteValue(key, VALUE_NAME)
        except FileNotFoundError:
            pass
        return self.status()
