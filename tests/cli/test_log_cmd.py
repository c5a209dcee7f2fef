"""`traybreak log` and `traybreak export` against a real log under a temporary XDG_DATA_HOME."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
import sys
import time
import tracemalloc
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from traybreak import paths
from traybreak.cli import main
from traybreak.cli.log_cmd import PAGE
from traybreak.core.model import AppEvent, Feedback, Kind, Outcome, PromptRecord, Reason
from traybreak.errors import ExitStatus
from traybreak.store.prompt_log import Store
from traybreak.store.schema import PROMPT_COLUMNS, prompt_row, to_text

JSON_FIELDS = ["id", "rule", "kind", "exercise_id", "due_at", "shown_at", "ended_at",
               "outcome", "reason", "snoozes", "feedback", "level"]
NOW = datetime.now(UTC).replace(second=0, microsecond=0)


@pytest.fixture
def data_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "data"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    return home


@pytest.fixture
def local_tz(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Local time = UTC+05:30, so a table in UTC would show."""
    if not hasattr(time, "tzset"):
        pytest.skip("needs time.tzset (POSIX)")
    monkeypatch.setenv("TZ", "IST-5:30")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _fill() -> list[PromptRecord]:
    """Four finished prompts over the last 4 days, one open one, and two app events."""
    plus2 = timezone(timedelta(hours=2))
    endings = [(Outcome.DONE, None, 0), (Outcome.SKIPPED, Reason.USER, 1),
               (Outcome.IGNORED, Reason.TIMEOUT, 2), (Outcome.NATURAL, Reason.IDLE, 0)]
    stored = []
    with Store.open(paths.log_db()) as store:
        for days_ago, (outcome, reason, snoozes) in zip((4, 3, 2, 1), endings, strict=True):
            due = (NOW - timedelta(days=days_ago)).astimezone(plus2)
            record = store.add_prompt(PromptRecord(
                rule="stretch", kind=Kind.STRETCH, due_at=due, exercise_id="doorway-chest",
                detail='said "later", then: ünïcode\nsecond line' if reason else None,
            ))
            record = replace(record, shown_at=due, ended_at=due + timedelta(seconds=40),
                             outcome=outcome, reason=reason, snoozes=snoozes)
            if outcome is Outcome.DONE:  # what the user added after Done, at the level shown
                record = replace(record, feedback=Feedback.TOO_EASY, level=2)
            store.update_prompt(record)
            stored.append(record)
        stored.append(store.add_prompt(PromptRecord(rule="water", kind=None, due_at=NOW)))
        store.add_event(AppEvent(NOW - timedelta(days=4), "start", "version 0.1"))
        store.add_event(AppEvent(NOW - timedelta(hours=1), "pause", "30m"))
    return stored


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_log_json_has_exactly_the_documented_fields(
    data_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stored = _fill()
    status, out, _ = _run(capsys, "log", "--json")
    assert status == 0
    objects = [json.loads(line) for line in out.splitlines()]
    assert [list(obj) for obj in objects] == [JSON_FIELDS] * len(stored)
    assert [obj["id"] for obj in objects] == [r.id for r in stored]
    assert objects[1]["outcome"] == "skipped" and objects[1]["reason"] == "user"
    assert objects[1]["snoozes"] == 1
    assert datetime.fromisoformat(objects[0]["due_at"]) == stored[0].due_at
    assert objects[4]["kind"] is None and objects[4]["ended_at"] is None


def test_log_table_in_local_time_with_summary(
    data_home: Path, capsys: pytest.CaptureFixture[str], local_tz: None
) -> None:
    stored = _fill()
    status, out, _ = _run(capsys, "log")
    assert status == 0
    header, *rows, summary = out.splitlines()
    assert header.split() == ["due", "kind", "rule", "exercise", "outcome", "reason", "snoozes",
                              "level", "feedback"]
    assert len(rows) == len(stored)
    first_local = (stored[0].due_at.astimezone(UTC) + timedelta(hours=5, minutes=30))
    assert rows[-1].startswith(first_local.strftime("%Y-%m-%d %H:%M"))  # newest first, local
    assert rows[-1].split()[-4:] == ["0", "2", "too", "easy"]
    assert rows[-2].split()[-5:] == ["skipped", "user", "1", "-", "-"]
    assert rows[0].split()[2:] == ["-", "water", "-", "open", "-", "0", "-", "-"]
    assert summary == "5 prompts: 1 done · 1 skipped · 1 ignored · 1 natural · 1 open"
    assert len({row.index("stretch") for row in rows[1:]}) == 1  # columns line up


def test_log_since_and_events(data_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _fill()
    status, out, _ = _run(capsys, "log", "--since", "36h")
    assert status == 0
    assert out.splitlines()[-1].startswith("2 prompts since ")
    assert out.splitlines()[-1].endswith(": 1 natural · 1 open")
    status, out, _ = _run(capsys, "log", "--events", "--since", "2d")
    assert status == 0
    (header, row, summary) = out.splitlines()
    assert header.split() == ["when", "event", "detail"]
    assert row.split()[2:] == ["pause", "30m"]
    assert summary.startswith("1 event since")


def test_bad_since_is_one_line_naming_the_option(
    data_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _fill()
    status, out, err = _run(capsys, "log", "--since", "7")
    assert status == ExitStatus.BAD_INPUT
    assert out == "" and len(err.splitlines()) == 1 and "--since" in err


def test_reading_commands_never_create_a_log(
    data_home: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # No log yet is a new user's normal state, not a failure (#15): machine output is empty.
    assert _run(capsys, "log", "--json") == (ExitStatus.OK, "", "")
    assert _run(capsys, "export", "--format", "json") == (ExitStatus.OK, "", "")
    status, out, err = _run(capsys, "export")
    assert (status, err) == (ExitStatus.OK, "") and out.startswith("id,rule,kind,")
    assert out.count("\n") == 1  # the header row only
    assert _run(capsys, "log") == (
        ExitStatus.OK, f"no log yet at {paths.log_db()} (traybreak has not recorded anything)\n",
        "")
    assert not data_home.exists()


def test_export_defaults_to_csv_and_json_is_the_json_lines_of_log_json(
    data_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _fill()
    assert _run(capsys, "export") == _run(capsys, "export", "--format", "csv")
    status, out, _ = _run(capsys, "export", "--format", "json")
    assert status == ExitStatus.OK
    assert out == _run(capsys, "export", "--format", "jsonl")[1]
    as_log = [json.loads(line) for line in _run(capsys, "log", "--json")[1].splitlines()]
    exported = [json.loads(line) for line in out.splitlines()]
    assert [{k: row[k] for k in JSON_FIELDS} for row in exported] == as_log


def _record_from_csv(row: dict[str, str]) -> PromptRecord:
    """Rebuild a record from CSV text by hand, independently of the store's own conversions."""
    def when(text: str) -> datetime | None:
        return datetime.fromisoformat(text) if text else None

    due = when(row["due_at"])
    assert due is not None and due.utcoffset() is not None
    return PromptRecord(
        id=int(row["id"]), rule=row["rule"], kind=Kind(row["kind"]) if row["kind"] else None,
        exercise_id=row["exercise_id"] or None, due_at=due, shown_at=when(row["shown_at"]),
        ended_at=when(row["ended_at"]),
        outcome=Outcome(row["outcome"]) if row["outcome"] else None,
        reason=Reason(row["reason"]) if row["reason"] else None,
        snoozes=int(row["snoozes"]), detail=row["detail"] or None,
        feedback=Feedback(row["feedback"]) if row["feedback"] else None,
        level=int(row["level"]) if row["level"] else None,
    )


def test_csv_export_round_trip(
    data_home: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    stored = _fill()
    with Store.open(paths.log_db(), create=False) as store:
        assert store.prompts() == stored
    status, out, _ = _run(capsys, "export", "--format", "csv")
    assert status == 0
    assert [_record_from_csv(row) for row in csv.DictReader(io.StringIO(out))] == stored

    target = tmp_path / "log.csv"
    status, out, _ = _run(capsys, "export", "--format", "csv", "-o", str(target))
    assert status == 0 and out.strip() == f"wrote 5 prompts to {target}"
    with target.open(encoding="utf-8", newline="") as f:
        assert [_record_from_csv(row) for row in csv.DictReader(f)] == stored


def test_jsonl_export_round_trip(data_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stored = _fill()
    status, out, _ = _run(capsys, "export", "--format", "jsonl", "--since", "50h")
    assert status == 0
    rows = [json.loads(line) for line in out.splitlines()]
    as_text = [{k: ("" if v is None else str(v)) for k, v in row.items()} for row in rows]
    assert [_record_from_csv(row) for row in as_text] == stored[2:]


def test_export_refuses_to_overwrite_without_force(
    data_home: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _fill()
    target = tmp_path / "mine.jsonl"
    target.write_text("precious\n")
    status, out, err = _run(capsys, "export", "--format", "jsonl", "-o", str(target))
    assert status == ExitStatus.BAD_INPUT and out == ""
    assert err.strip() == (f"traybreak: {target} already exists: add --force to overwrite it, "
                           "or choose another file")
    assert target.read_text() == "precious\n"
    status, _, _ = _run(capsys, "export", "--format", "jsonl", "-o", str(target), "--force")
    assert status == 0
    assert len(target.read_text().splitlines()) == 5
    assert sorted(os.listdir(tmp_path)) == ["data", "mine.jsonl"]  # no partial file left


def test_export_events_csv(data_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _fill()
    status, out, _ = _run(capsys, "export", "--format", "csv", "--events")
    assert status == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["event"], r["detail"]) for r in rows] == [("start", "version 0.1"), ("pause", "30m")]
    assert datetime.fromisoformat(rows[1]["at"]) == NOW - timedelta(hours=1)


# -- a long log: pages, streams (#18 point 11) -------------------------------------------------

def _fill_many(prompts: int, events: int = 0) -> None:
    """``prompts`` finished prompts a minute apart ending now (ids in time order), and
    ``events`` app events; written in one transaction, as a year of use would leave them."""
    Store.open(paths.log_db()).close()
    outcomes = [(Outcome.DONE, None), (Outcome.SKIPPED, Reason.USER),
                (Outcome.IGNORED, Reason.TIMEOUT)]
    rows = []
    for n in range(prompts):
        due = NOW - timedelta(minutes=prompts - n)
        outcome, reason = outcomes[n % 3]
        rows.append(prompt_row(PromptRecord(
            rule=f"rule-{n % 7}", kind=Kind.STRETCH, due_at=due, exercise_id=f"exercise-{n}",
            shown_at=due, ended_at=due + timedelta(seconds=30), outcome=outcome, reason=reason,
            detail="x" * 200)))
    conn = sqlite3.connect(paths.log_db())
    with conn:
        conn.executemany(
            f"INSERT INTO prompts ({', '.join(PROMPT_COLUMNS)}) "
            f"VALUES ({', '.join(':' + c for c in PROMPT_COLUMNS)})", rows)
        conn.executemany("INSERT INTO events (at, event, detail) VALUES (?, ?, ?)", [
            (to_text(NOW - timedelta(minutes=events - n), "at"), f"event-{n}", "")
            for n in range(events)])
    conn.close()


def _table(out: str) -> tuple[list[str], list[str]]:
    """(table rows without the header, the lines after the table)."""
    lines = out.splitlines()
    rows = [line for line in lines[1:] if line.startswith(str(NOW.year - 1)[:2])]
    return rows, lines[1 + len(rows):]


def test_log_shows_the_newest_page_first_and_sums_up_every_row(
    data_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _fill_many(130)
    status, out, _ = _run(capsys, "log")
    assert status == ExitStatus.OK
    rows, after = _table(out)
    assert len(rows) == PAGE == 50
    exercises = [row.split()[4] for row in rows]
    assert exercises == [f"exercise-{n}" for n in range(129, 79, -1)]  # newest first
    assert after == [
        "the newest 50 of 130 prompts shown: --limit N for more, --all for every one",
        "130 prompts: 44 done · 43 skipped · 43 ignored",
    ]


@pytest.mark.parametrize(("options", "shown"), [
    (["--limit", "7"], 7), (["-n", "1"], 1), (["--limit", "500"], 130), (["--all"], 130),
])
def test_log_limit_and_all(data_home: Path, capsys: pytest.CaptureFixture[str],
                           options: list[str], shown: int) -> None:
    _fill_many(130)
    status, out, _ = _run(capsys, "log", *options)
    assert status == ExitStatus.OK
    rows, after = _table(out)
    assert [row.split()[4] for row in rows] == [
        f"exercise-{n}" for n in range(129, 129 - shown, -1)]
    note = f"the newest {shown} of 130 prompts shown: --limit N for more, --all for every one"
    assert after == ([note] if shown < 130 else []) + [
        "130 prompts: 44 done · 43 skipped · 43 ignored"]
    assert len({row.index("stretch") for row in rows}) == 1  # columns line up


@pytest.mark.parametrize("options", [["--limit", "0"], ["--limit", "x"], ["--limit", "-3"],
                                     ["--limit", "5", "--all"]])
def test_log_refuses_a_bad_page_in_one_line(data_home: Path, capsys: pytest.CaptureFixture[str],
                                            options: list[str]) -> None:
    _fill_many(3)
    status, out, err = _run_exit(capsys, "log", *options)
    assert status == ExitStatus.BAD_INPUT and out == ""
    assert "--limit" in err.splitlines()[-1]


def _run_exit(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Like _run, for a command argparse refuses (it exits)."""
    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


def test_log_json_is_every_row_oldest_first_and_limit_keeps_the_newest(
    data_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _fill_many(130)
    every = [json.loads(line) for line in _run(capsys, "log", "--json")[1].splitlines()]
    assert [row["id"] for row in every] == list(range(1, 131))
    assert all(list(row) == JSON_FIELDS for row in every)
    newest = [json.loads(line) for line in _run(capsys, "log", "--json", "-n", "4")[1].splitlines()]
    assert newest == every[-4:]
    assert _run(capsys, "log", "--json", "--all")[1].count("\n") == 130


def test_log_events_page_too(data_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _fill_many(0, events=60)
    status, out, _ = _run(capsys, "log", "--events")
    assert status == ExitStatus.OK
    lines = out.splitlines()
    assert lines[0].split() == ["when", "event", "detail"]
    assert [line.split()[2] for line in lines[1:51]] == [f"event-{n}" for n in range(59, 9, -1)]
    assert lines[51:] == ["the newest 50 of 60 events shown: --limit N for more, --all for "
                          "every one", "60 events"]
    events = [json.loads(line) for line in _run(capsys, "log", "--events", "--json", "-n", "2")[1]
              .splitlines()]
    assert [e["event"] for e in events] == ["event-58", "event-59"]


def test_export_writes_every_row_as_the_log_keeps_it(
    data_home: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _fill_many(1200)  # more than one chunk of the stream
    with Store.open(paths.log_db(), create=False) as store:
        stored = store.prompts()
    status, out, _ = _run(capsys, "export")
    assert status == ExitStatus.OK
    assert [_record_from_csv(row) for row in csv.DictReader(io.StringIO(out))] == stored
    target = tmp_path / "all.jsonl"
    status, out, _ = _run(capsys, "export", "--format", "json", "-o", str(target))
    assert out.strip() == f"wrote 1200 prompts to {target}"
    rows = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert rows == [prompt_row(record) for record in stored]


@pytest.mark.parametrize("command", [
    ["export"], ["export", "--format", "json"], ["log", "--all"], ["log", "--json"],
    ["log", "--events", "--all"], ["export", "--events"],
], ids=" ".join)
def test_log_and_export_stream_in_flat_memory(
    data_home: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    """Ten times the rows take no more memory: nothing grows with the log (Python's own
    allocations, traced; SQLite's page cache is bounded by itself)."""
    sink = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - closed below
    monkeypatch.setattr(sys, "stdout", sink)

    def peak(rows: int) -> int:
        paths.log_db().unlink(missing_ok=True)
        _fill_many(rows, events=rows)
        main(command)  # warm: imports, caches
        tracemalloc.start()
        try:
            assert main(command) == ExitStatus.OK
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    try:
        small, large = peak(1200), peak(6000)
    finally:
        sink.close()
    # Holding the 4,800 more rows (as the commands did) takes over 5 MB.
    assert large - small < 200_000, (small, large)


def test_log_json_and_export_read_a_schema_1_log_with_the_new_columns_empty(
        data_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A log from before levels (#16 point 4), read before the upgraded tray has run: every
    command shows it, level and feedback empty, and leaves it at schema 1."""
    import sqlite3

    from traybreak.store.schema import MIGRATIONS

    db = paths.log_db()
    db.parent.mkdir(parents=True)
    conn = sqlite3.connect(db)
    for statement in MIGRATIONS[0]:
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO prompts (rule, kind, exercise_id, due_at, outcome) VALUES "
                 "('stretch', 'stretch', 'doorway-chest', ?, 'done')",
                 (to_text(NOW - timedelta(hours=1), "due_at"),))
    conn.commit()
    conn.close()
    status, out, err = _run(capsys, "log")
    assert (status, err) == (0, "")
    header, row, summary = out.splitlines()
    assert header.split()[-2:] == ["level", "feedback"]
    assert row.split()[-5:] == ["done", "-", "0", "-", "-"]
    assert summary == "1 prompt: 1 done"
    status, out, _ = _run(capsys, "log", "--json")
    assert status == 0 and list(json.loads(out)) == JSON_FIELDS
    assert (json.loads(out)["feedback"], json.loads(out)["level"]) == (None, None)
    status, out, _ = _run(capsys, "export")
    assert status == 0
    (exported,) = csv.DictReader(io.StringIO(out))
    assert list(exported) == list(PROMPT_COLUMNS)
    assert (exported["feedback"], exported["level"]) == ("", "")
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone() == (1,)
    conn.close()
