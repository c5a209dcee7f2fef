"""macOS autostart: a per-user LaunchAgent plist (~/Library/LaunchAgents/<label>.plist).

SMAppService would need a signed .app bundle, which a pip/pipx install does not have.
"""

from __future__ import annotations

import os
import plistlib
from pathlib import Path

from traybreak.paths import APP_ID
from traybreak.platform.autostart.base import AutostartState, AutostartStatus
from traybreak.platform.launcher import launcher_missing


def launch_agent_plist(argv: list[str], label: str = APP_ID) -> bytes:
    """The LaunchAgent that starts ``argv`` once at login in the user's GUI session."""
    if not os.path.isabs(argv[0]):
        raise ValueError(f"autostart needs an absolute launcher path, got {argv[0]!r}")
    agent = {
        "Label": label,
        "ProgramArguments": list(argv),
        "RunAtLoad": True,
        "KeepAlive": False,
        "ProcessType": "Interactive",
        "LimitLoadToSessionType": "Aqua",
    }
    return plistlib.dumps(agent)


class LaunchAgentAutostart:
    """Writes, reads and removes our LaunchAgent (takes effect at the next login)."""

    def __init__(self, home: Path, label: str = APP_ID) -> None:
        self.label = label
        self.path = home / "Library" / "LaunchAgents" / f"{label}.plist"

    def status(self) -> AutostartStatus:
        """Enabled, disabled, or broken when the agent's program no longer exists."""
        where = str(self.path)
        try:
            agent = plistlib.loads(self.path.read_bytes())
        except FileNotFoundError:
            return AutostartStatus(AutostartState.DISABLED, where)
        except (OSError, plistlib.InvalidFileException, ValueError) as err:
            return AutostartStatus(AutostartState.BROKEN, where, detail=f"unreadable: {err}")
        command = tuple(str(a) for a in agent.get("ProgramArguments", ()))
        if launcher_missing(command):
            return AutostartStatus(AutostartState.BROKEN, where, command,
                                   "launcher no longer exists; run `traybreak autostart enable`")
        return AutostartStatus(AutostartState.ENABLED, where, command)

    def enable(self, argv: list[str]) -> AutostartStatus:
        """Write (or repair) the plist atomically."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_bytes(launch_agent_plist(argv, self.label))
        os.replace(tmp, self.path)
        return self.status()

    def disable(self) -> AutostartStatus:
        """Delete the plist."""
        self.path.unlink(missing_ok=True)
        return self.status()
