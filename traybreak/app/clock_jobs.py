"""Wall-clock due times for clock rules ("relax at 15:30") on a private ``schedule.Scheduler``.

The only module importing ``schedule``. It never runs jobs itself: ``due(now)`` reports each due
time once, with the time it was meant for, and the engine decides (prompt, wait, or log). Runs on
the engine thread only (schedule's job list has no lock).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

import schedule

from traybreak.core.model import Rule

log = logging.getLogger(__name__)

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# The wall clock moving back by more than this (a manual change, DST ending) reschedules every job.
_SET_BACK = timedelta(seconds=2)


class _ClockJob(schedule.Job):
    """A schedule Job that reads "now" from its owner instead of ``datetime.now()``.

    schedule 1.2 computes the next run from the system clock; for a daily or weekly job at a fixed
    time that computation is the few lines below, on schedule's own helpers.
    """

    def __init__(self, scheduler: schedule.Scheduler, clock: Callable[[], datetime],
                 rule_name: str) -> None:
        super().__init__(1, scheduler)
        self._clock = clock
        self.rule_name = rule_name

    def _schedule_next_run(self) -> None:
        if self.unit not in ("days", "weeks") or self.at_time is None:
            raise schedule.ScheduleValueError("clock rules are daily or weekly jobs at a time")
        now = self._clock()
        moment = now
        if self.start_day is not None:
            moment = schedule._move_to_next_weekday(moment, self.start_day)
        moment = self._move_to_at_time(moment)
        period = timedelta(**{self.unit: self.interval})
        while moment <= now:
            moment += period
        self.next_run = moment


class ClockScheduler:
    """Due times of the clock rules, reported once each, never as a replay after a sleep.

    Times are local wall times: ``now`` is an aware local datetime; schedule works on naive local
    time, so a rule at 15:30 stays at 15:30 across a DST change.
    """

    def __init__(self, rules: Iterable[Rule], now: datetime) -> None:
        self._sched = schedule.Scheduler()
        self._now = now.replace(tzinfo=None)
        self._tz = now.tzinfo
        self.set_rules(rules, now)

    def set_rules(self, rules: Iterable[Rule], now: datetime) -> None:
        """Replace all jobs by the enabled clock rules in ``rules`` (config reload)."""
        self._sched.clear()
        self._moved_to(now)
        for rule in rules:
            if not (rule.enabled and rule.at is not None):
                continue
            days = sorted(rule.days) if rule.days is not None else [None]
            for day in days:
                job = _ClockJob(self._sched, self._clock, rule.name)
                job = getattr(job, _WEEKDAYS[day]) if day is not None else job.day
                job.at(rule.at.strftime("%H:%M:%S")).do(_never_run, rule.name)

    def due(self, now: datetime) -> list[tuple[str, datetime]]:
        """The (rule name, scheduled time) pairs due at ``now``, oldest first, each rule once.

        An overdue job (after a suspend, or the clock moved forward) is reported once with the
        time it was meant for, then moved to its next time after ``now``: never a replay.
        """
        if self._moved_to(now):
            log.info("wall clock moved back to %s: clock rules rescheduled", now)
            for job in self._sched.jobs:
                job._schedule_next_run()
        latest: dict[str, datetime] = {}
        for job in self._jobs():
            if job.next_run is None or job.next_run > self._now:
                continue
            # A rule with several weekday jobs is reported once, for its latest due time.
            latest[job.rule_name] = max(job.next_run, latest.get(job.rule_name, job.next_run))
            job.last_run = self._now
            job._schedule_next_run()
        found = sorted(latest.items(), key=lambda item: item[1])
        return [(name, when.replace(tzinfo=self._tz)) for name, when in found]

    def next_run(self) -> datetime | None:
        """When the next clock rule falls due (aware local time), or None with no clock rules."""
        upcoming = self._sched.get_next_run()
        return None if upcoming is None else upcoming.replace(tzinfo=self._tz)

    def next_runs(self) -> dict[str, datetime]:
        """Each clock rule's next due time (aware local time), by rule name."""
        runs: dict[str, datetime] = {}
        for job in self._jobs():
            if job.next_run is not None:
                runs[job.rule_name] = min(job.next_run, runs.get(job.rule_name, job.next_run))
        return {name: when.replace(tzinfo=self._tz) for name, when in runs.items()}

    def seconds_until_next(self, now: datetime) -> float | None:
        """Wall seconds from ``now`` to the next due time (0 when overdue; None: no jobs)."""
        upcoming = self._sched.get_next_run()
        if upcoming is None:
            return None
        return max(0.0, (upcoming - now.replace(tzinfo=None)).total_seconds())

    def _jobs(self) -> list[_ClockJob]:
        return [job for job in self._sched.jobs if isinstance(job, _ClockJob)]

    def _clock(self) -> datetime:
        return self._now

    def _moved_to(self, now: datetime) -> bool:
        """Take ``now`` as the current time; True when the wall clock went back."""
        naive = now.replace(tzinfo=None)
        went_back = naive < self._now - _SET_BACK
        self._now, self._tz = naive, now.tzinfo
        return went_back


def _never_run(rule_name: str) -> None:
    """The job function schedule requires; due times are reported by ``due`` instead."""
    raise AssertionError(f"clock rule {rule_name} is reported by ClockScheduler.due, not run")
