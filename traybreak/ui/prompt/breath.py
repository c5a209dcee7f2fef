"""The breath cycle for relax prompts as a pure function of time: which phase, how many seconds
are left, and how big the pacer circle is. No tkinter (the card and the tests use it headless).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# in, hold, out, hold-after-out (seconds). A longer out-breath than in-breath is the usual
# calming pattern; about five breaths a minute.
DEFAULT_BREATH: tuple[int, int, int, int] = (4, 2, 6, 0)
_WORDS = ("Breathe in", "Hold", "Breathe out", "Hold")
_SHORT = ("in", "hold", "out", "hold")


@dataclass(frozen=True)
class BreathPhase:
    """Where in the breath cycle we are: the phase's words, whole seconds left, circle size 0..1."""

    index: int        # 0 in, 1 hold, 2 out, 3 hold after out
    words: str
    seconds_left: int
    size: float


def breath_or_default(breath: tuple[int, int, int, int] | None) -> tuple[int, int, int, int]:
    """``breath`` when it describes a real cycle (in and out > 0), else the default."""
    if breath and len(breath) == 4 and breath[0] > 0 and breath[2] > 0 and min(breath) >= 0:
        return breath
    return DEFAULT_BREATH


def describe(breath: tuple[int, int, int, int]) -> str:
    """"in 4 · hold 2 · out 6" (phases of zero seconds left out)."""
    return " · ".join(f"{word} {secs}" for word, secs in zip(_SHORT, breath, strict=True) if secs)


def _ease(p: float) -> float:
    return (1 - math.cos(math.pi * p)) / 2


def phase_at(breath: tuple[int, int, int, int], t: float) -> BreathPhase:
    """The phase ``t`` seconds after the pacer started."""
    cycle = sum(breath)
    t = t % cycle if cycle > 0 else 0.0
    start = 0.0
    for index, length in enumerate(breath):
        if length and t < start + length:
            into = t - start
            progress = into / length
            size = {0: _ease(progress), 1: 1.0, 2: 1 - _ease(progress), 3: 0.0}[index]
            return BreathPhase(index, _WORDS[index], max(1, math.ceil(length - into)), size)
        start += length
    return BreathPhase(0, _WORDS[0], breath[0], 0.0)  # only reached when cycle == 0
