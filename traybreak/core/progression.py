"""How an exercise progresses, and what "This hurts" does: each card's levels (declared in its pack
or derived from its dosage), the level the log says the user is at, and whether a card is resting.
Pure: the log, the time and the exercises are arguments; docs/rotation.md tells the rules in words.

The rules, read from the user's own rows of one exercise (oldest first):
- "Too easy" after Done: one level up; "Too hard": one level down; "This hurts": one level down,
  and the card rests for ``REST`` (the rotation leaves it out and picks a gentler one of the
  same group the next time that group's turn comes).
- ``AUTO_ADVANCE`` Done in a row at the same level with no feedback: one level up by itself.
- Each row keeps the level it was shown at, so the log carries the level from row to row; a card
  with no row in the history passed (the rotation passes four weeks) starts again at level 1.
  A done row without a level (logged before levels existed) does not count toward a step up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from traybreak.core.model import Dosage, Exercise, Feedback, Kind, Level, Outcome, PromptRecord
from traybreak.core.stats import finished_at, stamp

AUTO_ADVANCE = 5
"""Done this many times in a row at one level, with no "Too hard" or "This hurts" in between:
the next level comes by itself (the usual "progress when it feels easy for about a week")."""

REST = timedelta(days=14)
"""How long a card answered "This hurts" is left out of the rotation."""

LONGEST = 2.0
"""A higher level takes longer than the break's own length, but at most this many times it."""

REP_S = 3            # seconds a rep takes when a card gives no hold, to compare levels' work
STRETCH_HOLD_CAP = 60   # derived stretch holds stop here (30-60 s is the usual upper range)


@dataclass(frozen=True)
class Progress:
    """Where the user is with one exercise: ``level`` of ``of`` (1-based), how many Done in a
    row at that level count toward the next (``streak``), and until when it rests (None: not)."""

    level: int = 1
    of: int = 1
    streak: int = 0
    resting_until: datetime | None = None

    def words(self) -> str:
        """"Level 2 of 3"; "" for a card with one level only."""
        return f"Level {self.level} of {self.of}" if self.of > 1 else ""


def levels_for(exercise: Exercise) -> tuple[Level, ...]:
    """The card's levels: those its pack declares, else ones derived from its dosage."""
    return exercise.levels or derived_levels(exercise)


def derived_levels(exercise: Exercise) -> tuple[Level, ...]:
    """Three levels for a strengthener (reps: 8 -> 12 -> 2 sets of 12; holds: 20 -> 30 -> 45 s)
    and a held stretch (holds: 30 -> 45 -> 60 s); one level (no progression) for anything else:
    relaxation, paced breathing, and stretches done as moving reps (mobility)."""
    dosage = exercise.dosage
    if exercise.kind is Kind.RELAX or dosage.unit == "breaths":
        return (Level(dosage),)
    if exercise.kind is Kind.STRENGTHEN and dosage.reps:
        more = max(dosage.reps + 1, round(dosage.reps * 1.5))
        return (Level(dosage), Level(replace(dosage, reps=more)),
                Level(replace(dosage, reps=more, sets=dosage.sets + 1)))
    if dosage.hold_s and not dosage.reps:
        cap = STRETCH_HOLD_CAP if exercise.kind is Kind.STRETCH else None
        holds = [dosage.hold_s]
        for factor in (1.5, 2.25):
            hold = max(holds[-1] + 5, 5 * round(dosage.hold_s * factor / 5))
            if cap is not None:
                hold = min(hold, cap)
            if hold > holds[-1]:
                holds.append(hold)
        return tuple(Level(replace(dosage, hold_s=h)) for h in holds)
    return (Level(dosage),)


def work(dosage: Dosage) -> float:
    """A rough amount of work (seconds under effort), to compare levels: sets x reps x hold."""
    sides = 2 if dosage.per_side else 1
    return dosage.sets * (dosage.reps or 1) * (dosage.hold_s or REP_S) * sides


def work_ratio(exercise: Exercise, level: int) -> float:
    """How many times the work of level 1 ``level`` asks (1.0 for level 1 and for a level that
    shows a harder card instead)."""
    levels = levels_for(exercise)
    chosen = levels[_clamp(level, len(levels)) - 1]
    if chosen.variant is not None:  # a harder card in the same time, not more of this one
        return 1.0
    return max(work(chosen.dosage) / max(work(levels[0].dosage), 1e-9), 1.0)


def level_length(exercise: Exercise, level: int, length: timedelta | None = None) -> timedelta:
    """How long ``level`` takes in a break of ``length`` (None: the card's own duration): level 1
    takes ``length``; a higher level as much longer as it is more work, at most ``LONGEST`` x;
    a level that shows a harder card (variant) takes ``length``."""
    base = exercise.duration if length is None else length
    return base * min(work_ratio(exercise, level), LONGEST)


def progress(exercise: Exercise, history: Sequence[PromptRecord], now: datetime) -> Progress:
    """Where the user is with ``exercise`` at ``now``, from the rows of it in ``history``."""
    of = len(levels_for(exercise))
    level, streak, resting = 1, 0, None
    rows = [r for r in history if r.exercise_id == exercise.id and r.outcome is Outcome.DONE]
    for row in sorted(rows, key=lambda r: stamp(finished_at(r))):
        if row.level is None and row.feedback is None:
            continue  # written before levels existed: it says nothing about one
        shown = _clamp(row.level, of) if row.level is not None else level
        if shown != level:
            level, streak = shown, 0
        if row.feedback is Feedback.TOO_EASY:
            level, streak = min(shown + 1, of), 0
        elif row.feedback in (Feedback.TOO_HARD, Feedback.HURTS):
            level, streak = max(shown - 1, 1), 0
            if row.feedback is Feedback.HURTS:
                resting = finished_at(row) + REST
        else:
            streak += 1
            if streak >= AUTO_ADVANCE and level < of:
                level, streak = level + 1, 0
    if resting is not None and stamp(resting) <= stamp(now):
        resting = None
    return Progress(level, of, streak, resting)


def resting(exercise: Exercise, history: Sequence[PromptRecord], now: datetime) -> bool:
    """True while ``exercise`` rests after "This hurts" (``REST`` from that answer)."""
    return progress(exercise, history, now).resting_until is not None


def strain(exercise: Exercise) -> tuple[int, int, float]:
    """How demanding a card is, to find a gentler one: fewer conditions it warns about, then
    seated before standing before the floor, then less work at level 1. Lower is gentler."""
    setting = ("seated", "standing", "floor").index(exercise.setting.value)
    return len(exercise.caution_tags), setting, work(levels_for(exercise)[0].dosage)


def _clamp(level: int | None, of: int) -> int:
    """A stored level within the card's levels now (a pack may have dropped some since)."""
    return min(max(level or 1, 1), max(of, 1))

