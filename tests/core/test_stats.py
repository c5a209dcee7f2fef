"""Stats over log records: exact counts per local day (non-UTC zone, across midnight and DST),
adherence, streaks, and per-kind and per-muscle-group coverage."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from fakes import sample_exercises

from traybreak.core.model import Kind, Outcome, PromptRecord, Reason
from traybreak.core.stats import (
    Counts,
    daily_counts,
    day_counts,
    group_coverage,
    kind_counts,
    local_day,
    streak,
)

NY = ZoneInfo("America/New_York")   # UTC-5 in winter, UTC-4 from 8 March 2026
EX = sample_exercises()


def row(utc: datetime, outcome: Outcome | None, kind: Kind | None = Kind.STRETCH,
        exercise_id: str | None = "doorway_chest_stretch") -> PromptRecord:
    reason = Reason.IDLE if outcome in {Outcome.NATURAL, Outcome.SUPPRESSED} else None
    return PromptRecord(rule="r", kind=kind, due_at=utc, exercise_id=exercise_id,
                        ended_at=utc + timedelta(minutes=1), outcome=outcome, reason=reason)


def utc(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


# Tuesday 3 March 2026 in New York runs from 05:00 UTC on the 3rd to 05:00 UTC on the 4th.
RECORDS = [
    row(utc(3, 4, 59), Outcome.DONE),                          # Mon 2 March, 23:59 local
    row(utc(3, 5, 0), Outcome.DONE),                           # Tue 00:00 local
    row(utc(3, 14), Outcome.DONE, Kind.STRENGTHEN, "chin_tuck"),
    row(utc(3, 15), Outcome.SKIPPED),
    row(utc(3, 16), Outcome.SNOOZED),
    row(utc(3, 17), Outcome.IGNORED, Kind.RELAX, "box_breathing"),
    row(utc(3, 18), Outcome.NATURAL, exercise_id=None),
    row(utc(3, 19), Outcome.SUPPRESSED, exercise_id=None),
    row(utc(3, 20), Outcome.DONE, None, None),                 # a custom reminder (water)
    row(utc(3, 21), None),                                     # open row: not counted
    row(utc(4, 4, 59), Outcome.DONE, Kind.RELAX, "eye_palming"),  # Tue 23:59 local
    row(utc(4, 5, 0), Outcome.SKIPPED),                        # Wed 00:00 local
]


def test_day_counts_follow_local_midnight() -> None:
    assert day_counts(RECORDS, date(2026, 3, 3), NY) == Counts(
        done=4, skipped=1, snoozed=1, ignored=1, natural=1, suppressed=1)
    assert day_counts(RECORDS, date(2026, 3, 2), NY) == Counts(done=1)
    assert day_counts(RECORDS, date(2026, 3, 4), NY) == Counts(skipped=1)
    # The same rows read in UTC fall on other days.
    assert day_counts(RECORDS, date(2026, 3, 3), UTC).done == 4
    assert day_counts(RECORDS, date(2026, 3, 4), UTC) == Counts(done=1, skipped=1)


def test_day_counts_for_one_kind() -> None:
    assert day_counts(RECORDS, date(2026, 3, 3), NY, kind=Kind.STRETCH) == Counts(
        done=1, skipped=1, snoozed=1, natural=1, suppressed=1)
    assert day_counts(RECORDS, date(2026, 3, 3), NY, kind=Kind.RELAX) == Counts(
        done=1, ignored=1)


def test_local_day_across_the_dst_change() -> None:
    # 8 March 2026: clocks go from 02:00 EST to 03:00 EDT.
    assert local_day(utc(8, 4, 59), NY) == date(2026, 3, 7)     # 23:59 EST on the 7th
    assert local_day(utc(9, 3, 59), NY) == date(2026, 3, 8)     # 23:59 EDT on the 8th
    assert local_day(utc(9, 4, 0), NY) == date(2026, 3, 9)      # 00:00 EDT on the 9th
    rows = [row(utc(8, 4, 59), Outcome.DONE), row(utc(8, 6), Outcome.DONE),
            row(utc(9, 3, 59), Outcome.DONE), row(utc(9, 4, 0), Outcome.DONE)]
    assert [c.done for c in daily_counts(rows, date(2026, 3, 7), date(2026, 3, 9), NY).values()] \
        == [1, 2, 1]


def test_naive_times_are_taken_as_local_wall_time() -> None:
    assert local_day(datetime(2026, 3, 3, 23, 59), NY) == date(2026, 3, 3)


def test_asked_adherence_and_describe() -> None:
    tue = day_counts(RECORDS, date(2026, 3, 3), NY)
    assert tue.asked == 7
    assert tue.adherence == 4 / 7
    assert tue.describe() == "4 done · 1 skipped · 1 ignored"
    assert Counts(natural=3).adherence is None
    assert Counts().describe() == "nothing yet"
    assert Counts(done=5).describe() == "5 done"
    assert Counts(done=1, natural=2) + Counts(done=2, skipped=1) == Counts(
        done=3, skipped=1, natural=2)


def test_daily_counts_cover_every_day_in_order() -> None:
    week = daily_counts(RECORDS, date(2026, 3, 1), date(2026, 3, 7), NY)
    assert list(week) == [date(2026, 3, d) for d in range(1, 8)]
    assert [c.done for c in week.values()] == [0, 1, 4, 0, 0, 0, 0]
    assert [c.adherence for c in week.values()][:4] == [None, 1.0, 4 / 7, 0.0]


def test_kind_counts() -> None:
    kinds = kind_counts(RECORDS, date(2026, 3, 3), date(2026, 3, 3), NY)
    assert kinds == {
        Kind.STRETCH: Counts(done=1, skipped=1, snoozed=1, natural=1, suppressed=1),
        Kind.STRENGTHEN: Counts(done=1),
        Kind.RELAX: Counts(done=1, ignored=1),
    }


def test_group_coverage_counts_only_done_exercises_and_lists_neglected_groups() -> None:
    rows = [
        row(utc(3, 14), Outcome.DONE, Kind.STRETCH, "upper_trap_stretch"),   # upper_traps, neck
        row(utc(3, 15), Outcome.DONE, Kind.STRETCH, "upper_trap_stretch"),
        row(utc(3, 16), Outcome.SKIPPED, Kind.STRETCH, "doorway_chest_stretch"),
        row(utc(3, 17), Outcome.DONE, Kind.STRENGTHEN, "chin_tuck"),
        row(utc(3, 18), Outcome.DONE, Kind.STRETCH, "gone_from_the_pack"),
        row(utc(2, 14), Outcome.DONE, Kind.STRETCH, "seated_figure_four"),    # Monday: outside
    ]
    cover = group_coverage(rows, EX, date(2026, 3, 3), date(2026, 3, 9), NY)
    assert cover["upper_traps"] == 2
    assert cover["neck"] == 2
    assert cover["deep_neck_flexors"] == 1
    assert cover["chest"] == 0
    assert cover["piriformis"] == 0
    assert sum(cover.values()) == 5
    stretch_only = group_coverage(rows, {e.id: e for e in EX}, date(2026, 3, 3),
                                  date(2026, 3, 9), NY, kind=Kind.STRETCH)
    assert "deep_neck_flexors" not in stretch_only
    assert stretch_only["neck"] == 2


def test_streak_counts_days_with_something_done() -> None:
    # Thu 5 .. Wed 11 March, in New York. Sat/Sun nothing asked: they neither count nor break it.
    rows = [
        row(utc(4, 15), Outcome.SKIPPED),     # Wed 4: asked, nothing done: breaks the streak
        row(utc(5, 15), Outcome.DONE),        # Thu 5
        row(utc(6, 15), Outcome.SKIPPED),     # Fri 6: one skip, one done
        row(utc(6, 16), Outcome.DONE),
        row(utc(7, 15), Outcome.SUPPRESSED),  # Sat 7: suppressed only: neutral
        row(utc(9, 14), Outcome.DONE),        # Mon 9
        row(utc(10, 14), Outcome.DONE),       # Tue 10
        row(utc(11, 14), Outcome.IGNORED),    # Wed 11 (today): nothing done yet
        row(utc(12, 14), Outcome.DONE),       # Thu 12: after today, ignored
    ]
    today = date(2026, 3, 11)
    assert streak(rows, today, NY) == 4
    assert streak([*rows, row(utc(11, 15), Outcome.DONE)], today, NY) == 5
    assert streak(rows, date(2026, 3, 5), NY) == 1
    assert streak(rows, date(2026, 3, 4), NY) == 0
    assert streak([], today, NY) == 0
    # 04:30 UTC on the 5th is still Wed 4 in New York: a done there rescues that day.
    assert streak([*rows, row(utc(5, 4, 30), Outcome.DONE)], today, NY) == 5
    assert streak([*rows, row(utc(5, 4, 30), Outcome.DONE)], today, UTC) == 4
