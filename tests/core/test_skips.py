"""The daily skip allowance has one holder, the engine: its ShowPrompt says how many skips are
left today, every user skip it logs counts, a new day starts afresh, and the app can seed it
with the skips already in today's log (a restart mid-day remembers them)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from traybreak.core.actions import ShowPrompt
from traybreak.core.engine import Engine
from traybreak.core.model import (
    ActivityPolicy,
    Kind,
    Outcome,
    PromptPolicy,
    PromptRecord,
    Reason,
    Rule,
)
from traybreak.core.skips import SkipCounter, is_user_skip

START = datetime(2026, 3, 2, 23, 56, 30, tzinfo=timezone(timedelta(hours=1)))
RULE = Rule("stretch", Kind.STRETCH, timedelta(seconds=10), every=timedelta(minutes=1))


class Desk:
    """The user works on (input every 10 s tick); a prompt falls due every active minute."""

    def __init__(self, engine: Engine, start: datetime) -> None:
        self.engine, self.start, self.mono = engine, start, 0.0
        engine.tick(self.now, self.mono, timedelta(seconds=1))

    @property
    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.mono)

    def next_prompt(self) -> ShowPrompt:
        while True:
            self.mono += 10
            out = self.engine.tick(self.now, self.mono, timedelta(seconds=1))
            shows = [a for a in out if isinstance(a, ShowPrompt)]
            if shows:
                return shows[0]

    def answer(self, show: ShowPrompt, outcome: Outcome) -> None:
        self.engine.answer(self.now, self.mono, show.occurrence, outcome)


def _desk(daily_skips: int | None, skips: SkipCounter | None = None, max_snoozes: int = 2,
          start: datetime = START) -> Desk:
    policy = PromptPolicy(daily_skips=daily_skips, max_snoozes=max_snoozes)
    return Desk(Engine([RULE], ActivityPolicy(), policy, skips=skips), start)


def _row(outcome: Outcome, reason: Reason | None, detail: str | None = None) -> PromptRecord:
    due = START - timedelta(hours=2)
    return PromptRecord("stretch", Kind.STRETCH, due, ended_at=due, outcome=outcome,
                        reason=reason, detail=detail)


def test_show_prompt_counts_down_the_skips_left_and_a_new_day_starts_afresh() -> None:
    desk = _desk(daily_skips=2)
    offered = []
    for _ in range(4):     # due at 23:57:30, 23:58:30, 23:59:30 and 00:00:30 the next day
        show = desk.next_prompt()
        offered.append((show.due_at.day, show.skips_left, show.skip_allowed))
        desk.answer(show, Outcome.SKIPPED)     # the engine takes a skip even when none is left
    assert offered == [(2, 2, True), (2, 1, True), (2, 0, False), (3, 2, True)]


def test_unlimited_skips_read_none_and_a_done_prompt_uses_no_skip() -> None:
    desk = _desk(daily_skips=None)
    assert desk.next_prompt().skips_left is None
    limited = _desk(daily_skips=1)
    show = limited.next_prompt()
    limited.answer(show, Outcome.DONE)
    assert limited.next_prompt().skips_left == 1


def test_skip_next_and_a_snooze_beyond_the_limit_count_as_skips_as_the_log_does() -> None:
    desk = _desk(daily_skips=3, max_snoozes=0, start=START - timedelta(hours=12))
    desk.answer(desk.next_prompt(), Outcome.SNOOZED)    # no snooze left: logged skipped/user
    show = desk.next_prompt()
    assert show.skips_left == 2
    desk.answer(show, Outcome.DONE)
    desk.engine.skip_next(desk.now, desk.mono)   # the next due is logged skipped/user, not shown
    assert desk.next_prompt().skips_left == 1


def test_a_seeded_engine_starts_with_the_skips_already_in_todays_log() -> None:
    log = [_row(Outcome.SKIPPED, Reason.USER), _row(Outcome.SKIPPED, Reason.USER, "skip next"),
           _row(Outcome.DONE, None), _row(Outcome.IGNORED, Reason.TIMEOUT),
           _row(Outcome.SNOOZED, Reason.SUPERSEDED)]
    assert [is_user_skip(r) for r in log] == [True, True, False, False, False]
    seeded = _desk(daily_skips=3, skips=SkipCounter.from_log(log, START.date()))
    assert seeded.next_prompt().skips_left == 1
    yesterday = _desk(daily_skips=3,
                      skips=SkipCounter.from_log(log, START.date() - timedelta(days=1)))
    assert yesterday.next_prompt().skips_left == 3


def test_skip_counter_counts_final_user_skips_per_day() -> None:
    counter = SkipCounter()
    counter.note(PromptRecord("stretch", Kind.STRETCH, START))          # an open row
    counter.note(_row(Outcome.DONE, None))
    assert counter.left(START, 2) == 2
    counter.note(_row(Outcome.SKIPPED, Reason.USER))
    counter.note(_row(Outcome.SKIPPED, Reason.USER))
    counter.note(_row(Outcome.SKIPPED, Reason.USER))
    assert (counter.left(START, 2), counter.left(START, None)) == (0, None)
    assert counter.left(START + timedelta(days=1), 2) == 2
