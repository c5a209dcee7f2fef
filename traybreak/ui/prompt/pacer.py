"""The breathing pacer for relax prompts: a Tk canvas circle that grows on the in-breath and
shrinks on the out-breath, following ui/prompt/breath.py. Tk thread only.
"""

from __future__ import annotations

import logging
import tkinter as tk

from traybreak.ui.prompt.breath import BreathPhase, phase_at

log = logging.getLogger(__name__)


class Pacer:
    """A circle that breathes on its own Canvas; the window calls ``show(t)`` every frame."""

    def __init__(self, parent: tk.Misc, *, diameter: int, colour: str, tint: str,
                 background: str, text: str, font: tuple[str, int, str],
                 breath: tuple[int, int, int, int]) -> None:
        self.breath = breath
        self.canvas = tk.Canvas(parent, width=diameter, height=diameter, bg=background,
                                highlightthickness=0, bd=0)
        self._c = diameter / 2
        self._rmax = diameter / 2 - 2
        self._rmin = self._rmax * 0.42
        c, r = self._c, self._rmax
        self.canvas.create_oval(c - r, c - r, c + r, c + r, fill=tint, outline="")
        self._disc = self.canvas.create_oval(0, 0, 0, 0, fill=colour, outline="")
        self._count = self.canvas.create_text(c, c, text="", fill=text, font=font)
        self.phase: BreathPhase | None = None

    def show(self, t: float) -> BreathPhase:
        """Draw the pacer ``t`` seconds into the exercise; returns the phase shown."""
        phase = phase_at(self.breath, t)
        r = self._rmin + phase.size * (self._rmax - self._rmin)
        c = self._c
        self.canvas.coords(self._disc, c - r, c - r, c + r, c + r)
        self.canvas.itemconfigure(self._count, text=str(phase.seconds_left))
        self.phase = phase
        return phase
