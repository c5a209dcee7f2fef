"""What the log says about one kind's rotation, read once per choice (the Ledger): when each
muscle group was last served and how often within the WINDOW, whose turn has passed, when each
card was last shown, the last one shown, today's stretches still owed a strengthener, and the
groups whose last card hurt. Also which groups a card balances (focus_groups). Pure.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from traybreak.core.model import Exercise, Feedback, Kind, Outcome, PromptRecord
from traybreak.core.muscles import GROUPS, Side, partner_groups
from traybreak.core.progression import strain
from traybreak.core.stats import finished_at, is_served, local_day, stamp

__all__ = ["WINDOW", "Ledger", "focus_groups", "read_ledger"]

WINDOW = timedelta(days=7)
"""How far back "least often served" looks."""

# The side of the imbalance each kind works on: its rotation balances the groups on that side.
_SIDE = {Kind.STRETCH: Side.TIGHT, Kind.STRENGTHEN: Side.WEAK, Kind.RELAX: Side.CALM}
# Outcomes that mean the exercise was on screen (a suppressed or natural row never showed one).
_SHOWN = frozenset({Outcome.DONE, Outcome.SKIPPED, Outcome.SNOOZED, Outcome.IGNORED})


@dataclass
class Ledger:
    """What the history says about one kind's rotation, computed once per choice."""

    last_served: dict[str, float] = field(default_factory=dict)  # group -> timestamp
    done: int = 0                                                  # done prompts of this kind
    turn: dict[str, int] = field(default_factory=dict)            # group -> ``done`` when served
    served: Counter[str] = field(default_factory=Counter)         # group -> times within WINDOW
    last_shown: dict[str, float] = field(default_factory=dict)    # exercise id -> timestamp
    previous: Exercise | None = None                               # the last one shown
    pending: list[tuple[datetime, Exercise, frozenset[str]]] = field(default_factory=list)
    # group -> the strain of a card answered "This hurts", until the group is next served
    gentler: dict[str, tuple[int, int, float]] = field(default_factory=dict)


def focus_groups(exercise: Exercise) -> tuple[str, ...]:
    """The targets the rotation balances for this exercise: those on its kind's side (tight for a
    stretch, weak for a strengthener, calm for relaxation); all targets when none is."""
    side = _SIDE[exercise.kind]
    own = tuple(g for g in exercise.targets if g not in GROUPS or GROUPS[g].side is side)
    return own or exercise.targets


def read_ledger(kind: Kind, index: Mapping[str, Exercise], history: Sequence[PromptRecord],
          now: datetime) -> Ledger:
    """Walk the history once, oldest first, collecting what the ranking needs."""
    ledger = Ledger()
    since = stamp(now - WINDOW)
    zone = now.tzinfo or UTC  # naive times are taken as they are
    today = local_day(now, zone)
    latest_shown = -math.inf
    for record in sorted(history, key=lambda r: stamp(finished_at(r))):
        exercise = index.get(record.exercise_id or "")
        if exercise is None or not _was_shown(record):
            continue
        moment = finished_at(record)
        at = stamp(moment)
        if exercise.kind is kind:
            ledger.last_shown[exercise.id] = at
            if at >= latest_shown:
                latest_shown, ledger.previous = at, exercise
        if not is_served(record):
            continue
        if exercise.kind is kind:
            ledger.done += 1
            for group in focus_groups(exercise):
                ledger.last_served[group] = at
                ledger.turn[group] = ledger.done
                if at >= since:
                    ledger.served[group] += 1
                if record.feedback is Feedback.HURTS:  # the group's next card: a gentler one
                    ledger.gentler[group] = strain(exercise)
                else:
                    ledger.gentler.pop(group, None)
        if kind is Kind.STRENGTHEN and local_day(moment, zone) == today:
            _track_pairs(ledger, exercise, moment)
    return ledger


def _was_shown(record: PromptRecord) -> bool:
    """True when the record's exercise reached the screen (an open row counts: it is up now)."""
    if record.outcome is None:
        return record.shown_at is not None
    return record.outcome in _SHOWN


def _track_pairs(ledger: Ledger, exercise: Exercise, moment: datetime) -> None:
    """A done stretch opens a pairing; a done strengthener closes the ones it is a partner for."""
    if exercise.kind is Kind.STRETCH:
        partners = frozenset(p for g in exercise.targets for p in partner_groups(g)
                             if g in GROUPS and GROUPS[g].side is Side.TIGHT
                             and p in GROUPS and GROUPS[p].side is Side.WEAK)
        if partners:
            ledger.pending.append((moment, exercise, partners))
    elif exercise.kind is Kind.STRENGTHEN:
        ledger.pending = [p for p in ledger.pending if not p[2] & set(focus_groups(exercise))]
