"""The rotation's history kept by the tray (app/recent_prompts.py, issue 18 point 10): the log's
rows from before the run are read once, at the first choice; every row the engine records after
is kept as it comes (a prompt's later rows replacing its earlier); each kind keeps only its
newest ``rotation.history_rows``; rows older than ``rotation.HISTORY`` are not passed on. It was
a read of 28 days of log at every prompt, thousands of rows at the shortest intervals."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from traybreak.app.recent_prompts import RecentPrompts
from traybreak.catalog.load import load_builtin
from traybreak.core import rotation
from traybreak.core.model import Kind, Outcome, PromptRecord
from traybreak.store.prompt_log import Store

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
CATALOGUE = load_builtin()


def row(minutes_ago: float, kind: Kind = Kind.STRETCH, exercise: str | None = "chin_tuck",
        outcome: Outcome | None = Outcome.DONE) -> PromptRecord:
    due = NOW - timedelta(minutes=minutes_ago)
    return PromptRecord(kind.value, kind, due, exercise, due, due if outcome else None, outcome)


class CountingStore:
    """A Store that counts its reads of prompt rows."""

    def __init__(self, store: Store) -> None:
        self.store, self.reads = store, 0

    def last_prompt_id(self) -> int:
        return self.store.last_prompt_id()

    def prompts(self, since: datetime | None = None) -> list[PromptRecord]:
        self.reads += 1
        return self.store.prompts(since=since)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(tmp_path / "log.sqlite3")


def test_the_log_is_read_once_and_the_runs_rows_are_kept_as_they_come(store: Store) -> None:
    before = store.add_prompt(row(60))
    counting = CountingStore(store)
    recent = RecentPrompts(counting, CATALOGUE)  # type: ignore[arg-type]
    opened = row(5, outcome=None)
    recent.note(1, opened)
    store.add_prompt(opened)   # the writer puts this run's rows in the log too: not read twice
    assert recent.history(NOW) == [before, opened]
    ended = replace(opened, ended_at=NOW, outcome=Outcome.SKIPPED)
    recent.note(1, ended)      # the same prompt, ended: it replaces its open row
    recent.note(2, row(1))
    for _ in range(3):
        history = recent.history(NOW)
    assert history == [before, ended, row(1)]
    assert counting.reads == 1


def test_rows_without_a_card_and_rows_older_than_the_history_are_left_out(store: Store) -> None:
    old = store.add_prompt(row(rotation.HISTORY / timedelta(minutes=1) + 1))
    recent = RecentPrompts(store, CATALOGUE)
    recent.note(1, row(3, exercise=None, outcome=Outcome.NATURAL))
    recent.note(2, replace(row(2), kind=None, exercise_id=None, rule="water"))
    recent.note(3, row(1))
    assert recent.history(old.due_at + rotation.HISTORY) == [old, row(1)]
    assert recent.history(NOW) == [row(1)]


def test_each_kind_keeps_its_newest_rows_up_to_what_the_rotation_needs(store: Store) -> None:
    limit = rotation.history_rows(Kind.STRETCH, CATALOGUE)
    assert limit == rotation.HISTORY_ROUNDS * sum(e.kind is Kind.STRETCH for e in CATALOGUE)
    first = store.add_prompt(row(limit + 10))   # from before the run: the oldest go first
    recent = RecentPrompts(store, CATALOGUE)
    for n in range(limit + 5):
        recent.note(n, row(limit + 5 - n))
    recent.note(1000, row(0, kind=Kind.RELAX, exercise="box_breathing"))
    history = recent.history(NOW)
    stretches = [r for r in history if r.kind is Kind.STRETCH]
    assert len(stretches) == limit and first not in history
    assert stretches[-1] == row(1) and stretches[0] == row(limit)
    assert [r.kind for r in history].count(Kind.RELAX) == 1
