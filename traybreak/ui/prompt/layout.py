"""Pure decisions behind the prompt window: the figure's size on this screen, button labels and
their disabled reasons, the cautions line and the countdown clock. No tkinter, no clock reads.
Colours live in ui/toolkit/palette.py, sizes and placement in ui/toolkit/geometry.py.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from traybreak.core.durations import humanize
from traybreak.ui.protocol import PromptRequest

log = logging.getLogger(__name__)

# -- sizes -----------------------------------------------------------------------------------

def figure_size(screen_height: int, scale: float) -> int:
    """Edge of the square illustration in pixels: large, but never pushing the window off screen.

    About a third of the screen height, within 180–340 design pixels times ``scale``.
    """
    px = int(min(max(screen_height * 0.34, 180 * scale), 340 * scale))
    return px - px % 4


@dataclass(frozen=True)
class ButtonState:
    """A button's label, whether it can be pressed, the short note shown under it, and whether
    the window has it at all."""

    label: str
    enabled: bool = True
    note: str = ""
    shown: bool = True


def _times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def snooze_button(snooze: timedelta, snoozes_left: int, snoozed: int) -> ButtonState:
    """"Snooze 5 min", disabled with the reason once the cap is reached; not shown when this
    prompt could never be snoozed (``max_snoozes = 0``, a break taken now)."""
    label = f"Snooze {humanize(snooze)}"
    if snoozes_left > 0:
        note = "last snooze" if snoozes_left == 1 else ""
        return ButtonState(label, True, note)
    if snoozed > 0:
        return ButtonState(label, False, f"Snoozed {_times(snoozed)} already")
    return ButtonState(label, False, shown=False)


def skip_button(skips_left: int | None, strict_left_s: float = 0.0) -> ButtonState:
    """"Skip" with the daily budget ("2 skips left today"); locked by strict mode or no budget."""
    if skips_left is not None and skips_left <= 0:
        return ButtonState("Skip", False, "No skips left today")
    if strict_left_s > 0:
        secs = int(strict_left_s + 0.999)
        return ButtonState("Skip", False, f"Skip available in {secs} s")
    if skips_left is None:
        return ButtonState("Skip")
    plural = "skip" if skips_left == 1 else "skips"
    return ButtonState("Skip", True, f"{skips_left} {plural} left today")


def button_states(request: PromptRequest, elapsed_s: float) -> dict[str, ButtonState]:
    """Done, Snooze and Skip ``elapsed_s`` seconds after the window appeared."""
    strict_left = max(0.0, request.strict.total_seconds() - elapsed_s)
    return {
        "done": ButtonState("Done"),
        "snooze": snooze_button(request.snooze, request.snoozes_left, request.snoozed),
        "skip": skip_button(request.skips_left, strict_left),
    }


def cautions_line(cautions: Sequence[str]) -> str:
    """The cautions (whole sentences in the packs) as one compact paragraph ("" when none)."""
    sentences = []
    for text in cautions:
        text = text.strip()
        if text:
            text = text[:1].upper() + text[1:]
            sentences.append(text if text[-1] in ".!?" else text + ".")
    return " ".join(sentences)


def clock(seconds: float) -> str:
    """Seconds as m:ss (rounded up, so "0:00" only when time is really up)."""
    whole = max(0, int(seconds + 0.999))
    return f"{whole // 60}:{whole % 60:02d}"
