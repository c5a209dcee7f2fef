"""Working days at the default schedule, played through the real engine and the real rotation.

Shared by tests/core/test_rotation_variety.py and bench/rotation_variety.py. Time is explicit:
the engine gets ticked with a simulated wall clock and monotonic clock, the clock rule (relax at
15:30) comes from the real ClockScheduler, and every prompt's exercise is chosen by
``rotation.choose_next`` from the log rows the engine wrote so far, as the tray's action sink
does (history since ``rotation.WINDOW`` before the prompt, the rule's duration as the length).

One working day: at the desk 09:00-12:30 and 13:15-17:30, away for lunch in between (the laptop
shut: one jump, which the engine reads as away time, a natural break), every prompt answered
Done once its break's duration has run. Evenings and weekends are one jump too.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from traybreak.app.clock_jobs import ClockScheduler
from traybreak.app.recent_prompts import RecentPrompts
from traybreak.config.settings import Config, default_config
from traybreak.core import rotation
from traybreak.core.actions import Record, ShowPrompt
from traybreak.core.conditions import left_out
from traybreak.core.engine import Engine
from traybreak.core.model import Exercise, Kind, Outcome, PromptRecord

ZONE = ZoneInfo("Europe/Berlin")
FIRST_DAY = date(2026, 4, 6)   # a Monday; the next 20 working days have no DST change
AT_DESK = ((time(9, 0), time(12, 30)), (time(13, 15), time(17, 30)))
IDLE_AT_DESK = timedelta(seconds=1)   # the user types all along: time counts as work


@dataclass(frozen=True)
class Shown:
    """One prompt the simulated user saw: when, of which kind, and the rotation's choice."""

    at: datetime
    kind: Kind
    choice: rotation.Choice


@dataclass
class _Desk:
    """The engine, its clocks and the log, advanced by ``work`` and ``leave``."""

    engine: Engine
    scheduler: ClockScheduler
    catalogue: Sequence[Exercise]
    config: Config
    rng: random.Random
    now: datetime
    mono: float = 1000.0
    rows: dict[int, PromptRecord] = field(default_factory=dict)
    answers: list[tuple[float, int]] = field(default_factory=list)   # (mono, occurrence)
    shown: list[Shown] = field(default_factory=list)
    recent: RecentPrompts | None = None   # the tray's bounded history, instead of all rows

    def _advance(self, seconds: float) -> None:
        self.now = (self.now + timedelta(seconds=seconds)).astimezone(ZONE)
        self.mono += seconds

    def _tick(self, idle: timedelta) -> None:
        self._take(self.engine.tick(self.now, self.mono, idle, self.scheduler.due(self.now)))
        for item in [a for a in self.answers if a[0] <= self.mono]:
            self.answers.remove(item)
            self._take(self.engine.answer(self.now, self.mono, item[1], Outcome.DONE))

    def _take(self, actions: Sequence[object]) -> None:
        for action in actions:
            if isinstance(action, Record):
                self.rows[action.occurrence] = action.record
                if self.recent is not None:
                    self.recent.note(action.occurrence, action.record)
            elif isinstance(action, ShowPrompt) and action.exercise_id is None:
                self._show(action)

    def _show(self, action: ShowPrompt) -> None:
        """What the action sink does at a prompt's first show, then the user's Done."""
        if action.kind is not None:
            since = action.due_at - rotation.HISTORY
            history = ([r for r in self.rows.values() if r.due_at >= since]
                       if self.recent is None else self.recent.history(action.due_at))
            prefs = self.config.exercises
            choice = rotation.choose_next(
                action.kind, self.catalogue, history, action.due_at, self.rng,
                exclude=prefs.exclude, favourites=prefs.favourites, settings=prefs.settings,
                avoid=prefs.avoid, have=prefs.have, length=action.rule.duration)
            if choice is not None:
                self.shown.append(Shown(self.now, action.kind, choice))
                self._take(self.engine.note_exercise(action.occurrence, choice.exercise.id,
                                                     action.rule.duration))
        done_at = self.mono + action.rule.duration.total_seconds()
        self.answers.append((done_at, action.occurrence))

    def work(self, until: datetime) -> None:
        """At the desk until ``until`` (and on until the prompt on screen is answered), waking
        only when the engine, the clock rule or an answer needs it."""
        while self.now < until or self.answers:
            step = self.engine.max_tick_interval
            deadline = self.engine.next_deadline()
            if deadline is not None:
                step = min(step, deadline - self.mono)
            clock = self.scheduler.seconds_until_next(self.now)
            if clock is not None:
                step = min(step, clock)
            if self.answers:
                step = min(step, min(a[0] for a in self.answers) - self.mono)
            if self.now < until:
                step = min(step, (until - self.now).total_seconds())
            self._advance(max(step, 0.01))
            self._tick(IDLE_AT_DESK)

    def leave(self, until: datetime) -> None:
        """Away (laptop shut) until ``until``: one jump, the idle clock standing still."""
        gap = (until - self.now).total_seconds()
        if gap > 0:
            self._advance(gap)
            self._tick(timedelta(seconds=gap))


def working_days(count: int, first: date = FIRST_DAY) -> list[date]:
    """The first ``count`` weekdays from ``first`` on."""
    days: list[date] = []
    day = first
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


class _NoLog:
    """An empty log from before the run, for the tray's RecentPrompts."""

    def last_prompt_id(self) -> int:
        return 0

    def prompts(self, since: datetime | None = None) -> list[PromptRecord]:
        return []


def simulate(catalogue: Sequence[Exercise], days: int = 20, seed: int = 0,
             config: Config | None = None, bounded: bool = False) -> list[Shown]:
    """Every prompt shown over ``days`` working days, the rotation's rng seeded with ``seed``;
    ``bounded``: from the history the tray keeps (app/recent_prompts.py, at most
    ``rotation.history_rows`` of each kind), not every row since ``rotation.HISTORY``."""
    config = config or default_config()
    start = datetime.combine(FIRST_DAY, AT_DESK[0][0], ZONE)
    desk = _Desk(Engine(config.rules, config.activity, config.prompt, config.hours),
                 ClockScheduler(config.rules, start), catalogue, config, random.Random(seed),
                 start, recent=RecentPrompts(_NoLog(), catalogue) if bounded else None)
    desk._tick(IDLE_AT_DESK)
    for day in working_days(days):
        for begin, end in AT_DESK:
            desk.leave(datetime.combine(day, begin, ZONE))
            desk.work(datetime.combine(day, end, ZONE))
    return desk.shown


def counts_by_kind(shown: Sequence[Shown], catalogue: Sequence[Exercise],
                   config: Config | None = None) -> dict[Kind, Counter[str]]:
    """Per kind, how often each exercise the config allows was shown (zeros included)."""
    config = config or default_config()
    prefs = config.exercises
    out: dict[Kind, Counter[str]] = {}
    for kind in Kind:
        pool = [e.id for e in catalogue if e.kind is kind and left_out(
            e, settings=prefs.settings, exclude=prefs.exclude, avoid=prefs.avoid,
            have=prefs.have) is None]
        counts = Counter(dict.fromkeys(pool, 0))
        counts.update(s.choice.exercise.id for s in shown if s.kind is kind)
        out[kind] = counts
    return out
