"""What a prompt window shows, as plain text and numbers: built from an Exercise (fitted to the
break's length) or from a custom reminder's title and message. Pure, so the wording is testable.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import timedelta

from traybreak.core.durations import humanize
from traybreak.core.model import Dosage, Exercise, Kind
from traybreak.core.printable import printable
from traybreak.core.progression import level_length, levels_for, work_ratio
from traybreak.ui.prompt.breath import breath_or_default
from traybreak.ui.prompt.layout import cautions_line
from traybreak.ui.toolkit.palette import style_for

_KEYS = {"done": "Enter done", "snooze": "S snooze", "skip": "Esc skip"}
TITLE_CHARS = 80  # two lines of the header at most


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
    level: str = ""              # "Level 2 of 3"; "" for a card with no progression
    progresses: bool = False     # more than one level: "Too easy" and "Too hard" mean something

    @property
    def window_title(self) -> str:
        """The title the window manager shows (and tests search for)."""
        return f"{self.name} · traybreak"


def key_hints(buttons: Iterable[str]) -> str:
    """"Keys: Enter done · S snooze · Esc skip", naming only the ``buttons`` the window has."""
    return "Keys: " + " · ".join(_KEYS[key] for key in buttons)


def exercise_card(exercise: Exercise, countdown: timedelta | None = None, *, level: int = 1,
                  levels: int | None = None, variant: Exercise | None = None) -> Card:
    """The card for an exercise; ``countdown`` is the break's length (the rule's duration, or
    longer for a higher level), to which the card's length and amounts are fitted; None: the
    exercise's own duration at that level.

    ``level`` of ``levels`` (None: all the card's levels) is the user's progression level
    (core.progression): the card asks that level's dosage, or shows ``variant``, the harder card
    that level names, in its place.
    """
    ladder = levels_for(exercise)
    of = min(levels or len(ladder), len(ladder))
    level = min(max(level, 1), of)
    step = ladder[level - 1]
    shown = variant if step.variant is not None and variant is not None else exercise
    if shown is not exercise:  # the harder card, at the level's amounts if it gives any
        dosage = step.dosage if step.dosage.hold_s or step.dosage.reps else shown.dosage
        own = shown.duration
    else:  # a variant missing from the catalog (never offered by the tray) shows the card
        amounts = of > 1 and bool(step.dosage.hold_s or step.dosage.reps)
        dosage = step.dosage if amounts else exercise.dosage
        own = exercise.duration * work_ratio(exercise, level)
    length = countdown if countdown is not None else level_length(exercise, level)
    style = style_for(shown.kind)
    about = f"about {humanize(length)}" if length else ""
    tagline = " · ".join(p for p in (style.label, shown.setting.value, about) if p)
    relax = shown.breath is not None or (shown.kind is Kind.RELAX and not eyes_off_screen(shown))
    plan = fitted_dosage(dosage, own, length)
    return Card(
        kind=shown.kind,
        name=shown.name,
        tagline=tagline.upper(),
        dosage=plan.describe(),
        steps=tuple(s.strip() for s in shown.steps if s.strip()),
        why=shown.why.strip(),
        cautions=cautions_line(shown.caution_texts),
        countdown_s=max(0.0, length.total_seconds()),
        plan=plan,
        breath=breath_or_default(shown.breath) if relax else None,
        exercise=shown,
        level=f"Level {level} of {of}" if of > 1 else "",
        progresses=of > 1,
    )


def eyes_off_screen(exercise: Exercise) -> bool:
    """An eye rest (look far away, palms over closed eyes): an on-screen breathing pacer would
    call the eyes back to the screen, so its card has none unless it sets a breath itself."""
    return "eyes" in exercise.targets


def fitted_dosage(dosage: Dosage, own: timedelta, length: timedelta) -> Dosage:
    """``dosage`` (which takes ``own``) scaled to take about ``length``: a longer break repeats
    it (more rounds or sets; more breaths for paced breathing), a shorter one does fewer rounds,
    then fewer reps or shorter holds."""
    if own <= timedelta(0) or length <= timedelta(0):
        return dosage
    factor = length / own
    if dosage.unit == "breaths" and dosage.reps:  # a breathing exercise simply goes on longer
        return replace(dosage, reps=max(1, round(dosage.reps * factor)))
    sets = max(1, round(dosage.sets * factor))
    rest = factor * dosage.sets / sets  # how much each of those rounds must still shrink
    if factor >= 1 or rest >= 1:  # longer: whole extra rounds, never shorter ones
        return replace(dosage, sets=sets)
    if dosage.reps:
        return replace(dosage, sets=sets, reps=max(1, round(dosage.reps * rest)))
    if dosage.hold_s:
        return replace(dosage, sets=sets, hold_s=max(1, round(dosage.hold_s * rest)))
    return replace(dosage, sets=sets)


def message_card(title: str | None, message: str) -> Card:
    """The card for a custom reminder ("Drink some water"): no figure, no countdown. A title
    too long for the header is cut (the message scrolls instead: ui/prompt/window.py)."""
    # The config refuses control characters; `traybreak prompt --message` takes any text, so
    # they are shown escaped here ("\x1b") rather than as whatever Tk makes of them.
    name = printable((title or "").strip(), lines=False) or "Time for a break"
    if len(name) > TITLE_CHARS:
        name = name[:TITLE_CHARS - 1].rstrip() + "…"
    return Card(
        kind=None, name=name, tagline=style_for(None).label.upper(), dosage="", steps=(),
        why="", cautions="", countdown_s=0.0, plan=Dosage(), breath=None,
        message=printable(message.strip()),
    )
