"""The prompt log against real SQLite files: migrations, durability under SIGKILL, corrupt and
newer files, read-only readers, aware-only times."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, cast

import pytest

from traybreak.core.model import AppEvent, Feedback, Kind, Outcome, PromptRecord, Reason
from traybreak.errors import UserError
from traybreak.store.prompt_log import LogMissingError, LogNewerError, LogUnreadableError, Store
from traybreak.store.schema import (
    LATEST_VERSION,
    MIGRATIONS,
    PROMPT_COLUMNS,
    NaiveDatetimeError,
    prompt_row,
)

WRITER = Path(__file__).with_name("store_writer.py")
T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
FIXED_CLOCK = lambda: T0  # noqa: E731


def _prompt(minutes: int = 0, **changes: object) -> PromptRecord:
    base = PromptRecord(rule="stretch", kind=Kind.STRETCH, due_at=T0 + timedelta(minutes=minutes),
                        exercise_id="hip-flexor-lunge")
    return replace(base, **changes)  # type: ignore[arg-type]


def _sql(path: Path, query: str) -> list[tuple[object, ...]]:
    """Read the file with plain sqlite3, independently of the code under test."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(query).fetchall()
    finally:
        conn.close()


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


# -- schema ------------------------------------------------------------------------------------

def test_migrations_from_empty(tmp_path: Path) -> None:
    db = tmp_path / "data" / "log.sqlite3"
    Store.open(db).close()
    assert _sql(db, "PRAGMA user_version") == [(LATEST_VERSION,)]
    tables = {name for (name,) in _sql(db, "SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"prompts", "events"}
    columns = tuple(row[1] for row in _sql(db, "PRAGMA table_info(prompts)"))
    assert columns == PROMPT_COLUMNS
    events = [row[1] for row in _sql(db, "PRAGMA table_info(events)")]
    assert events == ["id", "at", "event", "detail"]
    assert _sql(db, "PRAGMA journal_mode") == [("wal",)]


def test_empty_file_is_migrated_and_reopening_keeps_rows(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite3"
    db.touch()
    with Store.open(db) as store:
        assert store.set_aside is None
        stored = store.add_prompt(_prompt())
    with Store.open(db) as store:
        assert store.prompts() == [stored]
    assert _sql(db, "PRAGMA user_version") == [(LATEST_VERSION,)]


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_new_log_is_private(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite3"
    Store.open(db).close()
    assert db.stat().st_mode & 0o077 == 0


def _schema_1_log(db: Path) -> None:
    """A log as traybreak wrote it before feedback and levels: schema 1, two finished rows."""
    conn = sqlite3.connect(db)
    for statement in MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.executemany(
        "INSERT INTO prompts (rule, kind, exercise_id, due_at, shown_at, ended_at, outcome, "
        "reason, snoozes, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [("strengthen", "strengthen", "wall_angel", "2024-05-01T12:00:00.000000+00:00",
          "2024-05-01T12:00:01.000000+00:00", "2024-05-01T12:02:00.000000+00:00", "done", None,
          0, None),
         ("stretch", "stretch", None, "2024-05-01T12:30:00.000000+00:00", None,
          "2024-05-01T12:30:00.000000+00:00", "suppressed", "idle", 0, "away")])
    conn.execute("INSERT INTO events (at, event, detail) VALUES (?, 'start', '')",
                 ("2024-05-01T11:59:00.000000+00:00",))
    conn.commit()
    conn.close()


def test_a_schema_1_log_is_upgraded_keeping_every_row(tmp_path: Path) -> None:
    """Feedback and level (#16 point 4) are added as columns: old rows stay, read as none."""
    db = tmp_path / "log.sqlite3"
    _schema_1_log(db)
    before = _sql(db, "SELECT * FROM prompts ORDER BY id")
    with Store.open(db) as store:
        old = store.prompts()
        assert [(r.exercise_id, r.outcome, r.feedback, r.level) for r in old] == \
            [("wall_angel", Outcome.DONE, None, None), (None, Outcome.SUPPRESSED, None, None)]
        assert old[1].detail == "away" and len(store.events()) == 1
        new = store.add_prompt(_prompt(60, outcome=Outcome.DONE, ended_at=T0,
                                       feedback=Feedback.TOO_EASY, level=2))
        assert store.prompt(cast(int, new.id)) == new
    assert _sql(db, "PRAGMA user_version") == [(LATEST_VERSION,)]
    assert tuple(row[1] for row in _sql(db, "PRAGMA table_info(prompts)")) == PROMPT_COLUMNS
    after = _sql(db, "SELECT * FROM prompts ORDER BY id")
    assert [row[:-2] for row in after[:2]] == before  # every old cell as it was
    assert after[2][-2:] == ("too_easy", 2)


def test_a_reader_reads_a_schema_1_log_without_changing_it(tmp_path: Path) -> None:
    """`traybreak log` before the upgraded tray has run: the old log reads, and stays schema 1."""
    db = tmp_path / "log.sqlite3"
    _schema_1_log(db)
    with Store.open(db, create=False) as reader:
        rows = reader.prompts()
    assert [(r.exercise_id, r.feedback, r.level) for r in rows] == \
        [("wall_angel", None, None), (None, None, None)]
    assert _sql(db, "PRAGMA user_version") == [(1,)]
    assert "feedback" not in [row[1] for row in _sql(db, "PRAGMA table_info(prompts)")]


def test_every_read_of_a_schema_1_log_has_feedback_and_level_as_none(tmp_path: Path) -> None:
    """The streamed rows, the JSON, one prompt and the open ones (the store names its columns
    since the log streams): the two columns a schema-1 log lacks read as NULL, never 'no such
    column'; the file stays schema 1."""
    db = tmp_path / "log.sqlite3"
    _schema_1_log(db)
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO prompts (rule, due_at) VALUES ('water', "
                 "'2024-05-01T13:00:00.000000+00:00')")   # an open one
    conn.commit()
    conn.close()
    with Store.open(db, create=False) as reader:
        rows = list(reader.prompt_rows())
        newest = list(reader.prompt_rows(newest_first=True, limit=1))
        objects = [json.loads(line) for line in reader.prompt_json(fields=("id", "feedback",
                                                                            "level"))]
        one = reader.prompt(1)
        still_open = reader.open_prompts()
    assert [len(row) for row in rows] == [len(PROMPT_COLUMNS)] * 3
    assert [row[-2:] for row in rows] == [(None, None)] * 3
    assert rows[0][:3] == (1, "strengthen", "strengthen") and newest[0][1] == "water"
    assert objects == [{"id": n, "feedback": None, "level": None} for n in (1, 2, 3)]
    assert one is not None and (one.exercise_id, one.feedback, one.level) == \
        ("wall_angel", None, None)
    assert [(r.rule, r.feedback, r.level) for r in still_open] == [("water", None, None)]
    assert _sql(db, "PRAGMA user_version") == [(1,)]


def test_feedback_and_level_round_trip_and_an_unknown_word_reads_as_none(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite3"
    with Store.open(db) as store:
        rows = [store.add_prompt(_prompt(n, outcome=Outcome.DONE, ended_at=T0, feedback=f,
                                         level=n + 1))
                for n, f in enumerate(Feedback)]
        assert store.prompts() == rows
        with pytest.raises(ValueError, match="level"):
            store.add_prompt(_prompt(level=0))
    conn = sqlite3.connect(db)
    conn.execute("UPDATE prompts SET feedback = 'meh' WHERE id = ?", (rows[0].id,))
    conn.commit()
    conn.close()
    with Store.open(db, create=False) as reader:
        assert reader.prompts()[0].feedback is None  # a newer version's word: not a broken log


# -- records -----------------------------------------------------------------------------------

def test_prompt_round_trip_with_any_offset(tmp_path: Path) -> None:
    plus2 = timezone(timedelta(hours=2))
    with Store.open(tmp_path / "log.sqlite3") as store:
        record = store.add_prompt(_prompt(due_at=datetime(2024, 5, 1, 14, 0, 0, 123456, plus2)))
        assert record.id is not None
        finished = replace(record, shown_at=T0, ended_at=T0 + timedelta(seconds=50),
                           outcome=Outcome.SNOOZED, snoozes=2, detail="note")
        store.update_prompt(finished)
        assert store.prompt(record.id) == finished
        assert store.prompt(record.id + 1) is None
        assert store.open_prompts() == []


def test_since_compares_instants_not_text(tmp_path: Path) -> None:
    minus5 = timezone(timedelta(hours=-5))
    with Store.open(tmp_path / "log.sqlite3") as store:
        # 10:00-05:00 is 15:00Z, later than 14:00Z though it sorts first as given text
        later = store.add_prompt(_prompt(due_at=datetime(2024, 5, 1, 10, 0, tzinfo=minus5)))
        earlier = store.add_prompt(_prompt(due_at=datetime(2024, 5, 1, 14, 0, tzinfo=UTC)))
        assert store.prompts() == [earlier, later]
        assert store.prompts(since=datetime(2024, 5, 1, 14, 30, tzinfo=UTC)) == [later]
        assert store.prompts(since=datetime(2024, 5, 1, 9, 30, tzinfo=minus5)) == [later]
        assert store.prompts(since=datetime(2024, 5, 1, 15, 1, tzinfo=UTC)) == []


def test_update_of_unknown_prompt_fails(tmp_path: Path) -> None:
    with Store.open(tmp_path / "log.sqlite3") as store:
        with pytest.raises(LookupError):
            store.update_prompt(_prompt(id=99))
        with pytest.raises(ValueError):
            store.update_prompt(_prompt())


def test_last_prompt_id_is_below_every_later_row(tmp_path: Path) -> None:
    """The tray's rotation history reads the rows up to it from the log, the later ones it
    keeps as it writes them (app/recent_prompts.py)."""
    with Store.open(tmp_path / "log.sqlite3") as store:
        assert store.last_prompt_id() == 0
        first = store.add_prompt(_prompt())
        assert store.last_prompt_id() == first.id
        later = store.add_prompt(_prompt(-5))   # due earlier, written later
        assert later.id is not None and later.id > first.id == store.last_prompt_id() - 1


def test_close_dangling_closes_only_open_rows(tmp_path: Path) -> None:
    with Store.open(tmp_path / "log.sqlite3") as store:
        done = store.add_prompt(_prompt(0, outcome=Outcome.DONE, ended_at=T0))
        open1 = store.add_prompt(_prompt(1))
        open2 = store.add_prompt(_prompt(2, shown_at=T0))
        assert store.open_prompts() == [open1, open2]
        later = T0 + timedelta(hours=1)
        assert store.close_dangling(later) == 2
        assert store.open_prompts() == []
        by_id = {p.id: p for p in store.prompts()}
        assert by_id[done.id] == done
        for row in (open1, open2):
            assert by_id[row.id] == replace(row, outcome=Outcome.IGNORED, reason=Reason.CRASHED,
                                            ended_at=later)


def test_events_round_trip(tmp_path: Path) -> None:
    with Store.open(tmp_path / "log.sqlite3") as store:
        events = [AppEvent(T0, "start", "0.1"), AppEvent(T0 + timedelta(minutes=5), "pause")]
        for event in events:
            store.add_event(event)
        assert store.events() == events
        assert store.events(since=T0 + timedelta(minutes=1)) == events[1:]


@pytest.mark.parametrize("field", ["due_at", "shown_at", "ended_at"])
def test_naive_datetimes_are_rejected(tmp_path: Path, field: str) -> None:
    naive = datetime(2024, 5, 1, 12, 0)
    with Store.open(tmp_path / "log.sqlite3") as store:
        with pytest.raises(NaiveDatetimeError, match=f"{field}: naive datetime"):
            store.add_prompt(replace(_prompt(), **cast(dict[str, Any], {field: naive})))
        assert store.prompts() == []


def test_naive_datetimes_rejected_everywhere_else(tmp_path: Path) -> None:
    naive = datetime(2024, 5, 1, 12, 0)
    with Store.open(tmp_path / "log.sqlite3") as store:
        stored = store.add_prompt(_prompt())
        with pytest.raises(NaiveDatetimeError):
            store.update_prompt(replace(stored, ended_at=naive))
        with pytest.raises(NaiveDatetimeError):
            store.add_event(AppEvent(naive, "start"))
        with pytest.raises(NaiveDatetimeError):
            store.prompts(since=naive)
        with pytest.raises(NaiveDatetimeError):
            store.close_dangling(naive)
        assert store.prompts() == [stored]
        assert store.events() == []


# -- durability --------------------------------------------------------------------------------

@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
@pytest.mark.parametrize("kill_after", [1, 100, 400])
def test_sigkilled_writer_keeps_every_committed_write(tmp_path: Path, kill_after: int) -> None:
    db = tmp_path / "log.sqlite3"
    writer = subprocess.Popen([sys.executable, str(WRITER), str(db), "1000"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert writer.stdout is not None
    assert writer.stdout.readline() == b"ready\n", writer.stderr.read() if writer.stderr else ""
    lines = [writer.stdout.readline() for _ in range(kill_after)]
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=30)
    lines += writer.stdout.read().splitlines(keepends=True)
    reported = [line.decode().split() for line in lines if line.endswith(b"\n")]
    added = {int(n) for verb, n in reported if verb == "added"}
    ended = {int(n) for verb, n in reported if verb == "ended"}

    assert writer.returncode == -signal.SIGKILL
    assert kill_after <= len(reported) < 1000, "the writer was not killed part-way"
    assert _sql(db, "PRAGMA integrity_check") == [("ok",)]
    rows = {row_id: outcome for row_id, outcome in _sql(db, "SELECT id, outcome FROM prompts")}
    assert added <= set(rows), f"lost committed rows: {sorted(added - set(rows))[:10]}"
    assert all(rows[row_id] == "done" for row_id in ended), "lost committed updates"
    with Store.open(db) as store:  # and the tray can carry on with it
        assert store.set_aside is None
        assert len(store.prompts()) == len(rows)


# -- unreadable and newer files ----------------------------------------------------------------

def _real_log(path: Path, rows: int) -> bytes:
    with Store.open(path) as store:
        for n in range(rows):
            store.add_prompt(_prompt(n, detail="y" * 200))
    return path.read_bytes()


def _garbage(db: Path) -> bytes:
    return random.Random(7).randbytes(20_000)


def _truncated_body(db: Path) -> bytes:
    data = _real_log(db, 400)
    return data[: len(data) // 2]


def _truncated_header(db: Path) -> bytes:
    return _real_log(db, 3)[:60]


@pytest.mark.parametrize("damage", [_garbage, _truncated_body, _truncated_header])
def test_unreadable_file_is_set_aside_and_kept(
    tmp_path: Path, damage: object, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "log.sqlite3"
    bad = damage(db)  # type: ignore[operator]
    db.write_bytes(bad)
    wal = Path(f"{db}-wal")
    wal.write_bytes(b"leftover wal bytes")
    with Store.open(db, clock=FIXED_CLOCK) as store:
        kept = tmp_path / "log.sqlite3.corrupt-20240501T120000Z"
        assert store.set_aside == kept
        assert kept.read_bytes() == bad
        assert Path(f"{kept}-wal").read_bytes() == b"leftover wal bytes"
        assert store.prompts() == []
        fresh = store.add_prompt(_prompt())
        assert store.prompts() == [fresh]
        (event,) = store.events()
        assert event.event == "log_set_aside" and str(kept) in event.detail
    assert _sql(db, "PRAGMA integrity_check") == [("ok",)]
    assert any(str(kept) in r.getMessage() and r.levelname == "WARNING" for r in caplog.records)


def test_second_set_aside_in_the_same_second_keeps_both(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite3"
    for content in (b"first garbage" * 10, b"second garbage" * 10):
        for sidecar in tmp_path.glob("log.sqlite3-*"):
            sidecar.unlink()  # a fresh log's -wal/-shm
        db.write_bytes(content)
        Store.open(db, clock=FIXED_CLOCK).close()
    assert (tmp_path / "log.sqlite3.corrupt-20240501T120000Z").read_bytes() == b"first garbage" * 10
    assert (tmp_path / "log.sqlite3.corrupt-20240501T120000Z-2").read_bytes() == (
        b"second garbage" * 10
    )


def _newer_log(db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE prompts_v9 (id INTEGER PRIMARY KEY, stuff TEXT)")
    conn.execute("INSERT INTO prompts_v9 (stuff) VALUES ('from the future')")
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("create", [True, False])
def test_newer_schema_is_refused_and_untouched(tmp_path: Path, create: bool) -> None:
    db = tmp_path / "log.sqlite3"
    _newer_log(db)
    before = _snapshot(tmp_path)
    with pytest.raises(LogNewerError, match="written by a newer traybreak"):
        Store.open(db, create=create)
    assert _snapshot(tmp_path) == before


# -- readers -----------------------------------------------------------------------------------

def test_reader_never_creates_a_log(tmp_path: Path) -> None:
    db = tmp_path / "data" / "traybreak" / "log.sqlite3"
    with pytest.raises(LogMissingError, match=r"no log yet at .*log\.sqlite3"):
        Store.open(db, create=False)
    assert list(tmp_path.iterdir()) == []
    db.parent.mkdir(parents=True)
    db.touch()  # an empty file is no log either, and stays empty
    with pytest.raises(LogMissingError):
        Store.open(db, create=False)
    assert _snapshot(db.parent) == {"log.sqlite3": b""}


def test_reader_reports_an_unreadable_file_and_leaves_it(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite3"
    db.write_bytes(_garbage(db))
    before = _snapshot(tmp_path)
    with pytest.raises(LogUnreadableError, match="not a readable database") as caught:
        Store.open(db, create=False)
    assert isinstance(caught.value, UserError)
    assert _snapshot(tmp_path) == before


def test_reader_sees_a_live_writer_and_cannot_write(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite3"
    with Store.open(db) as writer:
        first = writer.add_prompt(_prompt())
        with Store.open(db, create=False) as reader:
            assert reader.prompts() == [first]
            second = writer.add_prompt(_prompt(1))
            assert reader.prompts() == [first, second]
            with pytest.raises(sqlite3.OperationalError):
                reader.add_event(AppEvent(T0, "start"))
    with Store.open(db, create=False) as reader:
        assert reader.events() == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.sqlite3"]  # WAL tidied away


# -- reading a long log: rows as stored, pages, JSON, one moment (#18 point 11) -----------------

def _log_of(tmp_path: Path, count: int) -> tuple[Path, list[PromptRecord]]:
    db = tmp_path / "log.sqlite3"
    with Store.open(db) as store:
        stored = [store.add_prompt(_prompt(minutes=n % 4, detail=f"n{n}")) for n in range(count)]
    return db, sorted(stored, key=lambda r: (r.due_at, r.id))


def test_prompt_rows_are_the_stored_cells_oldest_or_newest_first(tmp_path: Path) -> None:
    db, stored = _log_of(tmp_path, 9)  # due times repeat: the id orders rows due together
    with Store.open(db, create=False) as store:
        rows = list(store.prompt_rows())
        assert rows == [tuple(prompt_row(r).values()) for r in stored]
        assert list(store.prompt_rows(newest_first=True)) == rows[::-1]
        assert list(store.prompt_rows(newest_first=True, limit=3)) == rows[::-1][:3]
        assert list(store.prompt_rows(limit=3)) == rows[-3:]
        assert list(store.prompt_rows(limit=0)) == []
        assert list(store.prompt_rows(T0 + timedelta(minutes=3))) == rows[-2:]
        with pytest.raises(ValueError, match="negative"):
            store.prompt_rows(limit=-1)


def test_event_rows_and_count(tmp_path: Path) -> None:
    db = tmp_path / "log.sqlite3"
    with Store.open(db) as store:
        for n in range(5):
            store.add_event(AppEvent(T0 + timedelta(hours=n), "start", f"n{n}"))
    with Store.open(db, create=False) as store:
        assert [d for _, _, d in store.event_rows(newest_first=True, limit=2)] == ["n4", "n3"]
        assert [d for _, _, d in store.event_rows(T0 + timedelta(hours=3))] == ["n3", "n4"]
        assert store.event_count() == 5 and store.event_count(T0 + timedelta(hours=1)) == 4


def test_outcome_counts(tmp_path: Path) -> None:
    db, stored = _log_of(tmp_path, 4)
    with Store.open(db) as store:
        store.update_prompt(replace(stored[0], outcome=Outcome.DONE))
        store.update_prompt(replace(stored[1], outcome=Outcome.SKIPPED, reason=Reason.USER))
        assert store.outcome_counts() == {None: 2, Outcome.DONE: 1, Outcome.SKIPPED: 1}
        assert store.outcome_counts(T0 + timedelta(minutes=10)) == {}


TRICKY = ['quote " and backslash \\', "line\nbreak\ttab\r", "ünïcode ✓ \u2028", "\x01\x1f"]


@pytest.mark.parametrize("sqlite_json", [True, False], ids=["sqlite-json", "python-json"])
def test_json_rows_are_the_stored_cells(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        sqlite_json: bool) -> None:
    import traybreak.store.log_rows as log_rows

    if not sqlite_json:  # as an SQLite built without JSON: Python's encoder does it
        monkeypatch.setattr(log_rows, "_JSON_OBJECT", "no_such_json_function")
    db = tmp_path / "log.sqlite3"
    with Store.open(db) as store:
        for n, text in enumerate(TRICKY):
            store.add_prompt(_prompt(minutes=n, detail=text, exercise_id=None))
            store.add_event(AppEvent(T0 + timedelta(minutes=n), "error", text))
    with Store.open(db, create=False) as store:
        rows = [dict(zip(PROMPT_COLUMNS, row, strict=True)) for row in store.prompt_rows()]
        assert [json.loads(line) for line in store.prompt_json()] == rows
        fields = ("id", "due_at", "detail")
        assert [json.loads(line) for line in store.prompt_json(fields=fields, limit=2)] == [
            {key: row[key] for key in fields} for row in rows[-2:]]
        events = [json.loads(line) for line in store.event_json()]
        assert [e["detail"] for e in events] == TRICKY and list(events[0]) == ["at", "event",
                                                                                "detail"]
        assert all("\n" not in line for line in store.prompt_json())
        with pytest.raises(ValueError, match="no column bogus"):
            store.prompt_json(fields=("id", "bogus"))


def test_a_snapshot_reads_one_moment_while_the_tray_writes(tmp_path: Path) -> None:
    db, _ = _log_of(tmp_path, 3)
    with Store.open(db) as writer, Store.open(db, create=False) as reader:
        with reader.snapshot():
            counted = sum(reader.outcome_counts().values())
            writer.add_prompt(_prompt(minutes=9))
            assert len(list(reader.prompt_rows())) == counted == 3
        assert len(list(reader.prompt_rows())) == 4


def test_a_stream_left_unread_does_not_break_closing(tmp_path: Path) -> None:
    db, _ = _log_of(tmp_path, 3)
    store = Store.open(db, create=False)
    rows = store.prompt_rows()
    next(rows)
    store.close()
    rows.close()  # the generator's clean-up finds the connection closed: no error
