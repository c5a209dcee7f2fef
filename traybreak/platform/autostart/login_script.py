"""Linux autostart: which commands a login entry's Exec line can carry, and the small sh script
that starts the others.

A login entry is read by two programs that disagree about quoting. GLib (gnome-session, `gio
launch`, XFCE, Cinnamon) looks for the program before it undoes the Exec line's ``%%``, so a
program path with a ``%`` is "not found". systemd's xdg-autostart generator (the login entries
of every systemd desktop: GNOME 3.38+, KDE Plasma 5.23+) copies the Exec line into a unit's
ExecStart=, and systemd then refuses or misreads an executable with a quote, a backslash, a
``$`` or a backquote ("Executable name contains special characters": the unit never loads), and
undoes a backslash twice, so ``\\s`` in a path becomes a space. Measured with GLib 2.74 and
systemd 252 (tests/platform/autostart/test_login_tools.py). No quoting satisfies both, so a
command with any of those characters is started through a script in a plain path instead.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from pathlib import Path

#: What neither an Exec line nor systemd's ExecStart= carries in a program path for both readers.
NOT_CARRIED = frozenset("%\"'\\$`")
#: The script's first lines; `read_script` trusts only a file that starts with them.
SCRIPT_HEAD = (
    "#!/bin/sh\n"
    "# Written by `traybreak autostart enable`. The login entry starts traybreak through this\n"
    "# script: its command holds characters a desktop entry's Exec line cannot carry to both\n"
    "# GLib and systemd. `traybreak autostart disable` removes it.\n"
)


def not_carried(word: str) -> str:
    """The characters of ``word`` an Exec line cannot carry to both GLib and systemd, in order
    of appearance, each once ("" when it can be written as it is). Control characters count (a
    unit file is line by line), and so do bytes that are not UTF-8 (a .desktop file is UTF-8)."""
    bad = [c for c in word
           if c in NOT_CARRIED or ord(c) < 0x20 or ord(c) == 0x7F or 0xD800 <= ord(c) < 0xE000]
    return "".join(dict.fromkeys(bad))


def needs_script(argv: Sequence[str]) -> bool:
    """Whether ``argv`` must be started through the login script."""
    return any(not_carried(word) for word in argv)


def script_text(argv: Sequence[str]) -> str:
    """An sh script that runs ``argv`` (each word single-quoted: sh takes every byte in a
    single-quoted word literally, a quote is written as '\\'')."""
    return SCRIPT_HEAD + "exec " + " ".join(shlex.quote(word) for word in argv) + ' "$@"\n'


def read_script(text: str) -> list[str] | None:
    """The command a script written by `script_text` runs, or None when the text is not one."""
    if not text.startswith(SCRIPT_HEAD):
        return None
    line = text[len(SCRIPT_HEAD):].rstrip("\n")
    try:
        words = shlex.split(line)
    except ValueError:
        return None
    if len(words) < 3 or words[0] != "exec" or words[-1] != "$@":
        return None
    return words[1:-1]


def refusal(script: Path) -> str | None:
    """Why no login entry can be written when the script itself would sit at ``script`` (None
    when it can): one line naming the path, the characters and what to do."""
    bad = not_carried(str(script))
    if not bad:
        return None
    shown = " ".join(repr(c)[1:-1] for c in bad)
    return (f"cannot start traybreak at login: the path {str(script)!r} holds {shown}, which a "
            "login entry cannot start (systemd and GLib read them differently); set "
            "XDG_DATA_HOME to a folder without % \" ' \\ $ ` and run `traybreak autostart "
            "enable` again")
