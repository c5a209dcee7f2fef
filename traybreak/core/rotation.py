"""Which exercise comes next: the muscle group waiting longest goes first, and today's stretches are
paired with strengtheners for their weak partners. Pure: the log, the time and the random source
are arguments; docs/rotation.md explains the rules in plain words.

Here: the choice itself (choose_next) and how much history it needs. What the log says is read
into a ledger in rotation_ledger; the ranking, the pick and the reason are in rotation_picks.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from traybreak.core.conditions import left_out
from traybreak.core.model import Exercise, Kind, PromptRecord, Setting
from traybreak.core.progression import Progress, levels_for, progress, resting
from traybreak.core.rotation_ledger import WINDOW, focus_groups, read_ledger
from traybreak.core.rotation_picks import (
    balance_reason,
    pair_reason,
    pairing_targets,
    pick_exercise,
    rank_groups,
)

__all__ = ["DESK_SETTINGS", "HISTORY", "HISTORY_ROUNDS", "WINDOW", "Choice", "choose_next",
           "focus_groups", "history_rows"]

log = logging.getLogger(__name__)

DESK_SETTINGS: frozenset[Setting] = frozenset({Setting.SEATED, Setting.STANDING})
"""What the default rules allow: moves doable at a desk in office clothes."""

HISTORY = timedelta(days=28)
"""How much of the log a caller should pass: "least recently shown" has to remember every card of
a group that comes round about once a day (a daily relax cycles through its cards in ten days or
so); an exercise missing from the history counts as never shown. At least ``WINDOW``."""

HISTORY_ROUNDS = 10
"""Of each kind, a caller needs to pass no more of the ``HISTORY`` than its newest
``history_rows``: ten rounds of that kind's cards. A card not shown in ten rounds is the least
recently shown of its group whatever its date, and a group not served in ten rounds is overdue
whatever came before. At the default schedule ten rounds of stretches are about ten working
days; at the shortest intervals they are an hour, and this bound keeps each choice as cheap as
on a normal day instead of walking thousands of rows (issue 18 point 10)."""


@dataclass(frozen=True)
class Choice:
    """The exercise to prompt, a one-line reason the prompt window can show, the muscle group
    the choice was made for (None when there was nothing to balance), and the user's level with
    it (core.progression)."""

    exercise: Exercise
    reason: str
    focus: str | None = None
    progress: Progress = field(default_factory=Progress)


def choose_next(
    kind: Kind,
    exercises: Sequence[Exercise],
    history: Sequence[PromptRecord],
    now: datetime,
    rng: random.Random,
    *,
    exclude: Collection[str] = (),
    favourites: Collection[str] = (),
    settings: Collection[Setting] | None = None,
    avoid: Collection[str] = (),
    have: Collection[str] | None = None,
    length: timedelta | None = None,
) -> Choice | None:
    """Pick the next ``kind`` exercise from the catalogue ``exercises`` given the log ``history``.

    ``exercises`` is the whole catalogue (all kinds), so past rows can be matched to their targets.
    ``now`` should be local, aware time: "today" for pairing is ``now``'s calendar day in its zone.
    ``settings`` None means seated or standing. ``avoid`` (caution tags) and ``have`` (props; None:
    any) leave out what does not suit the user (core.conditions). Returns None when the filters
    leave nothing, so the caller shows a message-only prompt. The same arguments and rng state
    give the same choice.
    ``length`` is the break's length (the rule's duration): among the exercises for the group
    whose turn it is, the one whose own duration is closest to it goes first (after favourites).
    A card answered "This hurts" rests (core.progression.REST) and is left out meanwhile.
    """
    allowed = DESK_SETTINGS if settings is None else frozenset(settings)
    index = {e.id: e for e in exercises}

    def fits(exercise: Exercise | None) -> bool:
        return exercise is not None and left_out(
            exercise, settings=allowed, exclude=exclude, avoid=avoid, have=have) is None \
            and not resting(exercise, history, now)

    def with_level(exercise: Exercise) -> Progress:
        return _usable_levels(exercise, progress(exercise, history, now), index, fits)

    pool = [e for e in exercises if e.kind is kind and fits(e)]
    if not pool:
        return None
    if len(pool) == 1:
        return Choice(pool[0], f"The only {kind} exercise your choices allow", None,
                      with_level(pool[0]))
    ledger = read_ledger(kind, index, history, now)
    # A group that missed a full round of this kind's prompts is overdue: balance beats pairing.
    # One that will be overdue after this prompt unless it is served is "about due".
    groups = sorted({g for e in pool for g in focus_groups(e)})
    waited = {g: ledger.done - ledger.turn.get(g, 0) for g in groups}
    overdue = any(n >= len(groups) for n in waited.values())
    about_due = frozenset(g for g, n in waited.items() if n >= len(groups) - 1)
    if ledger.previous is not None:
        pool = [e for e in pool if e.id != ledger.previous.id] or pool
        groups = sorted({g for e in pool for g in focus_groups(e)})
    favoured = frozenset(favourites)
    pairing = set() if overdue else pairing_targets(ledger, pool)
    ranking = rank_groups(sorted(pairing) or groups, ledger, pool, favoured, rng)
    focus = ranking[0]
    exercise = pick_exercise(ranking, pool, ledger, favoured, rng, length, about_due)
    reason = pair_reason(ledger, focus, now) if pairing else balance_reason(focus, ledger, now)
    if focus in ledger.gentler:
        reason += " · a gentler one after \"This hurts\""
    if exercise.id in favoured:
        reason += " · one of your favourites"
    return Choice(exercise, reason, focus, with_level(exercise))


def _usable_levels(exercise: Exercise, where: Progress, index: Mapping[str, Exercise],
                   fits: Callable[[Exercise | None], bool]) -> Progress:
    """``where`` within the levels this user can do: a level showing a harder card (variant)
    that their choices leave out, and every level after it, is not offered."""
    usable = 0
    for level in levels_for(exercise):
        if level.variant is not None and not fits(index.get(level.variant)):
            break
        usable += 1
    usable = max(usable, 1)
    return replace(where, level=min(where.level, usable), of=usable)


def history_rows(kind: Kind, exercises: Iterable[Exercise]) -> int:
    """How many of the newest ``kind`` rows of the log the rotation needs: ``HISTORY_ROUNDS``
    rounds of that kind's cards in the catalogue ``exercises``, and at least 100."""
    return max(100, HISTORY_ROUNDS * sum(1 for e in exercises if e.kind is kind))
