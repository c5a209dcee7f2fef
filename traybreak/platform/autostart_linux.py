"""Linux autostart: an XDG autostart .desktop file in $XDG_CONFIG_HOME/autostart (a real file).

The Exec line is absolute and quoted per the Desktop Entry spec, because a desktop session's PATH
often lacks ~/.local/bin and an unquoted path with a space silently never starts.
"""

from __future__ import annotations

import os
from pathlib import Path

from traybreak.paths import APP_ID
from traybreak.platform.autostart import AutostartState, AutostartStatus, launcher_missing

_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")
_QUOTED_ESCAPES = set('"`$\\')


def quote_exec_arg(arg: str) -> str:
    """One argv word as the Exec key needs it: spec quoting, %-escaping, then string escaping.

    Words with any other whitespace (a no-break space, say) are quoted too: key-file readers
    strip whitespace at the ends of a value, which would eat such a last word."""
    if arg and not any(c in _RESERVED or c.isspace() for c in arg):
        quoted = arg
    else:
        quoted = '"' + "".join("\\" + c if c in _QUOTED_ESCAPES else c for c in arg) + '"'
    return quoted.replace("%", "%%").replace("\\", "\\\\")


def desktop_entry(argv: list[str], icon: str | None = None) -> str:
    """The .desktop file text that starts ``argv`` at login (argv[0] must be absolute)."""
    if not os.path.isabs(argv[0]):
        raise ValueError(f"autostart needs an absolute launcher path, got {argv[0]!r}")
    lines = [
        "[Desktop Entry]",
        "Type=Application",
        "Name=traybreak",
        "Comment=Back-friendly break reminders in the system tray",
        "Exec=" + " ".join(quote_exec_arg(a) for a in argv),
        "TryExec=" + argv[0].replace("\\", "\\\\"),
        "Terminal=false",
        "StartupNotify=false",
        "Categories=Utility;",
        # Harmless where unknown; never add X-GNOME-Autostart-Phase: systemd's generator skips it.
        "X-GNOME-Autostart-enabled=true",
    ]
    if icon:
        lines.insert(4, "Icon=" + icon.replace("\\", "\\\\"))
    return "\n".join(lines) + "\n"


def _unescape_string(value: str) -> str:
    out, chars = [], iter(value)
    for c in chars:
        if c == "\\":
            nxt = next(chars, "")
            out.append({"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}.get(nxt, "\\" + nxt))
        else:
            out.append(c)
    return "".join(out)


def parse_exec(value: str) -> list[str]:
    """Decode an Exec value back into argv (the inverse of the quoting above)."""
    text = _unescape_string(value).replace("%%", "\0")
    argv: list[str] = []
    word: list[str] = []
    in_word = quoted = False
    chars = iter(text)
    for c in chars:
        if quoted and c == "\\":
            nxt = next(chars, "")
            word.append(nxt if nxt in _QUOTED_ESCAPES else c + nxt)
        elif c == '"':
            quoted, in_word = not quoted, True
        elif c == " " and not quoted:
            if in_word:
                argv.append("".join(word))
            word, in_word = [], False
        else:
            word.append(c)
            in_word = True
    if quoted:
        raise ValueError("unterminated quote in Exec")
    if in_word:
        argv.append("".join(word))
    return [a.replace("\0", "%") for a in argv]


def read_entry(text: str) -> dict[str, str]:
    """The keys of the [Desktop Entry] group (enough to check our own file)."""
    keys: dict[str, str] = {}
    in_group = False
    for line in text.splitlines():
        if line.startswith("["):
            in_group = line.strip() == "[Desktop Entry]"
        elif in_group and "=" in line and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            keys[key.strip()] = value.strip()
    return keys


class XdgAutostart:
    """Writes, reads and removes ``<config home>/autostart/<APP_ID>.desktop``."""

    def __init__(self, config_home: Path, icon: str | None = None) -> None:
        self.path = config_home / "autostart" / f"{APP_ID}.desktop"
        self.icon = icon

    @classmethod
    def for_user(cls) -> XdgAutostart:
        """The user's autostart dir ($XDG_CONFIG_HOME honoured) with the installed app icon."""
        home = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
        return cls(Path(home), icon=_installed_icon())

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
        if launcher_missing(command):
            missing = command[0] if command else "(none)"
            detail = f"launcher {missing} no longer exists; run `traybreak autostart enable`"
            return AutostartStatus(AutostartState.BROKEN, where, command, detail)
        return AutostartStatus(AutostartState.ENABLED, where, command)

    def enable(self, argv: list[str]) -> AutostartStatus:
        """Write (or repair) the entry atomically."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(desktop_entry(argv, self.icon), encoding="utf-8")
        os.replace(tmp, self.path)
        return self.status()

    def disable(self) -> AutostartStatus:
        """Delete our own file (never write Hidden=true over someone else's)."""
        self.path.unlink(missing_ok=True)
        return self.status()


def _installed_icon() -> str | None:
    # The icons package is a plain directory in every pip install (importlib.resources would
    # load ~0.6 MB of modules into the tray, which asks for the autostart state at start).
    import traybreak.icons

    icon = Path(traybreak.icons.__file__).parent / "traybreak.png"
    return str(icon) if icon.is_file() else None
