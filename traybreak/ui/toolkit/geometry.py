"""Sizes and places on the screen, shared by every window: how much to scale the design on this
screen, a monitor's area, the monitor under a point, a centred position, and how a row of chips
wraps into lines. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


def ui_scale(dpi: float, screen_height: int) -> float:
    """How much to enlarge the design (drawn for 96 dpi, 1080 p) on this screen.

    Uses the real DPI when the system reports one; X servers often claim 96 dpi on a 4K panel,
    so a tall screen also raises the floor (2160 p → 1.5). Never below 1, capped at 3.
    """
    from_dpi = dpi / 96 if 48 <= dpi <= 480 else 1.0
    from_height = screen_height / 1440 if screen_height > 1440 else 1.0
    return round(min(3.0, max(1.0, from_dpi, from_height)), 2)


@dataclass(frozen=True)
class Area:
    """A rectangle on the virtual screen: a monitor or the whole screen."""

    x: int
    y: int
    width: int
    height: int

    def contains(self, px: int, py: int) -> bool:
        """True when point (px, py) lies inside."""
        return self.x <= px < self.x + self.width and self.y <= py < self.y + self.height


def monitor_at(point: tuple[int, int], monitors: Sequence[Area], screen: Area) -> Area:
    """The monitor holding ``point``; the first monitor, or the whole screen when none is known."""
    for area in monitors:
        if area.contains(*point):
            return area
    return monitors[0] if monitors else screen


def centred(area: Area, width: int, height: int) -> tuple[int, int]:
    """Top-left corner that centres a width×height window in ``area`` (kept inside it)."""
    x = area.x + max(0, (area.width - width) // 2)
    y = area.y + max(0, (area.height - height) // 2)
    return x, y


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
