"""Pure decisions behind the panel window (the tray menu as a small popup): which rows the menu
JSON becomes, how group choices wrap, where the popup opens, and the one-line result it prints.

No tkinter here, so the tray process may import it (``read_panel_result``).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from traybreak.ui.menu import MenuEntry
from traybreak.ui.prompt_layout import Area

log = logging.getLogger(__name__)

PANEL_TITLE = "traybreak menu"  # the window title tests and window managers see
POINTER_GAP = 2                 # the popup's corner sits this far from the pointer


@dataclass(frozen=True)
class Choice:
    """One clickable thing: a whole row or a chip inside a group row."""

    label: str
    command: str | None
    enabled: bool = True

    @property
    def active(self) -> bool:
        """True when clicking it sends a command."""
        return self.enabled and self.command is not None


@dataclass(frozen=True)
class Row:
    """A line of the panel.

    ``kind`` is "item" (one choice), "check" (one choice with a box, ``checked`` set),
    "group" (a heading with ``choices`` as chips) or "separator".
    """

    kind: str
    label: str = ""
    choices: tuple[Choice, ...] = ()
    checked: bool = False
    enabled: bool = True


SEPARATOR_ROW = Row("separator")


def rows_from_entries(entries: Sequence[MenuEntry]) -> tuple[Row, ...]:
    """The panel's rows for a menu, top to bottom. Separators at either end or doubled are dropped.

    A submenu becomes a headed group whose children are chips; a disabled submenu disables all
    its chips. Entries without a command and without children are shown as disabled items.
    """
    rows: list[Row] = []
    for entry in entries:
        if entry.label == "-" and not entry.children and entry.command is None:
            if rows and rows[-1].kind != "separator":
                rows.append(SEPARATOR_ROW)
            continue
        if entry.children:
            chips = tuple(Choice(c.label, c.command, entry.enabled and c.enabled)
                          for c in entry.children if c.label != "-")
            rows.append(Row("group", entry.label, chips, enabled=any(c.active for c in chips)))
            continue
        choice = Choice(entry.label, entry.command, entry.enabled)
        if entry.checked is not None:
            rows.append(Row("check", entry.label, (choice,), bool(entry.checked), choice.active))
        else:
            rows.append(Row("item", entry.label, (choice,), enabled=choice.active))
    while rows and rows[-1].kind == "separator":
        rows.pop()
    return tuple(rows)


def parse_menu_json(text: str) -> tuple[MenuEntry, ...]:
    """Menu entries from JSON: a list of ``MenuEntry.to_json()`` dicts, or ``{"entries": [...]}``.

    Raises ValueError with one line naming what is wrong.
    """
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as err:
        raise ValueError(f"the menu is not valid JSON ({err.msg} at line {err.lineno})") from None
    if isinstance(data, dict):
        data = data.get("entries")
    if not isinstance(data, list) or not data:
        raise ValueError("the menu must be a non-empty JSON list of entries")
    try:
        return tuple(MenuEntry.from_json(item) for item in data)
    except (KeyError, TypeError, AttributeError) as err:
        raise ValueError(f"a menu entry is malformed ({type(err).__name__}: {err}); each needs "
                         "a \"label\"") from None


def focus_order(rows: Sequence[Row]) -> list[tuple[int, int]]:
    """(row, chip) positions that keyboard focus visits, top to bottom, left to right."""
    return [(r, c) for r, row in enumerate(rows) for c, choice in enumerate(row.choices)
            if choice.active]


def chip_lines(widths: Sequence[int], max_width: int, gap: int, *,
               balanced: bool = False) -> list[list[int]]:
    """Indices of chips per line: as many as fit in ``max_width`` (at least one per line).

    ``balanced``: the same number of lines, but evened out (2 + 2 rather than 3 + 1).
    """
    lines = _greedy(widths, max_width, gap)
    if not balanced or len(lines) < 2:
        return lines
    low, high = max(widths), max_width   # the narrowest width still giving as few lines
    while low < high:
        middle = (low + high) // 2
        if len(_greedy(widths, middle, gap)) <= len(lines):
            high = middle
        else:
            low = middle + 1
    return _greedy(widths, low, gap)


def _greedy(widths: Sequence[int], max_width: int, gap: int) -> list[list[int]]:
    lines: list[list[int]] = []
    used = 0
    for index, width in enumerate(widths):
        if lines and used + gap + width <= max_width:
            lines[-1].append(index)
            used += gap + width
        else:
            lines.append([index])
            used = width
    return lines


def popup_position(pointer: tuple[int, int], size: tuple[int, int], area: Area) -> tuple[int, int]:
    """Top-left corner for a ``size`` popup opened at ``pointer``, kept wholly inside ``area``.

    Like a context menu: below and right of the pointer, flipped above or to the left when that
    side has no room (a tray at the bottom or right edge), then clamped to the area.
    """
    px, py = pointer
    width, height = size
    right, bottom = area.x + area.width, area.y + area.height
    x = px + POINTER_GAP
    if x + width > right:
        x = px - POINTER_GAP - width
    y = py + POINTER_GAP
    if y + height > bottom:
        y = py - POINTER_GAP - height
    x = max(area.x, min(x, right - width))
    y = max(area.y, min(y, bottom - height))
    return x, y


# -- the request and the result ---------------------------------------------------------------

def panel_args(entries: Sequence[MenuEntry], *, header: str = "", timeout_s: float = 30.0,
               at: tuple[int, int] | None = None) -> list[str]:
    """Arguments after ``traybreak panel`` that show ``entries`` (for ``windows.window_argv``)."""
    menu = json.dumps([entry.to_json() for entry in entries], ensure_ascii=False,
                      separators=(",", ":"))
    args = ["--menu-json", menu, "--timeout", f"{max(1, round(timeout_s))}s"]
    if header:
        args += ["--header", header]
    if at is not None:
        args += ["--at", f"{at[0]},{at[1]}"]
    return args


def result_line(command: str | None, via: str) -> str:
    """The one JSON line the panel prints: the command chosen (None: dismissed) and how."""
    return json.dumps({"command": command, "via": via}, ensure_ascii=False)


def read_panel_result(text: str) -> str | None:
    """The command from a panel's stdout (its last non-empty line); None when dismissed.

    Raises ValueError when the output is not a panel result (the tray then just ignores it).
    """
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise ValueError("the panel printed nothing")
    try:
        body = json.loads(lines[-1])
    except json.JSONDecodeError as err:
        raise ValueError(f"the panel printed something that is not JSON: {lines[-1][:80]!r}") \
            from err
    if not isinstance(body, dict) or "command" not in body:
        raise ValueError("the panel's JSON has no \"command\"")
    command = body["command"]
    if command is not None and not isinstance(command, str):
        raise ValueError(f"the panel's command is not text: {command!r}")
    return command
