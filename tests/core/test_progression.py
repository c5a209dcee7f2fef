"""Progression and "This hurts" with explicit times (#16 point 4): the levels each card gets, the
level moves the feedback makes, the automatic step after AUTO_ADVANCE Done, the 14-day rest and
the gentler card the rotation offers next for the group."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from traybreak.catalog.load import load_catalog
from traybreak.core.model import Dosage, Exercise, Feedback, Kind, Level, Outcome, PromptRecord
from traybreak.core.progression import (
    AUTO_ADVANCE,
    LONGEST,
    REST,
    Progress,
    derived_levels,
    level_length,
    levels_for,
    progress,
    strain,
)
from traybreak.core.rotation import choose_next, focus_groups

CATALOG = load_catalog()
EXERCISES = list(CATALOG)
TZ = ZoneInfo("Europe/Berlin")
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)


def row(exercise_id: str, at: datetime, feedback: Feedback | None = None,
        level: int | None = None, outcome: Outcome = Outcome.DONE) -> PromptRecord:
    exercise = CATALOG.require(exercise_id)
    return PromptRecord(rule=exercise.kind.value, kind=exercise.kind, due_at=at,
                        exercise_id=exercise_id, shown_at=at, ended_at=at + timedelta(minutes=1),
                        outcome=outcome, feedback=feedback, level=level)


def dosages(exercise_id: str) -> list[Dosage]:
    return [level.dosage for level in levels_for(CATALOG.require(exercise_id))]


# -- the levels a card gets ------------------------------------------------------------------

def test_a_strengthener_with_reps_goes_to_half_as_many_again_then_a_second_set() -> None:
    base = CATALOG.require("wall_angel").dosage  # 8 reps, one set
    assert (base.reps, base.sets) == (8, 1)
    assert [(d.reps, d.sets) for d in dosages("wall_angel")] == [(8, 1), (12, 1), (12, 2)]


def test_holds_go_20_30_45_and_a_held_stretch_stops_at_60() -> None:
    assert [d.hold_s for d in dosages("wall_side_plank")] == [20, 30, 45]
    assert [d.hold_s for d in dosages("seated_hip_flexor_stretch")] == [30, 45, 60]
    assert all(d.per_side for d in dosages("seated_hip_flexor_stretch"))


@pytest.mark.parametrize("exercise_id", ["box_breathing", "seated_neck_rotation",
                                         "standing_cat_cow"])
def test_relaxation_and_moving_stretches_have_one_level(exercise_id: str) -> None:
    exercise = CATALOG.require(exercise_id)
    assert derived_levels(exercise) == (Level(exercise.dosage),)
    assert progress(exercise, [], MONDAY) == Progress(1, 1)
    assert progress(exercise, [], MONDAY).words() == ""


def test_declared_levels_win_over_the_derived_ones() -> None:
    own = (Level(Dosage(reps=5)), Level(Dosage(reps=5), variant="sit_to_stand"))
    exercise = replace(CATALOG.require("seated_glute_squeeze"), levels=own)
    assert levels_for(exercise) == own


def test_every_built_in_strengthener_and_held_stretch_progresses() -> None:
    for exercise in EXERCISES:
        levels = levels_for(exercise)
        held = exercise.dosage.hold_s and not exercise.dosage.reps
        if exercise.kind is Kind.STRENGTHEN or (exercise.kind is Kind.STRETCH and held):
            assert len(levels) >= 2, exercise.id


def test_a_higher_level_takes_longer_but_at_most_twice_the_break() -> None:
    plank = CATALOG.require("wall_side_plank")
    two_minutes = timedelta(minutes=2)
    assert level_length(plank, 1, two_minutes) == two_minutes
    assert level_length(plank, 2, two_minutes) == two_minutes * 1.5
    assert level_length(plank, 3, two_minutes) == two_minutes * LONGEST  # 45/20 is past the cap


# -- level moves -----------------------------------------------------------------------------

def test_too_easy_moves_up_too_hard_moves_down_within_the_levels() -> None:
    plank = CATALOG.require("wall_side_plank")
    day = timedelta(days=1)
    history = [row(plank.id, MONDAY, Feedback.TOO_EASY, level=1)]
    assert progress(plank, history, MONDAY + day).level == 2
    history.append(row(plank.id, MONDAY + day, Feedback.TOO_EASY, level=2))
    history.append(row(plank.id, MONDAY + 2 * day, Feedback.TOO_EASY, level=3))
    assert progress(plank, history, MONDAY + 3 * day) == Progress(3, 3, 0)  # no level 4
    history.append(row(plank.id, MONDAY + 3 * day, Feedback.TOO_HARD, level=3))
    assert progress(plank, history, MONDAY + 4 * day).level == 2
    history += [row(plank.id, MONDAY + (4 + n) * day, Feedback.TOO_HARD, level=2 - n)
                for n in range(2)]
    assert progress(plank, history, MONDAY + 7 * day).level == 1  # no level 0


def test_auto_advance_after_n_done_in_a_row_without_too_hard() -> None:
    angel = CATALOG.require("wall_angel")
    times = [MONDAY + timedelta(days=n) for n in range(AUTO_ADVANCE)]
    almost = [row(angel.id, at, level=1) for at in times[:-1]]
    assert progress(angel, almost, times[-1]) == Progress(1, 3, AUTO_ADVANCE - 1)
    full = [*almost, row(angel.id, times[-1], level=1)]
    assert progress(angel, full, times[-1] + timedelta(hours=1)) == Progress(2, 3, 0)


def test_too_hard_restarts_the_count_and_skips_do_not_count() -> None:
    angel = CATALOG.require("wall_angel")
    at = [MONDAY + timedelta(hours=n) for n in range(12)]
    history = [row(angel.id, at[0], level=1), row(angel.id, at[1], level=1),
               row(angel.id, at[2], Feedback.TOO_HARD, level=1)]
    history += [row(angel.id, at[3 + n], level=1) for n in range(AUTO_ADVANCE - 1)]
    history += [row(angel.id, at[10], level=1, outcome=Outcome.SKIPPED)]
    assert progress(angel, history, at[11]) == Progress(1, 3, AUTO_ADVANCE - 1)


def test_rows_from_before_levels_existed_do_not_step_anyone_up() -> None:
    """A log written before #16 point 4 has done rows without a level: an upgraded user starts
    at level 1, not several levels up at once."""
    angel = CATALOG.require("wall_angel")
    old = [row(angel.id, MONDAY + timedelta(days=n)) for n in range(3 * AUTO_ADVANCE)]
    assert progress(angel, old, MONDAY + timedelta(days=20)) == Progress(1, 3, 0)


def test_the_level_stored_on_the_latest_row_carries_on() -> None:
    """Four weeks of history hold no row from the day the user reached level 3: the rows
    since then say it."""
    angel = CATALOG.require("wall_angel")
    assert progress(angel, [row(angel.id, MONDAY, level=3)], MONDAY).level == 3
    assert progress(angel, [row(angel.id, MONDAY, level=7)], MONDAY).level == 3  # pack shrank


# -- "This hurts" ----------------------------------------------------------------------------

def test_hurts_moves_down_and_rests_the_card_for_14_days() -> None:
    plank = CATALOG.require("wall_side_plank")
    hurt = row(plank.id, MONDAY, Feedback.HURTS, level=2)
    ended = MONDAY + timedelta(minutes=1)
    fortnight = timedelta(days=14)
    assert progress(plank, [hurt], MONDAY + timedelta(days=1)) == \
        Progress(1, 3, 0, ended + fortnight)
    assert progress(plank, [hurt], ended + fortnight - timedelta(seconds=1)).resting_until
    assert progress(plank, [hurt], ended + fortnight).resting_until is None


def _strengthen(history: list[PromptRecord], now: datetime, seed: int = 1) -> Exercise:
    choice = choose_next(Kind.STRENGTHEN, EXERCISES, history, now, random.Random(seed))
    assert choice is not None
    return choice.exercise


def test_a_resting_card_is_never_chosen_in_14_days_and_comes_back_after() -> None:
    """Every strengthen prompt over 14 days answered done: the card that hurt never comes up."""
    hurt_card = "sit_to_stand"
    history = [row(hurt_card, MONDAY - timedelta(minutes=5), Feedback.HURTS)]
    back = MONDAY - timedelta(minutes=4) + REST  # the row ended a minute after it was due
    resting, after = [], []
    for n in range(17 * 8):
        now = MONDAY + timedelta(hours=3 * n)
        exercise = _strengthen(history, now, seed=n)
        (resting if now < back else after).append(exercise.id)
        history.append(row(exercise.id, now))
    assert hurt_card not in resting
    assert len(set(resting)) > 10  # the others still rotate
    assert hurt_card in after[:16]  # back within two rounds of the strengthen groups

def test_the_group_that_hurt_gets_a_gentler_card_next_time() -> None:
    """After "This hurts" on sit to stand (standing, two caution tags), the next glute_max card
    is a gentler one: the seated glute squeeze."""
    hurt = CATALOG.require("sit_to_stand")
    history = [row(hurt.id, MONDAY, Feedback.HURTS)]
    now = MONDAY + timedelta(minutes=30)
    picks = []
    while True:
        choice = choose_next(Kind.STRENGTHEN, EXERCISES, history, now, random.Random(7))
        assert choice is not None
        if "glute_max" in focus_groups(choice.exercise):
            break
        history.append(row(choice.exercise.id, now))
        picks.append(choice.exercise.id)
        now += timedelta(minutes=30)
    assert choice.focus == "glute_max"
    assert strain(choice.exercise) < strain(hurt)
    assert choice.exercise.id == "seated_glute_squeeze"
    assert "gentler" in choice.reason


def test_the_choice_carries_the_users_level() -> None:
    angel = CATALOG.require("wall_angel")
    history = [row(angel.id, MONDAY, Feedback.TOO_EASY, level=1)]
    only = [e for e in EXERCISES if e.kind is not Kind.STRENGTHEN or e.id == angel.id]
    choice = choose_next(Kind.STRENGTHEN, only, history, MONDAY + timedelta(days=1),
                         random.Random(1))
    assert choice is not None and choice.exercise.id == angel.id
    assert choice.progress.words() == "Level 2 of 3"


def test_a_harder_variant_is_offered_only_when_the_user_can_do_it() -> None:
    """The seated glute squeeze's third level is sit to stand, which needs a chair without
    wheels: a user without one stays at level 2 of 2."""
    squeeze = CATALOG.require("seated_glute_squeeze")
    assert [lv.variant for lv in levels_for(squeeze)] == [None, None, "sit_to_stand"]
    assert level_length(squeeze, 3, timedelta(minutes=2)) == timedelta(minutes=2)
    history = [row(squeeze.id, MONDAY, Feedback.TOO_EASY, level=2),
               row("sit_to_stand", MONDAY + timedelta(hours=1))]  # shown last: not next
    only = [e for e in EXERCISES if e.kind is not Kind.STRENGTHEN
            or e.id in (squeeze.id, "sit_to_stand")]
    later = MONDAY + timedelta(days=1)
    for have, words in ((None, "Level 3 of 3"), ({"wall"}, "Level 2 of 2")):
        choice = choose_next(Kind.STRENGTHEN, only, history, later, random.Random(1), have=have)
        assert choice is not None and choice.exercise.id == squeeze.id
        assert choice.progress.words() == words
