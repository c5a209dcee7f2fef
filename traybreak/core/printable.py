"""Text from files that a terminal or a window will show: which characters may not be in it, and
the same text made safe to print.

Refused are the C0 and C1 control characters and DEL (ESC starts the ANSI and OSC sequences that
recolour a terminal, retitle it or rewrite what it shows; NUL cannot even be passed to a child
process), and the bidirectional controls, which reorder what is shown. Newline and tab are
allowed where text may have lines.
"""

from __future__ import annotations

import re

_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_IN_LINES = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")
_IN_A_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")


def control_char(text: str, *, lines: bool = False) -> str | None:
    """The first character of ``text`` that may not be shown, as "U+001B at character 7", or
    None. ``lines``: newline and tab are allowed."""
    found = (_IN_LINES if lines else _IN_A_LINE).search(text)
    return None if found is None else f"U+{ord(found[0]):04X} at character {found.start() + 1}"


def printable(text: str, *, lines: bool = True) -> str:
    """``text`` with each such character written out ("\\x1b", "\\u202e") so that a terminal
    shows it instead of obeying it; newline and tab are kept with ``lines``, else written out
    too (a one-line message quoting a value with a newline stays one line)."""
    return (_IN_LINES if lines else _IN_A_LINE).sub(
        lambda found: found[0].encode("unicode_escape").decode("ascii"), text)
