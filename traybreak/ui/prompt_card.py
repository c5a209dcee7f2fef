"""What a prompt window shows, as plain text and numbers: built from an Exercise or from a custom
reminder's title and message. Pure (no tkinter, no Pillow), so the wording is testable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from traybreak.core.durations import humanize
from traybreak.core.model import Dosage, Exercise, Kind
from traybreak.ui.breath import breath_or_default
from traybreak.ui.prompt_layout import cautions_line, style_for

DISCLAIMER = "General guidance, not medical advice. Stop if anything hurts."
KEY_HINTS = "Keys: Enter done · S snooze · Esc skip"


@dataclass(frozen=True)
class Card:
    """The content of one prompt window."""

    kind: Kind | None
    name: str
    tagline: str                 # "STRETCH · SEATED · ABOUT 1 MIN"
    dosage: str                  # "Hold 30 s · each side · 2 rounds"
    steps: tuple[str, ...]
    why: str
    cautions: str                # "Skip this if …" or ""
    countdown_s: float           # 0: no countdown (message reminders)
    plan: Dosage                 # how the countdown is split into rounds and sides
    breath: tuple[int, int, int, int] | None  # set for relax prompts: the pacer runs
    exercise: Exercise | None = None
    message: str = ""

    @property
    def window_title(self) -> str:
        """The title the window manager shows (and tests search for)."""
        return f"{self.name} · traybreak"


def exercise_card(exercise: Exercise, countdown: timedelta | None = None) -> Card:
    """The card for an exercise; ``countdown`` overrides its duration (tests, previews)."""
    length = countdown if countdown is not None else exercise.duration
    style = style_for(exercise.kind)
    about = f"about {humanize(exercise.duration)}" if exercise.duration else ""
    tagline = " · ".join(p for p in (style.label, exercise.setting.value, about) if p)
    relax = exercise.kind is Kind.RELAX or exercise.breath is not None
    return Card(
        kind=exercise.kind,
        name=exercise.name,
        tagline=tagline.upper(),
        dosage=exercise.dosage.describe(),
        steps=tuple(s.strip() for s in exercise.steps if s.strip()),
        why=exercise.why.strip(),
        cautions=cautions_line(exercise.cautions),
        countdown_s=max(0.0, length.total_seconds()),
        plan=exercise.dosage,
        breath=breath_or_default(exercise.breath) if relax else None,
        exercise=exercise,
    )


def message_card(title: str | None, message: str) -> Card:
    """The card for a custom reminder ("Drink some water"): no figure, no countdown."""
    name = (title or "").strip() or "Time for a break"
    return Card(
        kind=None, name=name, tagline=style_for(None).label.upper(), dosage="", steps=(),
        why="", cautions="", countdown_s=0.0, plan=Dosage(), breath=None,
        message=message.strip(),
    )
