"""Rows the log refuses wait in memory and are written when it takes them again (#18 point 2).
A real log; a stand-in for the disk that refuses writes while ``full`` (the real full disk is
tests/app/test_full_disk.py)."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from traybreak.app.log_writer import LogWriter
from traybreak.core.model import AppEvent, Kind, Outcome, PromptRecord
from traybreak.store.prompt_log import LogNotWritten, Store

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Disk:
    """The log behind a disk that refuses every write while ``full``."""

    def __init__(self, store: Store) -> None:
        self.store, self.full, self.path = store, False, store.path

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.store, name)

        def write(*args: Any) -> Any:
            if self.full:
                raise LogNotWritten(self.path, "disk full")
            return method(*args)

        return write if name in ("add_prompt", "update_prompt", "add_event") else method


@pytest.fixture
def disk(tmp_path: Path) -> Disk:
    return Disk(Store.open(tmp_path / "log.sqlite3"))


def _writer(disk: Disk, told: list[str | None] | None = None, **kw: Any) -> LogWriter:
    writer: LogWriter

    def tell() -> None:
        if told is not None:
            told.append(writer.problem)

    writer = LogWriter(disk, lambda: T0, on_problem=tell, **kw)  # type: ignore[arg-type]
    return writer


def _prompt(outcome: Outcome | None = None) -> PromptRecord:
    return PromptRecord(rule="stretch", kind=Kind.STRETCH, due_at=T0, shown_at=T0,
                        outcome=outcome, ended_at=T0 + timedelta(minutes=1) if outcome else None)


def _event(name: str) -> AppEvent:
    return AppEvent(T0, name, "")


def test_refused_rows_wait_and_are_written_in_order_when_there_is_room(disk: Disk) -> None:
    told: list[str | None] = []
    writer = _writer(disk, told)
    writer.event(_event("start"))
    disk.full = True
    writer.event(_event("pause"))
    writer.prompt(1, _prompt())
    writer.event(_event("resume"))
    assert writer.problem == "Log can't be written: disk full" and writer.waiting == 3
    assert [e.event for e in disk.store.events()] == ["start"]
    writer.retry()  # still full: nothing changes, nothing is told again
    assert told == ["Log can't be written: disk full"]
    disk.full = False
    writer.retry()
    assert writer.problem is None and writer.waiting == 0
    assert told == ["Log can't be written: disk full", None]
    events = disk.store.events()
    assert [e.event for e in events] == ["start", "pause", "resume", "log_resumed"]
    assert "disk full" in events[-1].detail and "3 rows kept" in events[-1].detail
    assert len(disk.store.prompts()) == 1


def test_the_next_write_writes_what_waits_first(disk: Disk) -> None:
    writer = _writer(disk)
    disk.full = True
    writer.event(_event("pause"))
    disk.full = False
    writer.event(_event("resume"))
    assert [e.event for e in disk.store.events()] == ["pause", "resume", "log_resumed"]


def test_a_prompt_still_waiting_is_written_once_as_it_last_was(disk: Disk) -> None:
    writer = _writer(disk)
    disk.full = True
    writer.prompt(7, _prompt())
    writer.prompt(7, _prompt(Outcome.DONE))
    assert writer.waiting == 1
    disk.full = False
    writer.retry()
    assert [p.outcome for p in disk.store.prompts()] == [Outcome.DONE]
    writer.prompt(8, _prompt())  # the occurrence is closed: a new one is a new row
    assert len(disk.store.prompts()) == 2


def test_an_open_row_whose_update_is_refused_is_updated_later(disk: Disk) -> None:
    writer = _writer(disk)
    writer.prompt(7, _prompt())
    disk.full = True
    writer.prompt(7, replace(_prompt(), snoozes=1))
    writer.prompt(7, _prompt(Outcome.SKIPPED))
    disk.full = False
    writer.retry()
    rows = disk.store.prompts()
    assert [(r.outcome, r.snoozes) for r in rows] == [(Outcome.SKIPPED, 0)]


def test_the_wait_is_bounded_and_a_drop_is_an_error(
        disk: Disk, caplog: pytest.LogCaptureFixture) -> None:
    writer = _writer(disk, held_max=3)
    disk.full = True
    with caplog.at_level(logging.ERROR):
        for n in range(5):
            writer.event(_event(f"e{n}"))
    assert writer.waiting == 3
    assert sum("oldest dropped" in r.getMessage() for r in caplog.records) == 2
    disk.full = False
    writer.retry()
    events = disk.store.events()
    assert [e.event for e in events] == ["e2", "e3", "e4", "log_resumed"]
    assert "2 dropped" in events[-1].detail


def test_a_row_that_fails_for_another_reason_blocks_nothing(disk: Disk) -> None:
    writer = _writer(disk)
    disk.full = True
    writer.prompt(7, _prompt())
    writer.event(_event("pause"))
    disk.store.close()  # a bug, not the disk: a closed log
    disk.full = False
    with pytest.raises(Exception, match="closed"):
        writer.retry()
    assert writer.waiting == 1  # the failing row is gone, the others still wait


def test_rows_still_refused_at_the_end_are_each_told(
        disk: Disk, caplog: pytest.LogCaptureFixture) -> None:
    writer = _writer(disk)
    disk.full = True
    writer.event(_event("pause"))
    writer.event(_event("stop"))
    with caplog.at_level(logging.ERROR):
        writer.give_up()
    lost = [r.getMessage() for r in caplog.records if "lost" in r.getMessage()]
    assert len(lost) == 2 and "'stop'" in lost[1]
    assert writer.waiting == 0
