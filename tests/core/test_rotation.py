"""Rotation on synthetic histories: balance over a week, stretch→strengthener pairing, no repeats,
exclusions, favourites, settings and determinism."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import groupby, pairwise
from zoneinfo import ZoneInfo

import pytest
from fakes import sample_exercises
from hypothesis import given, settings
from hypothesis import strategies as st

from traybreak.core.model import Exercise, Kind, Outcome, PromptRecord, Setting
from traybreak.core.muscles import GROUPS, Side, partner_groups
from traybreak.core.rotation import DESK_SETTINGS, Choice, choose_next, focus_groups

EX = sample_exercises()
BY_ID = {e.id: e for e in EX}
TZ = ZoneInfo("Europe/Berlin")
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)
PER_DAY = 10


def done(exercise_id: str, at: datetime, outcome: Outcome = Outcome.DONE) -> PromptRecord:
    kind = BY_ID[exercise_id].kind
    return PromptRecord(rule=kind.value, kind=kind, due_at=at, exercise_id=exercise_id,
                        shown_at=at, ended_at=at + timedelta(minutes=1), outcome=outcome)


def simulate(seed: int, *, days: int = 7, favourites: Collection[str] = (),
             exclude: Collection[str] = (), allowed: Collection[Setting] | None = None,
             ) -> list[tuple[Kind, datetime, Choice]]:
    """A working week: PER_DAY prompts per kind per day, interleaved, every one answered done."""
    rng = random.Random(seed)
    history: list[PromptRecord] = []
    out = []
    for day in range(days):
        for n in range(PER_DAY):
            for k, kind in enumerate(Kind):
                now = MONDAY + timedelta(days=day, minutes=50 * n + 15 * k)
                choice = choose_next(kind, EX, history, now, rng, favourites=favourites,
                                     exclude=exclude, settings=allowed)
                assert choice is not None
                history.append(done(choice.exercise.id, now))
                out.append((kind, now, choice))
    return out


def longest_neglect(choices: Sequence[Choice], groups: Collection[str]) -> dict[str, int]:
    """Per group: the longest run of consecutive prompts that did not serve it."""
    worst = dict.fromkeys(groups, 0)
    run = dict.fromkeys(groups, 0)
    for choice in choices:
        served = set(focus_groups(choice.exercise))
        for g in groups:
            run[g] = 0 if g in served else run[g] + 1
            worst[g] = max(worst[g], run[g])
    return worst


def allowed_groups(kind: Kind, allowed: Collection[Setting]) -> set[str]:
    return {g for e in EX if e.kind is kind and e.setting in allowed for g in focus_groups(e)}


# --- balance ------------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("allowed", [DESK_SETTINGS, frozenset(Setting)], ids=["desk", "all"])
def test_a_week_of_prompts_neglects_no_group_for_more_than_a_day(seed: int, allowed) -> None:
    week = simulate(seed, allowed=allowed)
    for kind in Kind:
        choices = [c for k, _, c in week if k is kind]
        groups = allowed_groups(kind, allowed)
        worst = longest_neglect(choices, groups)
        assert max(worst.values()) <= PER_DAY, (kind, worst)
        # Tighter than a day: at most one prompt beyond a full round of the kind's groups.
        assert max(worst.values()) <= len(groups) + 1, (kind, worst)


def test_the_groups_balanced_are_those_on_the_kinds_side() -> None:
    assert focus_groups(BY_ID["standing_cat_cow"]) == ("thoracic_spine",)
    assert focus_groups(BY_ID["shoulder_drop"]) == ("whole_body",)
    assert allowed_groups(Kind.STRETCH, DESK_SETTINGS) == {
        g.id for g in GROUPS.values() if g.side is Side.TIGHT}
    assert allowed_groups(Kind.STRENGTHEN, DESK_SETTINGS) == {
        g.id for g in GROUPS.values() if g.side is Side.WEAK}


def test_the_least_recently_worked_group_goes_first_and_says_so() -> None:
    now = MONDAY + timedelta(days=3)
    # Every tight group done yesterday except the hip flexors, last done two days before that.
    history = [done("seated_hip_flexor_stretch", now - timedelta(days=2, hours=3))]
    others = [e for e in EX if e.kind is Kind.STRETCH and "hip_flexors" not in e.targets]
    history += [done(e.id, now - timedelta(days=1, minutes=i)) for i, e in enumerate(others)]
    choice = choose_next(Kind.STRETCH, EX, history, now, random.Random(0))
    assert choice is not None
    assert choice.focus == "hip_flexors"
    assert choice.exercise.id == "standing_hip_flexor_lunge"  # not the one done last time
    assert choice.reason == "Hip flexors (psoas) not worked on for 2 days"


def test_a_skipped_exercise_does_not_count_as_served() -> None:
    now = MONDAY + timedelta(days=1)
    others = [e for e in EX if e.kind is Kind.STRETCH and "chest" not in e.targets]
    history = [done(e.id, now - timedelta(hours=5, minutes=i)) for i, e in enumerate(others)]
    history.append(done("doorway_chest_stretch", now - timedelta(minutes=30), Outcome.SKIPPED))
    rng = random.Random(0)
    first = choose_next(Kind.STRETCH, EX, history, now, rng)
    assert first is not None
    # The chest steps aside for one turn, so the skip does not bring it straight back ...
    assert first.focus != "chest"
    history.append(done(first.exercise.id, now))
    second = choose_next(Kind.STRETCH, EX, history, now + timedelta(minutes=40), rng)
    # ... but it was not worked, so it is next, with the exercise that was not just skipped.
    assert second is not None
    assert second.focus == "chest"
    assert second.exercise.id == "seated_chest_opener"


# --- pairing ------------------------------------------------------------------------------------

def weak_partners(stretch: Exercise) -> set[str]:
    return {p for g in stretch.targets for p in partner_groups(g)
            if GROUPS[g].side is Side.TIGHT and GROUPS[p].side is Side.WEAK}


def test_a_stretch_is_followed_by_a_strengthener_for_its_weak_partner() -> None:
    now = MONDAY + timedelta(hours=2)
    one_per_group = ["seated_glute_squeeze", "standing_hip_abduction", "seated_core_brace",
                     "wall_side_plank", "scapular_squeeze", "wall_angel", "chin_tuck",
                     "seated_back_extension", "wrist_extensor_lift"]
    stale = [done(ident, now - timedelta(days=1, minutes=i))
             for i, ident in enumerate(one_per_group)]
    history = [*stale, done("doorway_chest_stretch", now - timedelta(minutes=20))]
    for seed in range(10):
        choice = choose_next(Kind.STRENGTHEN, EX, history, now, random.Random(seed))
        assert choice is not None
        assert set(choice.exercise.targets) & {"rhomboids", "lower_traps"}
        assert choice.reason == "Pairs with this morning's doorway chest stretch"


def test_pairing_serves_the_stretches_not_yet_paired() -> None:
    now = MONDAY + timedelta(hours=3)
    history = [
        done("seated_hip_flexor_stretch", now - timedelta(hours=3)),
        done("seated_glute_squeeze", now - timedelta(hours=2, minutes=40)),  # pairs the hip stretch
        done("wrist_flexor_stretch", now - timedelta(hours=1)),
    ]
    choice = choose_next(Kind.STRENGTHEN, EX, history, now, random.Random(1))
    assert choice is not None
    assert choice.exercise.id == "wrist_extensor_lift"
    assert choice.focus == "wrist_extensors"


@pytest.mark.parametrize("outcome", [Outcome.SKIPPED, Outcome.IGNORED, Outcome.SNOOZED])
def test_a_stretch_that_was_not_done_opens_no_pairing(outcome: Outcome) -> None:
    now = MONDAY + timedelta(hours=3)
    history = [done("wrist_flexor_stretch", now - timedelta(hours=1), outcome)]
    for seed in range(10):
        choice = choose_next(Kind.STRENGTHEN, EX, history, now, random.Random(seed))
        assert choice is not None
        assert not choice.reason.startswith("Pairs")


def test_pairing_ends_at_local_midnight() -> None:
    # 23:30 in Berlin is 22:30 UTC, still "today" in UTC terms at 00:30 Berlin (23:30 UTC).
    evening = datetime(2026, 3, 3, 22, 30, tzinfo=UTC)
    after_midnight = datetime(2026, 3, 4, 0, 30, tzinfo=TZ)
    history = [done("wrist_flexor_stretch", evening)]
    same_day = choose_next(Kind.STRENGTHEN, EX, history, evening.astimezone(TZ)
                           + timedelta(minutes=20), random.Random(0))
    assert same_day is not None
    assert same_day.reason == "Pairs with this evening's wrist flexor stretch"
    for seed in range(10):
        next_day = choose_next(Kind.STRENGTHEN, EX, history, after_midnight, random.Random(seed))
        assert next_day is not None
        assert not next_day.reason.startswith("Pairs")


def test_over_a_week_most_stretches_are_paired_the_same_day() -> None:
    week = simulate(seed=5)
    paired = total = 0
    for _, day in groupby(week, key=lambda item: item[1].date()):
        open_pairs: list[set[str]] = []
        for kind, _, choice in day:
            if kind is Kind.STRETCH:
                open_pairs.append(weak_partners(choice.exercise))
                total += 1
            elif kind is Kind.STRENGTHEN:
                served = set(focus_groups(choice.exercise))
                if choice.reason.startswith("Pairs"):
                    assert any(p & served for p in open_pairs), choice
                paired += sum(1 for p in open_pairs if p & served)
                open_pairs = [p for p in open_pairs if not p & served]
    assert paired / total >= 0.85


# --- repeats, exclusions, favourites, settings, determinism -------------------------------------

def test_a_simulated_week_never_repeats_an_exercise_back_to_back() -> None:
    week = simulate(seed=2)
    for kind in Kind:
        ids = [c.exercise.id for k, _, c in week if k is kind]
        assert all(a != b for a, b in pairwise(ids)), kind


records = st.builds(
    lambda ident, minutes, outcome, shown: PromptRecord(
        rule="r", kind=BY_ID[ident].kind, due_at=MONDAY + timedelta(minutes=minutes),
        exercise_id=ident, outcome=outcome,
        shown_at=MONDAY + timedelta(minutes=minutes) if shown else None,
        ended_at=MONDAY + timedelta(minutes=minutes + 1) if outcome else None),
    st.sampled_from(sorted(BY_ID)), st.integers(0, 7 * 24 * 60),
    st.none() | st.sampled_from(Outcome),
    st.booleans(),
)


@settings(max_examples=200, deadline=None)
@given(
    history=st.lists(records, max_size=40, unique_by=lambda r: r.due_at),
    kind=st.sampled_from(Kind),
    excluded=st.sets(st.sampled_from(sorted(BY_ID)), max_size=40),
    favourites=st.sets(st.sampled_from(sorted(BY_ID)), max_size=10),
    seed=st.integers(0, 2**32),
)
def test_never_the_exercise_last_shown_for_that_kind(history, kind, excluded, favourites,
                                                      seed) -> None:
    now = MONDAY + timedelta(days=8)
    pool = [e for e in EX if e.kind is kind and e.setting in DESK_SETTINGS and e.id not in excluded]
    choice = choose_next(kind, EX, history, now, random.Random(seed), exclude=excluded,
                         favourites=favourites)
    if len(pool) < 2:
        return
    assert choice is not None
    assert choice.exercise in pool
    shown = [r for r in history if BY_ID[r.exercise_id].kind is kind and (
        r.outcome in {Outcome.DONE, Outcome.SKIPPED, Outcome.SNOOZED, Outcome.IGNORED}
        or (r.outcome is None and r.shown_at is not None))]
    if shown:
        last = max(shown, key=lambda r: r.ended_at or r.shown_at or r.due_at)
        assert choice.exercise.id != last.exercise_id


def test_a_favourite_is_not_repeated_even_when_it_is_the_only_favourite() -> None:
    history = [done("box_breathing", MONDAY)]
    others = [e.id for e in EX if e.kind is Kind.RELAX
              and e.id not in {"box_breathing", "long_exhale_breathing"}]
    for seed in range(5):
        choice = choose_next(Kind.RELAX, EX, history, MONDAY + timedelta(hours=1),
                             random.Random(seed), exclude=others, favourites={"box_breathing"})
        assert choice is not None
        assert choice.exercise.id == "long_exhale_breathing"


def test_excluded_exercises_are_never_chosen() -> None:
    excluded = {"doorway_chest_stretch", "sit_to_stand", "box_breathing", "wrist_extensor_lift"}
    week = simulate(seed=3, exclude=excluded)
    assert not excluded & {c.exercise.id for _, _, c in week}


def test_excluding_everything_gives_none_and_one_left_is_always_that_one() -> None:
    relax = [e.id for e in EX if e.kind is Kind.RELAX]
    now = MONDAY
    assert choose_next(Kind.RELAX, EX, [], now, random.Random(0), exclude=relax) is None
    history = [done("eye_palming", now - timedelta(minutes=30))]
    only = choose_next(Kind.RELAX, EX, history, now, random.Random(0), exclude=relax[1:])
    assert only is not None
    assert only.exercise.id == relax[0]
    assert only.reason == "The only relax exercise your choices allow"


def test_favourites_are_preferred_without_breaking_the_balance() -> None:
    favourites = {"seated_chest_opener", "chin_tuck", "belly_breathing", "standing_hip_abduction"}
    week = simulate(seed=4, favourites=favourites)
    shown = Counter(c.exercise.id for _, _, c in week)
    for fav in favourites:
        kind = BY_ID[fav].kind
        sequence = [c for k, _, c in week if k is kind]
        # Whenever its group's turn comes (and it was not the one just shown), the favourite wins.
        turns = [(before, c) for before, c in pairwise(sequence)
                 if c.focus in focus_groups(BY_ID[fav]) and before.exercise.id != fav]
        assert turns
        assert all(c.exercise.id == fav for _, c in turns), fav
        others = [e.id for e in EX if e.kind is kind and e.id not in favourites
                  and e.setting in DESK_SETTINGS]
        assert shown[fav] > sum(shown[o] for o in others) / len(others)
    for kind in Kind:
        worst = longest_neglect([c for k, _, c in week if k is kind],
                                allowed_groups(kind, DESK_SETTINGS))
        assert max(worst.values()) <= PER_DAY
    marked = [c for _, _, c in week if c.exercise.id in favourites]
    assert all(c.reason.endswith(" · one of your favourites") for c in marked)


def test_a_favourite_goes_first_when_groups_are_equally_due() -> None:
    for seed in range(10):
        choice = choose_next(Kind.RELAX, EX, [], MONDAY, random.Random(seed),
                             favourites={"eye_palming"})
        assert choice is not None
        assert choice.exercise.id == "eye_palming"


def test_settings_restrict_where_exercises_happen() -> None:
    floor_week = simulate(seed=1, days=1, allowed={Setting.FLOOR, Setting.SEATED})
    assert {c.exercise.setting for _, _, c in floor_week} <= {Setting.FLOOR, Setting.SEATED}
    default_week = simulate(seed=1, days=2)
    assert Setting.FLOOR not in {c.exercise.setting for _, _, c in default_week}
    floor_only = choose_next(Kind.STRENGTHEN, EX, [], MONDAY, random.Random(0),
                             settings={Setting.FLOOR})
    assert floor_only is not None
    assert floor_only.exercise.setting is Setting.FLOOR
    # No floor stretches exist: nothing fits, and the caller shows a message-only prompt.
    assert choose_next(Kind.STRETCH, EX, [], MONDAY, random.Random(0),
                       settings={Setting.FLOOR}) is None


def test_the_same_seed_gives_the_same_week_and_seeds_differ() -> None:
    def ids(seed: int) -> list[str]:
        return [c.exercise.id for _, _, c in simulate(seed, days=2)]

    assert ids(7) == ids(7)
    assert len({tuple(ids(seed)) for seed in range(4)}) > 1


def test_history_rows_for_unknown_exercises_are_ignored() -> None:
    ghost = PromptRecord(rule="stretch", kind=Kind.STRETCH, due_at=MONDAY, exercise_id="gone",
                         shown_at=MONDAY, ended_at=MONDAY, outcome=Outcome.DONE)
    choice = choose_next(Kind.STRETCH, EX, [ghost], MONDAY + timedelta(hours=1), random.Random(0))
    assert choice is not None
    assert choice.exercise.kind is Kind.STRETCH


# --- the break's length (#15) --------------------------------------------------------------------

def test_the_exercise_closest_to_the_breaks_length_is_picked_for_its_group() -> None:
    """A 5-minute daily relax gets the 5-minute wind-down, not a 1-minute card, whenever the
    group whose turn it is has it; a short break gets the shortest exercise of the group."""
    lengths = {"daily_wind_down": timedelta(minutes=5), "box_breathing": timedelta(seconds=80)}
    exercises = [replace(e, duration=lengths.get(e.id, e.duration)) for e in EX]
    calm = {"eye_palming", "eye_distance_rest", "shoulder_drop", "progressive_relaxation",
            "body_scan", "long_exhale_breathing"}

    def pick(length: timedelta, seed: int, exclude: set[str]) -> str | None:
        choice = choose_next(Kind.RELAX, exercises, [], MONDAY, random.Random(seed),
                             exclude=exclude, length=length)
        return choice and choice.exercise.id

    for seed in range(20):
        assert pick(timedelta(minutes=5), seed, calm) == "daily_wind_down", seed
        breathing = calm | {"daily_wind_down"}
        assert pick(timedelta(seconds=20), seed, breathing) == "belly_breathing", seed  # 30 s
        assert pick(timedelta(minutes=5), seed, breathing) == "box_breathing", seed     # 80 s


# --- variety within a group (#16) ----------------------------------------------------------------

def test_within_a_group_the_exercise_shown_least_recently_goes_first() -> None:
    """Chest twice in a row over two days: the card shown last time waits, the other comes up,
    though nothing else tells them apart."""
    now = MONDAY + timedelta(days=2)
    for first in ("doorway_chest_stretch", "seated_chest_opener"):
        others = [e for e in EX if e.kind is Kind.STRETCH and e.setting in DESK_SETTINGS
                  and "chest" not in e.targets]
        history = [done(first, now - timedelta(days=2))]
        history += [done(e.id, now - timedelta(days=1, minutes=i)) for i, e in enumerate(others)]
        for seed in range(5):
            choice = choose_next(Kind.STRETCH, EX, history, now, random.Random(seed))
            assert choice is not None
            assert choice.focus == "chest"
            assert choice.exercise.id != first


def test_an_exercise_that_also_works_a_group_about_to_go_overdue_goes_first() -> None:
    """The hip hike worked the side glutes and the obliques nine prompts ago: both are one
    prompt from a missed round, so the hike comes back before the cards never shown."""
    now = MONDAY + timedelta(hours=8)
    singles = ["seated_glute_squeeze", "seated_core_brace", "scapular_squeeze", "wall_angel",
               "chin_tuck", "seated_back_extension", "wrist_extensor_lift", "seated_march"]
    history = [done("standing_hip_hike", now - timedelta(hours=8))]
    history += [done(ident, now - timedelta(hours=7, minutes=-30 * i))
                for i, ident in enumerate(singles)]
    for seed in range(10):
        choice = choose_next(Kind.STRENGTHEN, EX, history, now, random.Random(seed))
        assert choice is not None
        assert choice.focus in {"glute_med", "obliques"}
        assert choice.exercise.id == "standing_hip_hike"
