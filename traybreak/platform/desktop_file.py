"""The freedesktop Desktop Entry file format, as both our .desktop files use it (the login entry
in platform/autostart/linux.py, the application-menu entry in platform/app_menu/linux.py):
quoting a command into an Exec value and reading it back, escaping a string value, reading the
keys of a file's [Desktop Entry] group, and writing a file atomically.

Spec: https://specifications.freedesktop.org/desktop-entry/latest/ ("The Exec key",
"Possible value types").
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from pathlib import Path

from traybreak.platform.launcher import CommandWords

_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")
_QUOTED_ESCAPES = frozenset('"`$\\')
# The Exec key's word rules (Desktop Entry spec), once its string escapes are undone: words part at
# a space only; inside quotes a backslash escapes the four characters above; an open quote is an
# error, not something to guess the end of.
_EXEC_WORDS = CommandWords(frozenset(" "), _QUOTED_ESCAPES, "unterminated quote in Exec")
GROUP = "[Desktop Entry]"
# GLib (GNOME's menus, gio launch, gnome-session's autostart) checks that an entry's program
# exists before it undoes the %% of the Exec line, so a program path with a % in it is "not
# found" and the entry silently never starts (seen with GLib 2.74, tests/e2e/
# test_app_menu_launch.py). Such a path is passed to env instead, which GLib finds.
_ENV = "/usr/bin/env"


def quote_exec_arg(arg: str) -> str:
    """One argv word as the Exec key needs it: spec quoting, %-escaping, then string escaping.

    Words with any other whitespace (a no-break space, say) are quoted too: key-file readers
    strip whitespace at the ends of a value, which would eat such a last word."""
    if arg and not any(c in _RESERVED or c.isspace() for c in arg):
        quoted = arg
    else:
        quoted = '"' + "".join("\\" + c if c in _QUOTED_ESCAPES else c for c in arg) + '"'
    return quoted.replace("%", "%%").replace("\\", "\\\\")


def exec_value(argv: Sequence[str]) -> str:
    """The Exec value that runs ``argv`` (argv[0] must be absolute: a desktop session's PATH
    often lacks ~/.local/bin, and a bare name would silently never start)."""
    if not argv or not os.path.isabs(argv[0]):
        raise ValueError(f"a desktop entry needs an absolute launcher path, got {argv[:1]!r}")
    words = [_ENV, *argv] if "%" in argv[0] else argv
    return " ".join(quote_exec_arg(a) for a in words)


def string_value(text: str) -> str:
    """``text`` as a string value: backslashes and line ends escaped, so a path or a sentence
    reads back as written (a leading space too, which readers would strip)."""
    escaped = (text.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")
               .replace("\r", "\\r"))
    return "\\s" + escaped[1:] if escaped.startswith(" ") else escaped


def _unescape_string(value: str) -> str:
    out, chars = [], iter(value)
    for c in chars:
        if c == "\\":
            nxt = next(chars, "")
            out.append({"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}.get(nxt, "\\" + nxt))
        else:
            out.append(c)
    return "".join(out)


def read_string(value: str) -> str:
    """A string value as written in the file, back to its text (the inverse of string_value)."""
    return _unescape_string(value)


def parse_exec(value: str) -> list[str]:
    """Decode an Exec value back into argv (the inverse of exec_value: a program with a % in
    its path is given without the env in front of it)."""
    text = _unescape_string(value).replace("%%", "\0")
    argv = [a.replace("\0", "%") for a in _EXEC_WORDS.split(text)]
    return argv[1:] if argv[:1] == [_ENV] and len(argv) > 1 and "%" in argv[1] else argv


def read_entry(text: str) -> dict[str, str]:
    """The keys of the [Desktop Entry] group, values as written (enough to check our own file)."""
    keys: dict[str, str] = {}
    in_group = False
    for line in text.splitlines():
        if line.startswith("["):
            in_group = line.strip() == GROUP
        elif in_group and "=" in line and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            keys[key.strip()] = value.strip()
    return keys


def entry_text(keys: Sequence[tuple[str, str]]) -> str:
    """A file of one [Desktop Entry] group with ``keys`` in order (values already encoded)."""
    return "\n".join([GROUP, *(f"{key}={value}" for key, value in keys)]) + "\n"


def write_atomically(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write ``path`` through a temporary file beside it and a rename, so a reader (the menu,
    the session starting up) sees the old file or the new one, never half of one; ``mode``
    (e.g. 0o755 for a script) is set before the rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        if mode is not None:
            tmp.chmod(mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):  # the write's own error is the one to tell
            tmp.unlink(missing_ok=True)
        raise
