"""Pure decisions behind the panel window (the tray menu as a small popup): which rows the menu
JSON becomes, how group choices and the header wrap, where the popup opens, and the one-line
result it prints.

No tkinter here, so the tray process may import it (``read_panel_result``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from traybreak.ui.menu import MenuEntry
from traybreak.ui.toolkit.geometry import Area

log = logging.getLogger(__name__)

PANEL_TITLE = "traybreak menu"  # the window title tests and window managers see
POINTER_GAP = 2                 # the popup's corner sits this far from the pointer
HEADER_GAP = " · "              # between the parts of the header (the tray's tooltip)


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


def header_lines(header: str, width_of: Callable[[str], int], max_width: int) -> list[str]:
    """The header broken between its " · " parts into lines at most ``max_width`` wide, so the
    menu keeps its own width with many rules (a part wider than that gets a line of its own)."""
    lines: list[str] = []
    for part in header.split(HEADER_GAP):
        joined = f"{lines[-1]}{HEADER_GAP}{part}" if lines else part
        if lines and width_of(joined) <= max_width:
            lines[-1] = joined
        else:
            lines.append(part)
    return lines


def focus_order(rows: Sequence[Row]) -> list[tuple[int, int]]:
    """(row, chip) positions that keyboard focus visits, top to bottom, left to right."""
    return [(r, c) for r, row in enumerate(rows) for c, choice in enumerate(row.choices)
            if choice.active]


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
