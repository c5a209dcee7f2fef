"""Properties of the engine for any sequence of work, idle, unknown idle, suspends, clock jumps,
do-not-disturb and full screen coming and going, answers and user commands: no rule prompts
twice within its interval of active time, never two prompts open, every due prompt ends in
exactly one logged outcome, never a burst on wake."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from traybreak.app.clock_jobs import ClockScheduler
from traybreak.core.actions import ClosePrompt, Record, ShowPrompt
from traybreak.core.engine import Engine
from traybreak.core.model import (
    ActivityPolicy,
    Kind,
    Outcome,
    PromptPolicy,
    Reason,
    Rule,
    WorkingHours,
)
from traybreak.core.timer import gap_limit

BERLIN = ZoneInfo("Europe/Berlin")
ACTIVITY = ActivityPolicy()
RULES = (
    Rule("stretch", Kind.STRETCH, timedelta(seconds=45), every=timedelta(minutes=10)),
    Rule("strengthen", Kind.STRENGTHEN, timedelta(minutes=2), every=timedelta(minutes=20),
         natural_break=timedelta(minutes=6)),
    Rule("eyes", None, timedelta(seconds=20), every=timedelta(minutes=10), message="Look away"),
    Rule("relax", Kind.RELAX, timedelta(minutes=5), at=time(10, 30)),
    Rule("water", None, timedelta(seconds=30), at=time(11, 0), days=frozenset({4})),
)
HOURS = (None, WorkingHours(start=time(9, 15), end=time(11, 30)))

steps = st.one_of(
    st.tuples(st.just("work"), st.integers(1, 900), st.sampled_from([1, 5, 10, 25])),
    st.tuples(st.just("idle"), st.integers(1, 900), st.sampled_from([5, 25])),
    st.tuples(st.just("unknown"), st.integers(1, 900), st.sampled_from([5, 25])),
    st.tuples(st.just("suspend"), st.integers(1, 4 * 3600), st.just(0)),
    st.tuples(st.just("clock"), st.integers(-7200, 7200), st.just(0)),
    st.tuples(st.just("answer"), st.sampled_from(["done", "skipped", "snoozed"]), st.just(0)),
    st.tuples(st.just("pause"), st.sampled_from([0, 60, 1800]), st.just(0)),
    st.tuples(st.just("resume"), st.just(0), st.just(0)),
    st.tuples(st.just("skip"), st.just(0), st.just(0)),
    st.tuples(st.just("break"), st.sampled_from(list(Kind)), st.just(0)),
    st.tuples(st.just("busy"), st.sampled_from([(), (Reason.DND,), (Reason.FULLSCREEN,),
                                                (Reason.DND, Reason.FULLSCREEN)]), st.just(0)),
)


class Checker:
    """Drives the engine and checks every batch of actions as it comes."""

    def __init__(self, hours: WorkingHours | None) -> None:
        self.now = datetime(2024, 3, 29, 9, 0, tzinfo=BERLIN)   # a Friday, DST on Sunday
        self.mono = 5000.0
        self.engine = Engine(RULES, ACTIVITY,
                             PromptPolicy(max_snoozes=1, max_wait=timedelta(minutes=20)), hours)
        self.busy: frozenset[Reason] = frozenset()
        self.clock = ClockScheduler(RULES, self.now)
        self.last_input: float | None = self.mono
        self.open: set[int] = set()
        self.finals: dict[int, int] = {}
        self.seen: set[int] = set()
        self.shown_live: int | None = None
        # reference active time per interval rule since its last (non-manual) prompt was shown
        self.work_since_show: dict[str, float] = {r.name: 0.0 for r in RULES if r.every}
        self.last_tick = self.mono
        self.gap = gap_limit(ACTIVITY)

    def apply(self, actions: list, answered: int | None = None) -> None:
        new_shows = {a.occurrence for a in actions if isinstance(a, ShowPrompt)}
        assert len(new_shows) <= 1, f"burst of prompts: {actions}"
        for action in actions:
            if isinstance(action, ShowPrompt):
                assert self.open <= {action.occurrence}, f"second prompt open: {self.open}"
                self.seen.add(action.occurrence)
                self._check_interval(action)
                self.open.add(action.occurrence)
            elif isinstance(action, ClosePrompt):
                assert action.occurrence in self.open
                self.open.discard(action.occurrence)
            elif isinstance(action, Record):
                self.seen.add(action.occurrence)
                if action.record.outcome is not None:
                    self.finals[action.occurrence] = self.finals.get(action.occurrence, 0) + 1
                    if action.occurrence in self.open:
                        # only the window's own answer may end a prompt without closing it
                        assert action.occurrence == answered, f"{action} left a window open"
                        self.open.discard(action.occurrence)

    def _check_interval(self, show: ShowPrompt) -> None:
        name = show.rule.name
        if name not in self.work_since_show or show.snoozes > 0:
            return
        if show.manual:
            self.work_since_show[name] = 0.0
            return
        worked = self.work_since_show[name]
        every = show.rule.every.total_seconds()
        assert worked >= every - 1e-6, f"{name} prompted after only {worked} s of work"
        self.work_since_show[name] = 0.0

    def tick(self) -> None:
        idle = None if self.last_input is None else max(0.0, self.mono - self.last_input)
        elapsed = self.mono - self.last_tick
        for rule in RULES:
            done = self.work_since_show.get(rule.name)
            natural = rule.natural_break_length(ACTIVITY.natural_break).total_seconds()
            if done is not None and elapsed <= self.gap and (idle is None or idle < natural):
                self.work_since_show[rule.name] = done + elapsed
        self.last_tick = self.mono
        due = self.clock.due(self.now)
        self.apply(self.engine.tick(self.now, self.mono,
                                    None if idle is None else timedelta(seconds=idle), due,
                                    busy=self.busy))

    def advance(self, seconds: float, wall: bool = True) -> None:
        if wall:
            self.now = (self.now.astimezone(UTC) + timedelta(seconds=seconds)).astimezone(BERLIN)
        self.mono += seconds

    def run(self, kind: str, amount, period: int) -> None:
        if kind in ("work", "idle", "unknown"):
            if kind == "unknown":
                self.last_input = None
            elif self.last_input is None:
                self.last_input = self.mono
            for _ in range(0, amount, period):
                self.advance(period)
                if kind == "work":
                    self.last_input = self.mono
                self.tick()
        elif kind == "suspend":
            idle_before = None if self.last_input is None else self.mono - self.last_input
            self.advance(amount)
            if idle_before is not None:
                self.last_input = self.mono - idle_before
            self.tick()
        elif kind == "busy":
            self.busy = frozenset(amount)
        elif kind == "clock":
            self.now = (self.now.astimezone(UTC) + timedelta(seconds=amount)).astimezone(BERLIN)
        else:
            self.command(kind, amount)

    def command(self, kind: str, amount) -> None:
        engine, now, mono = self.engine, self.now, self.mono
        if kind == "answer":
            live = next(iter(self.open), None)
            if live is not None:
                self.apply(engine.answer(now, mono, live, Outcome(amount)), answered=live)
                self.open.discard(live)   # the window closes itself once answered
        elif kind == "pause":
            until = None if amount == 0 else now + timedelta(seconds=amount)
            self.apply(engine.pause(now, mono, until))
        elif kind == "resume":
            self.apply(engine.resume(now, mono))
        elif kind == "skip":
            self.apply(engine.skip_next(now, mono))
        else:
            self.apply(engine.break_now(now, mono, amount))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(HOURS), st.lists(steps, max_size=40))
def test_engine_invariants_hold_for_any_day(hours, plan):
    checker = Checker(hours)
    checker.tick()
    for kind, amount, period in plan:
        checker.run(kind, amount, period)
    checker.apply(checker.engine.stop(checker.now, checker.mono))
    assert not checker.open, "a prompt was left open at stop"
    assert all(count == 1 for count in checker.finals.values()), checker.finals
    assert checker.seen == set(checker.finals), "a due prompt never got its outcome"
