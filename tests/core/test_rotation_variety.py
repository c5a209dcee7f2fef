"""Twenty working days at the default schedule on the built-in catalogue (issue 16): every desk
exercise of a kind comes up, none crowds out the others, and the muscle-group balance and the
stretch → weak-partner pairing still hold. The same simulation as bench/rotation_variety.py."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from itertools import groupby

import pytest
from rotation_sim import ZONE, Shown, counts_by_kind, simulate

from traybreak.catalog.load import load_builtin
from traybreak.core.model import Exercise, Kind, Outcome, PromptRecord
from traybreak.core.muscles import GROUPS, Side, partner_groups
from traybreak.core.rotation import DESK_SETTINGS, choose_next, focus_groups

CATALOGUE = load_builtin()
DAYS = 20
SPREAD = 3.0   # no exercise shown more than this many times its kind's mean


@pytest.fixture(scope="module", params=range(3), ids=lambda seed: f"seed{seed}")
def month(request: pytest.FixtureRequest) -> list[Shown]:
    return simulate(CATALOGUE, DAYS, seed=request.param)


def desk_groups(kind: Kind) -> set[str]:
    return {g for e in CATALOGUE if e.kind is kind and e.setting in DESK_SETTINGS
            for g in focus_groups(e)}


def weak_partners(stretch: Exercise) -> set[str]:
    return {p for g in stretch.targets for p in partner_groups(g)
            if GROUPS[g].side is Side.TIGHT and GROUPS[p].side is Side.WEAK}


def test_the_simulation_runs_the_default_schedule(month: list[Shown]) -> None:
    per_day = {kind: len([s for s in month if s.kind is kind]) / DAYS for kind in Kind}
    assert 15 <= per_day[Kind.STRETCH] <= 19      # every 25 min of work, 7 h 45 at the desk
    assert 6 <= per_day[Kind.STRENGTHEN] <= 9     # every 55 min
    assert per_day[Kind.RELAX] == 1               # at 15:30
    assert all(s.choice.exercise.setting in DESK_SETTINGS for s in month)


@pytest.mark.parametrize("kind", Kind)
def test_every_desk_exercise_comes_up_and_none_crowds_out_the_others(month: list[Shown],
                                                                     kind: Kind) -> None:
    counts = counts_by_kind(month, CATALOGUE)[kind]
    mean = sum(counts.values()) / len(counts)
    never = sorted(ident for ident, n in counts.items() if n == 0)
    assert not never, f"{kind}: never shown in {DAYS} days: {never}"
    crowding = {ident: n for ident, n in counts.items() if n > SPREAD * mean}
    assert not crowding, f"{kind}: over {SPREAD}× the mean {mean:.1f}: {crowding}"


@pytest.mark.parametrize("kind", Kind)
def test_no_group_waits_longer_than_a_round_of_its_kind(month: list[Shown], kind: Kind) -> None:
    groups = desk_groups(kind)
    run = dict.fromkeys(groups, 0)
    worst = dict.fromkeys(groups, 0)
    for shown in (s for s in month if s.kind is kind):
        served = set(focus_groups(shown.choice.exercise))
        for g in groups:
            run[g] = 0 if g in served else run[g] + 1
            worst[g] = max(worst[g], run[g])
    assert max(worst.values()) <= len(groups) + 1, worst


def test_strengtheners_pair_with_the_days_stretches(month: list[Shown]) -> None:
    owed = paired = 0
    for _, day in groupby(month, key=lambda s: s.at.date()):
        open_pairs: list[set[str]] = []
        for shown in day:
            exercise = shown.choice.exercise
            if shown.kind is Kind.STRETCH:
                open_pairs.append(weak_partners(exercise))
            elif shown.kind is Kind.STRENGTHEN:
                served = set(focus_groups(exercise))
                pairs = any(p & served for p in open_pairs)
                if shown.choice.reason.startswith("Pairs"):
                    assert pairs, shown
                owed += bool(open_pairs)
                paired += pairs
                open_pairs = [p for p in open_pairs if not p & served]
    assert owed > 0
    assert paired / owed >= 0.9


def test_the_same_seed_gives_the_same_month() -> None:
    def ids(shown: Sequence[Shown]) -> list[str]:
        return [s.choice.exercise.id for s in shown]

    assert ids(simulate(CATALOGUE, 3, seed=5)) == ids(simulate(CATALOGUE, 3, seed=5))


def test_a_daily_relax_does_not_repeat_the_card_that_fits_its_length() -> None:
    """The 5-minute wind-down fits the 5-minute relax best, but once shown it waits its turn
    behind the cards of its groups not shown yet (it fits only among those never shown)."""
    now = datetime(2026, 4, 8, 15, 30, tzinfo=ZONE)

    def done(ident: str, at: datetime) -> PromptRecord:
        return PromptRecord(rule="relax", kind=Kind.RELAX, due_at=at, exercise_id=ident,
                            shown_at=at, ended_at=at + timedelta(minutes=5), outcome=Outcome.DONE)

    history = [done("daily_wind_down", now - timedelta(days=2)),
               done("eye_palming", now - timedelta(days=1))]
    for seed in range(10):
        choice = choose_next(Kind.RELAX, CATALOGUE, history, now, random.Random(seed),
                             length=timedelta(minutes=5))
        assert choice is not None
        # The closest in length among the breathing or whole-body cards not shown yet.
        assert choice.exercise.id in {"box_breathing", "long_exhale_breathing", "body_scan"}


def test_the_trays_bounded_history_chooses_as_the_whole_history_would() -> None:
    """The tray passes the rotation at most ``history_rows`` of each kind (issue 18 point 10: it
    read every row of 28 days at each prompt). Over 40 working days at the default schedule,
    where that bound cuts the stretches' history to about ten days, every choice is the same."""
    assert simulate(CATALOGUE, 40, seed=5, bounded=True) == simulate(CATALOGUE, 40, seed=5)
