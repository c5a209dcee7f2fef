"""The command that starts this installation's tray, as every launcher writes it (the login
entry, the application-menu entry): finding it, noticing it is gone, and reading a quoted
command line back into its words.
"""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

GUI_SCRIPT = "traybreak-tray"


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


def launcher_missing(command: tuple[str, ...]) -> bool:
    """True when the program an entry starts is no longer there (the BROKEN case)."""
    return not command or not Path(command[0]).is_file()


@dataclass(frozen=True)
class CommandWords:
    """How an entry's command line (an Exec key, a Run value) groups argv words; ``split`` reads it.

    Every OS here shares the scan: outside quotes a separator ends a word and a run of them counts
    as one; a double quote, wherever it stands, opens or closes a quoted run (the only quote: no
    single quotes on either side), and a word with one is a word even when empty. Each OS module
    states what differs in the fields.
    """

    # What ends a word outside quotes.
    separators: frozenset[str]
    # Inside quotes, a backslash before one of these stands for it alone (an escaped quote neither
    # opens nor closes); before anything else the backslash stays. Empty: a backslash is an
    # ordinary character everywhere, and a quote after it still opens or closes.
    escapes: frozenset[str] = frozenset()
    # The ValueError's message for a quote left open; empty: the line's end closes it.
    unclosed: str = ""

    def split(self, line: str) -> list[str]:
        """The argv words of ``line`` by these rules (ValueError only for a quote left open)."""
        argv: list[str] = []
        word: list[str] = []
        in_word = quoted = False
        chars = iter(line)
        for c in chars:
            if quoted and c == "\\" and self.escapes:
                nxt = next(chars, "")  # "" at the end: the backslash stays, the quote is open
                word.append(nxt if nxt in self.escapes else c + nxt)
            elif c == '"':
                quoted, in_word = not quoted, True
            elif c in self.separators and not quoted:
                if in_word:
                    argv.append("".join(word))
                word, in_word = [], False
            else:
                word.append(c)
                in_word = True
        if quoted and self.unclosed:
            raise ValueError(self.unclosed)
        if in_word:
            argv.append("".join(word))
        return argv
