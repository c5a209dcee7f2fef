"""Today's counts in the tray (app/tray_facts.py, issue 18 point 10): read from the log once, at
start, then kept as the engine records each final row, a new day starting from nothing. They
were read again from the log after every write: at the shortest intervals a day's log made each
prompt cost three times as much by the afternoon."""

from __future__ import annotations

from datetime import datetime, timedelta

from fakes import FakeAutostart

from traybreak.app.tray_facts import TrayFactsSource
from traybreak.core.model import Outcome, PromptRecord, Reason
from traybreak.core.stats import Counts

MORNING = datetime(2026, 3, 2, 9, 0).astimezone()


def row(due: datetime, outcome: Outcome | None) -> PromptRecord:
    return PromptRecord("stretch", None, due, None, due, due if outcome else None, outcome,
                        Reason.USER if outcome is Outcome.SKIPPED else None)


def source(clock: list[datetime], so_far: list[PromptRecord]) -> TrayFactsSource:
    autostart = FakeAutostart()
    return TrayFactsSource(so_far, lambda: autostart, lambda: clock[0])


def test_todays_counts_start_from_the_log_and_go_on_with_each_final_row() -> None:
    clock = [MORNING]
    facts = source(clock, [row(MORNING - timedelta(hours=1), Outcome.DONE),
                           row(MORNING - timedelta(minutes=30), None)])   # still open: not yet
    assert facts.today() == Counts(done=1)
    facts.recorded(row(MORNING, None))                   # an open row counts for nothing
    facts.recorded(row(MORNING, Outcome.SKIPPED))
    facts.recorded(row(MORNING, Outcome.DONE))
    assert facts.today() == Counts(done=2, skipped=1)
    assert facts.facts(None, (), False, None).menu.done_today == 2


def test_a_new_day_starts_from_nothing_and_yesterdays_last_prompt_stays_yesterdays() -> None:
    evening = MORNING.replace(hour=23, minute=59)
    clock = [evening]
    facts = source(clock, [row(MORNING, Outcome.DONE)])
    clock[0] = evening + timedelta(minutes=2)           # past midnight
    facts.recorded(row(evening, Outcome.DONE))          # due yesterday, answered today
    assert facts.today() == Counts()
    facts.recorded(row(clock[0], Outcome.IGNORED))
    assert facts.today() == Counts(ignored=1)
    clock[0] += timedelta(days=1)                       # a day later, nothing recorded since
    assert facts.today() == Counts()
