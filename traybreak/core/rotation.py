"""Which exercise comes next: the muscle group waiting longest goes first, and today's stretches are
paired with strengtheners for their weak partners. Pure: the log, the time and the random source
are arguments; docs/rotation.md explains the rules in plain words.
"""

from __future__ import annotations

import logging
import math
import random
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from traybreak.core.conditions import left_out
from traybreak.core.model import Exercise, Feedback, Kind, Outcome, PromptRecord, Setting
from traybreak.core.muscles import GROUPS, Side, partner_groups
from traybreak.core.progression import Progress, levels_for, progress, resting, strain
from traybreak.core.stats import finished_at, is_served, local_day, stamp

log = logging.getLogger(__name__)

DESK_SETTINGS: frozenset[Setting] = frozenset({Setting.SEATED, Setting.STANDING})
"""What the default rules allow: moves doable at a desk in office clothes."""

WINDOW = timedelta(days=7)
"""How far back "least often served" looks."""

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

# The side of the imbalance each kind works on: its rotation balances the groups on that side.
_SIDE = {Kind.STRETCH: Side.TIGHT, Kind.STRENGTHEN: Side.WEAK, Kind.RELAX: Side.CALM}
# Outcomes that mean the exercise was on screen (a suppressed or natural row never showed one).
_SHOWN = frozenset({Outcome.DONE, Outcome.SKIPPED, Outcome.SNOOZED, Outcome.IGNORED})


@dataclass(frozen=True)
class Choice:
    """The exercise to prompt, a one-line reason the prompt window can show, the muscle group
    the choice was made for (None when there was nothing to balance), and the user's level with
    it (core.progression)."""

    exercise: Exercise
    reason: str
    focus: str | None = None
    progress: Progress = field(default_factory=Progress)


@dataclass
class _Ledger:
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
    ledger = _read(kind, index, history, now)
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
    pairing = set() if overdue else _pairing_targets(ledger, pool)
    ranking = _rank_groups(sorted(pairing) or groups, ledger, pool, favoured, rng)
    focus = ranking[0]
    exercise = _pick_exercise(ranking, pool, ledger, favoured, rng, length, about_due)
    reason = _pair_reason(ledger, focus, now) if pairing else _balance_reason(focus, ledger, now)
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


def focus_groups(exercise: Exercise) -> tuple[str, ...]:
    """The targets the rotation balances for this exercise: those on its kind's side (tight for a
    stretch, weak for a strengthener, calm for relaxation); all targets when none is."""
    side = _SIDE[exercise.kind]
    own = tuple(g for g in exercise.targets if g not in GROUPS or GROUPS[g].side is side)
    return own or exercise.targets


def _read(kind: Kind, index: Mapping[str, Exercise], history: Sequence[PromptRecord],
          now: datetime) -> _Ledger:
    """Walk the history once, oldest first, collecting what the ranking needs."""
    ledger = _Ledger()
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


def _track_pairs(ledger: _Ledger, exercise: Exercise, moment: datetime) -> None:
    """A done stretch opens a pairing; a done strengthener closes the ones it is a partner for."""
    if exercise.kind is Kind.STRETCH:
        partners = frozenset(p for g in exercise.targets for p in partner_groups(g)
                             if g in GROUPS and GROUPS[g].side is Side.TIGHT
                             and p in GROUPS and GROUPS[p].side is Side.WEAK)
        if partners:
            ledger.pending.append((moment, exercise, partners))
    elif exercise.kind is Kind.STRENGTHEN:
        ledger.pending = [p for p in ledger.pending if not p[2] & set(focus_groups(exercise))]


def _pairing_targets(ledger: _Ledger, pool: Sequence[Exercise]) -> set[str]:
    """Weak groups still owed a strengthener by today's stretches that some candidate can serve."""
    owed = {g for _, _, partners in ledger.pending for g in partners}
    return {g for e in pool for g in focus_groups(e) if g in owed}


def _rank_groups(groups: Sequence[str], ledger: _Ledger, pool: Sequence[Exercise],
                 favoured: frozenset[str], rng: random.Random) -> list[str]:
    """Neediest first: not just offered, least recently served, least often served, has a favourite.

    The groups the previous prompt was about go behind the others for one turn, so a skipped
    exercise's group (still unserved) does not come straight back.
    """
    just_offered = set(focus_groups(ledger.previous)) if ledger.previous else set()
    fav_groups = {g for e in pool if e.id in favoured for g in focus_groups(e)}
    shuffle = {g: rng.random() for g in groups}
    return sorted(groups, key=lambda g: (
        g in just_offered,
        ledger.last_served.get(g, -math.inf),
        ledger.served[g],
        g not in fav_groups,
        shuffle[g],
    ))


def _pick_exercise(ranking: Sequence[str], pool: Sequence[Exercise], ledger: _Ledger,
                   favoured: frozenset[str], rng: random.Random,
                   length: timedelta | None = None,
                   about_due: frozenset[str] = frozenset()) -> Exercise:
    """Among the exercises for the neediest group: a favourite; then one that also works a group
    ``about_due`` (a group other than the focus that goes overdue unless served now); then the
    one shown least recently; among those never shown (in the history passed), the one that
    fits ``length`` best, then one whose other targets are also in the needier half.

    Recency comes before the fit and before working more groups on purpose: either as an earlier
    key lets the same card win its group at every turn (the one closest to the break's length,
    or one that works two groups), and the group's other cards never come up (issue 16). Working
    a group about due is the exception: it spares the next prompt a balance turn, which keeps
    room for pairing, and it only applies when a round is nearly missed.

    After "This hurts" on a card of a group (and until the group is next served), a card that
    works the group must be gentler than that one (core.progression.strain); for the group
    itself the gentlest comes first.
    """
    focus = ranking[0]
    needy = set(ranking[: max(1, len(ranking) // 2)])
    options = sorted((e for e in pool if focus in focus_groups(e)), key=lambda e: e.id)
    # "This hurts" on a card of a group: until the group is served again, a card that works it
    # must be gentler than that one (the gentlest of the focus group's when none is).
    options = [e for e in options if _gentle_enough(e, ledger.gentler)] or options
    hurt = ledger.gentler.get(focus)
    shuffle = {e.id: rng.random() for e in options}
    return min(options, key=lambda e: (
        strain(e) if hurt is not None else (),
        e.id not in favoured,
        -len(about_due.intersection(focus_groups(e)).difference({focus})),
        ledger.last_shown.get(e.id, -math.inf),
        _misfit(e, length),
        -len(needy.intersection(focus_groups(e))),
        shuffle[e.id],
    ))

def _gentle_enough(exercise: Exercise, gentler: Mapping[str, tuple[int, int, float]]) -> bool:
    """False when ``exercise`` works a group whose last card hurt and is not gentler than it."""
    caps = [gentler[g] for g in focus_groups(exercise) if g in gentler]
    return not caps or strain(exercise) < min(caps)


def _misfit(exercise: Exercise, length: timedelta | None) -> float:
    """How far the exercise's own duration is from the break's ``length``, as a ratio (0: it
    fits exactly), so that twice as long and half as long are equally far."""
    own = exercise.duration.total_seconds()
    if length is None or own <= 0 or length <= timedelta(0):
        return 0.0
    return abs(math.log(own / length.total_seconds()))


def _balance_reason(focus: str, ledger: _Ledger, now: datetime) -> str:
    """E.g. "Hip flexors (psoas) not worked on for 2 days"."""
    label = _label(focus)
    last = ledger.last_served.get(focus)
    if last is None:
        return f"{label} not worked on recently"
    waited = timedelta(seconds=stamp(now) - last)
    if waited < timedelta(hours=1):
        return f"{label}: next in turn"
    if waited < timedelta(hours=48):
        return f"{label} not worked on for {int(waited / timedelta(hours=1))} h"
    return f"{label} not worked on for {waited.days} days"


def _pair_reason(ledger: _Ledger, focus: str, now: datetime) -> str:
    """E.g. "Pairs with this morning's doorway chest stretch"."""
    moment, stretch, _ = next(p for p in ledger.pending if focus in p[2])
    hour = moment.astimezone(now.tzinfo).hour if now.tzinfo and moment.tzinfo else moment.hour
    part = "morning" if hour < 12 else "afternoon" if hour < 17 else "evening"
    name = stretch.name[:1].lower() + stretch.name[1:]
    return f"Pairs with this {part}'s {name}"


def _label(group: str) -> str:
    """The group's label with a capital first letter; unknown ids (user packs) read as words."""
    text = GROUPS[group].label if group in GROUPS else group.replace("_", " ")
    return text[:1].upper() + text[1:]

