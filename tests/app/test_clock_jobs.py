"""ClockScheduler with explicit time: due once at the wall time, overdue jobs reported once with
their own time after a sleep (never a replay), days of the week, clock set back, DST."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from traybreak.app.clock_jobs import ClockScheduler
from traybreak.core.model import Kind, Rule

BERLIN = ZoneInfo("Europe/Berlin")
RELAX = Rule("relax", Kind.RELAX, timedelta(minutes=5), at=time(15, 30))
WALK = Rule("walk", None, timedelta(minutes=3), at=time(11, 0), days=frozenset({0, 2}),
            message="Walk")


def at(day: int, hour: int, minute: int = 0, month: int = 4) -> datetime:
    return datetime(2024, month, day, hour, minute, tzinfo=BERLIN)


def test_due_once_at_its_wall_time():
    sched = ClockScheduler([RELAX], at(2, 9))               # Tuesday 2 April
    assert sched.next_run() == at(2, 15, 30)
    assert sched.seconds_until_next(at(2, 9)) == 6.5 * 3600
    assert sched.due(at(2, 15, 29)) == []
    assert sched.due(at(2, 15, 30)) == [("relax", at(2, 15, 30))]
    assert sched.due(at(2, 15, 31)) == []
    assert sched.next_run() == at(3, 15, 30)


def test_after_a_long_sleep_each_job_is_reported_once_with_its_own_time():
    sched = ClockScheduler([RELAX, WALK], at(1, 9))         # Monday 1 April
    woke = at(4, 12)                                        # Thursday noon
    # schedule keeps one next run per job; a rule with several weekday jobs reports its latest
    assert sched.due(woke) == [("relax", at(1, 15, 30)), ("walk", at(3, 11))]
    assert sched.due(woke) == []                            # no replay on the next wake
    assert sched.next_run() == at(4, 15, 30)


def test_weekday_rules_only_on_their_days():
    sched = ClockScheduler([WALK], at(2, 9))                # Tuesday
    assert sched.next_run() == at(3, 11)                    # Wednesday
    assert sched.due(at(3, 11)) == [("walk", at(3, 11))]
    assert sched.next_run() == at(8, 11)                    # next Monday


def test_clock_set_back_reschedules_so_the_time_comes_again():
    sched = ClockScheduler([RELAX], at(2, 15, 40))
    assert sched.next_run() == at(3, 15, 30)
    # Set back a day: without the guard schedule would stall until the old next run.
    assert sched.due(at(1, 15, 0)) == []
    assert sched.next_run() == at(1, 15, 30)


def test_dst_end_the_wall_time_repeats_and_is_reported_again_for_the_engine_to_drop():
    early = Rule("night", Kind.RELAX, timedelta(minutes=5), at=time(2, 30))
    first = datetime(2024, 10, 27, 2, 30, tzinfo=BERLIN)             # CEST
    sched = ClockScheduler([early], datetime(2024, 10, 27, 1, 0, tzinfo=BERLIN))
    assert sched.due(first) == [("night", first)]
    second = datetime(2024, 10, 27, 2, 10, fold=1, tzinfo=BERLIN)    # CET, wall went back
    assert sched.due(second) == []
    assert sched.next_run().replace(tzinfo=None) == datetime(2024, 10, 27, 2, 30)


def test_set_rules_replaces_jobs_and_skips_disabled_and_interval_rules():
    stretch = Rule("stretch", Kind.STRETCH, timedelta(seconds=45), every=timedelta(minutes=25))
    off = Rule("off", Kind.RELAX, timedelta(minutes=5), at=time(10, 0), enabled=False)
    sched = ClockScheduler([RELAX], at(2, 9))
    sched.set_rules([stretch, off], at(2, 9))
    assert sched.next_run() is None
    assert sched.seconds_until_next(at(2, 9)) is None
    assert sched.due(at(3, 9)) == []


def test_next_runs_name_each_rules_next_day_for_the_status():
    """After the 15:30 relax, the next is tomorrow's; a Mon+Wed walk on Wednesday afternoon is
    next on Monday (the status shows "tomorrow 15:30", "Mon 11:00")."""
    sched = ClockScheduler([RELAX, WALK], at(3, 9))          # Wednesday 3 April
    assert sched.next_runs() == {"relax": at(3, 15, 30), "walk": at(3, 11)}
    sched.due(at(3, 15, 31))
    assert sched.next_runs() == {"relax": at(4, 15, 30), "walk": at(8, 11)}
