"""The rotation's choices from a Ledger: the weak groups today's stretches still owe a
strengthener, the groups ranked neediest first, the card for the neediest one, and the one-line
reason the prompt window shows ("Pairs with this morning's ...", "... not worked on for 2 days").
Pure: the random source is an argument; docs/rotation.md has the rules in plain words.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from traybreak.core.model import Exercise
from traybreak.core.muscles import GROUPS
from traybreak.core.progression import strain
from traybreak.core.rotation_ledger import Ledger, focus_groups
from traybreak.core.stats import stamp

__all__ = ["balance_reason", "pair_reason", "pairing_targets", "pick_exercise", "rank_groups"]


def pairing_targets(ledger: Ledger, pool: Sequence[Exercise]) -> set[str]:
    """Weak groups still owed a strengthener by today's stretches that some candidate can serve."""
    owed = {g for _, _, partners in ledger.pending for g in partners}
    return {g for e in pool for g in focus_groups(e) if g in owed}


def rank_groups(groups: Sequence[str], ledger: Ledger, pool: Sequence[Exercise],
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


def pick_exercise(ranking: Sequence[str], pool: Sequence[Exercise], ledger: Ledger,
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


def balance_reason(focus: str, ledger: Ledger, now: datetime) -> str:
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


def pair_reason(ledger: Ledger, focus: str, now: datetime) -> str:
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
