"""The exercise countdown: its segments (rounds, sides) and when to switch, as pure functions,
and the Tk progress bar that shows them. Runs on the window's Tk thread.
"""

from __future__ import annotations

import logging
import tkinter as tk
from dataclasses import dataclass

from traybreak.core.model import Dosage
from traybreak.ui.prompt.layout import clock

log = logging.getLogger(__name__)

SWITCH_FLASH_S = 3.0  # how long "Switch sides" stays up after a side change


@dataclass(frozen=True)
class Segment:
    """One stretch of the countdown: a round and, for per-side exercises, a side (0 or 1)."""

    start: float
    end: float
    label: str
    side: int = 0


@dataclass(frozen=True)
class CountdownState:
    """What the countdown shows at one moment."""

    fraction: float       # 0..1 of the whole countdown elapsed
    remaining_s: float
    label: str            # "First side", "Switch sides", "Round 2 of 3", "Time's up"
    side: int             # 0 or 1: which side's picture (mirrored for 1)
    switching: bool       # True while "Switch sides" is highlighted
    finished: bool

    @property
    def text(self) -> str:
        """The status line under the bar."""
        if self.finished:  # no praise: left unanswered, the prompt is logged ignored
            return "Time's up · press Done if you did it"
        left = f"{clock(self.remaining_s)} left"
        return f"{self.label} · {left}" if self.label else left


def segments(dosage: Dosage, total_s: float) -> list[Segment]:
    """Split ``total_s`` into equal segments: each round, and each side of a per-side exercise."""
    sets = max(1, dosage.sets)
    sides = 2 if dosage.per_side else 1
    count = sets * sides
    size = total_s / count if total_s > 0 else 0.0
    word = "Round" if dosage.hold_s or not dosage.reps else "Set"
    out = []
    for i in range(count):
        rnd, side = divmod(i, sides)
        parts = [f"{word} {rnd + 1} of {sets}"] if sets > 1 else []
        if sides == 2:
            parts.append("first side" if side == 0 else "other side")
        label = " · ".join(parts)
        out.append(Segment(i * size, (i + 1) * size, label[:1].upper() + label[1:], side))
    return out


def state_at(parts: list[Segment], total_s: float, elapsed_s: float) -> CountdownState:
    """The countdown at ``elapsed_s``; "Switch sides" shows for a moment after each side change."""
    if total_s <= 0 or elapsed_s >= total_s:
        last_side = parts[-1].side if parts else 0
        return CountdownState(1.0, 0.0, "Time's up", last_side, False, True)
    elapsed_s = max(0.0, elapsed_s)
    index = next(i for i, seg in enumerate(parts) if elapsed_s < seg.end or i == len(parts) - 1)
    seg = parts[index]
    switching = (index > 0 and parts[index - 1].side != seg.side
                 and elapsed_s - seg.start < SWITCH_FLASH_S)
    label = "Switch sides" if switching else seg.label
    return CountdownState(elapsed_s / total_s, total_s - elapsed_s, label, seg.side, switching,
                          False)


def holds_ended(parts: list[Segment], total_s: float, elapsed_s: float) -> int:
    """How many segments (holds: a round, a side) have ended by ``elapsed_s``; the chime
    sounds each time this grows. Always 0 for a card without a countdown."""
    if total_s <= 0:
        return 0
    if elapsed_s >= total_s:
        return len(parts)
    return sum(1 for seg in parts if seg.end <= elapsed_s)


class ProgressBar:
    """A rounded progress bar on a Canvas with a tick at every segment boundary."""

    def __init__(self, parent: tk.Misc, *, width: int, height: int, track: str, fill: str,
                 background: str, marks: list[float]) -> None:
        self.canvas = tk.Canvas(parent, width=width, height=height, bg=background,
                                highlightthickness=0, bd=0)
        self._w, self._h = width, height
        r = height / 2
        self._x0, self._x1, self._y = r, width - r, r
        self.canvas.create_line(self._x0, r, self._x1, r, width=height, fill=track,
                                capstyle=tk.ROUND)
        self._fill = self.canvas.create_line(self._x0, r, self._x0, r, width=height, fill=fill,
                                             capstyle=tk.ROUND, state=tk.HIDDEN)
        for mark in marks:  # boundaries drawn on top, as thin gaps in the bar
            x = self._x0 + mark * (self._x1 - self._x0)
            self.canvas.create_line(x, 0, x, height, width=max(2, height // 4), fill=background)

    def set(self, fraction: float) -> None:
        """Show ``fraction`` (0..1) done."""
        fraction = min(1.0, max(0.0, fraction))
        x = self._x0 + fraction * (self._x1 - self._x0)
        self.canvas.coords(self._fill, self._x0, self._y, x, self._y)
        self.canvas.itemconfigure(self._fill, state=tk.NORMAL if fraction > 0 else tk.HIDDEN)
