"""Start at login: the adapter for the running OS, chosen on call (its module imported only
then)."""

from __future__ import annotations

import sys
from pathlib import Path

from traybreak.platform.autostart.base import Autostart


def for_this_os() -> Autostart:
    """The adapter for the running OS (imports its module only now)."""
    if sys.platform == "win32":
        from traybreak.platform.autostart.win32 import RunKeyAutostart

        return RunKeyAutostart()
    if sys.platform == "darwin":
        from traybreak.platform.autostart.macos import LaunchAgentAutostart

        return LaunchAgentAutostart(Path.home())
    from traybreak.platform.autostart.linux import XdgAutostart

    return XdgAutostart.for_user()
