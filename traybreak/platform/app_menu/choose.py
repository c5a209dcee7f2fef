"""The application-menu entry for the running OS: the XDG entry, or a one-line UserError where
traybreak makes none yet (Windows, macOS; docs/app-menu.md says what one would take)."""

from __future__ import annotations

import sys

from traybreak.errors import ExitStatus, UserError
from traybreak.platform.app_menu.linux import MenuEntryStatus, XdgMenuEntry
from traybreak.platform.launcher import launcher_argv

NOT_ON_WINDOWS = (
    "traybreak makes no Start-menu shortcut on Windows yet (see docs/app-menu.md): start "
    "traybreak-tray.exe from your Python's Scripts folder, or `traybreak autostart enable`")
NOT_ON_MACOS = (
    "traybreak makes no Applications entry on macOS yet (it needs an .app bundle, see "
    "docs/app-menu.md): start `traybreak` from a terminal, or `traybreak autostart enable`")


def for_this_os(platform: str = sys.platform) -> XdgMenuEntry:
    """The user's entry on an XDG desktop; a UserError (one line) on Windows and macOS."""
    if platform == "win32":
        raise UserError(NOT_ON_WINDOWS, ExitStatus.FAILURE)
    if platform == "darwin":
        raise UserError(NOT_ON_MACOS, ExitStatus.FAILURE)
    return XdgMenuEntry.for_user()


def install_for_user() -> MenuEntryStatus:
    """Install (or repair) the user's entry for this installation's launcher: what
    `traybreak desktop-entry install` does, for a first run to call (UserError as there)."""
    return for_this_os().install(launcher_argv())
