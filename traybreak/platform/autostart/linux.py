"""Linux autostart: an XDG autostart .desktop file in $XDG_CONFIG_HOME/autostart (a real file).

The Exec line is absolute and quoted per the Desktop Entry spec (platform/desktop_file.py), because
a desktop session's PATH often lacks ~/.local/bin and an unquoted path with a space silently never
starts. A command with a character that GLib and systemd's autostart generator read differently
(``%``, quotes, a backslash, ``$``, a backquote) is started through a small sh script in
traybreak's data folder instead (platform/autostart/login_script.py); when that folder's own path
has one, enable refuses with one line saying why and what to do.
"""

from __future__ import annotations

import os
from pathlib import Path

from traybreak.paths import APP_ID, data_dir
from traybreak.platform.autostart import login_script
from traybreak.platform.autostart.base import AutostartRefused, AutostartState, AutostartStatus
from traybreak.platform.desktop_file import (
    entry_text,
    exec_value,
    parse_exec,
    read_entry,
    string_value,
    write_atomically,
)
from traybreak.platform.launcher import launcher_missing

#: The login script's file name, in traybreak's data folder (login_script.py says when it is used).
SCRIPT_NAME = "login-launcher"


def desktop_entry(argv: list[str], icon: str | None = None) -> str:
    """The .desktop file text that starts ``argv`` at login (argv[0] must be absolute)."""
    keys = [
        ("Type", "Application"),
        ("Name", "traybreak"),
        ("Comment", "Back-friendly break reminders in the system tray"),
        *([("Icon", string_value(icon))] if icon else []),
        ("Exec", exec_value(argv)),
        ("TryExec", string_value(argv[0])),
        ("Terminal", "false"),
        ("StartupNotify", "false"),
        ("Categories", "Utility;"),
        # Harmless where unknown; never add X-GNOME-Autostart-Phase: systemd's generator skips it.
        ("X-GNOME-Autostart-enabled", "true"),
    ]
    return entry_text(keys)


class XdgAutostart:
    """Writes, reads and removes ``<config home>/autostart/<APP_ID>.desktop`` (and the login
    script in ``script_dir`` when the command needs one)."""

    def __init__(self, config_home: Path, script_dir: Path, icon: str | None = None) -> None:
        self.path = config_home / "autostart" / f"{APP_ID}.desktop"
        self.script = script_dir / SCRIPT_NAME
        self.icon = icon

    @classmethod
    def for_user(cls) -> XdgAutostart:
        """The user's autostart dir ($XDG_CONFIG_HOME honoured) with the installed app icon;
        the login script, when needed, in traybreak's data folder ($XDG_DATA_HOME honoured)."""
        home = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
        return cls(Path(home), data_dir(), icon=_installed_icon())

    def status(self) -> AutostartStatus:
        """Enabled, disabled, or broken when the entry's launcher no longer exists."""
        where = str(self.path)
        try:
            keys = read_entry(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return AutostartStatus(AutostartState.DISABLED, where)
        except (OSError, UnicodeDecodeError) as err:
            return AutostartStatus(AutostartState.BROKEN, where, detail=f"unreadable: {err}")
        if keys.get("Hidden", "").lower() == "true":
            return AutostartStatus(AutostartState.DISABLED, where, detail="hidden")
        try:
            command = tuple(parse_exec(keys.get("Exec", "")))
        except ValueError as err:
            return AutostartStatus(AutostartState.BROKEN, where, detail=f"bad Exec line: {err}")
        if command == (str(self.script),):
            through_script = self._script_command()
            if through_script is None:
                detail = (f"login script {self.script} is missing or not ours; "
                          "run `traybreak autostart enable`")
                return AutostartStatus(AutostartState.BROKEN, where, command, detail)
            command = through_script
        if launcher_missing(command):
            missing = command[0] if command else "(none)"
            detail = f"launcher {missing} no longer exists; run `traybreak autostart enable`"
            return AutostartStatus(AutostartState.BROKEN, where, command, detail)
        return AutostartStatus(AutostartState.ENABLED, where, command)

    def _script_command(self) -> tuple[str, ...] | None:
        try:
            text = self.script.read_text(encoding="utf-8", errors="surrogateescape")
        except OSError:
            return None
        command = login_script.read_script(text)
        return None if command is None else tuple(command)

    def enable(self, argv: list[str]) -> AutostartStatus:
        """Write (or repair) the entry atomically; through the login script when ``argv`` holds
        characters an Exec line cannot carry (AutostartRefused when the script's own path
        does, with nothing written)."""
        if not login_script.needs_script(argv):
            write_atomically(self.path, desktop_entry(argv, self.icon).encode("utf-8"))
            self.script.unlink(missing_ok=True)  # a script left from an earlier install
            return self.status()
        refusal = login_script.refusal(self.script)
        if refusal:
            raise AutostartRefused(refusal)
        text = login_script.script_text(argv)
        write_atomically(self.script, text.encode("utf-8", "surrogateescape"), mode=0o755)
        write_atomically(self.path, desktop_entry([str(self.script)], self.icon).encode("utf-8"))
        return self.status()

    def disable(self) -> AutostartStatus:
        """Delete our own file and script (never write Hidden=true over someone else's)."""
        self.path.unlink(missing_ok=True)
        self.script.unlink(missing_ok=True)
        return self.status()


def _installed_icon() -> str | None:
    # The icons package is a plain directory in every pip install (importlib.resources would
    # load ~0.6 MB of modules into the tray, which asks for the autostart state at start).
    import traybreak.icons

    icon = Path(traybreak.icons.__file__).parent / "traybreak.png"
    return str(icon) if icon.is_file() else None
