"""The prompt log: one SQLite file (WAL) of prompt records and app events, and the Store that
reads and writes it, one transaction a write. A write the disk refuses for now is LogNotWritten.

Opening (store/log_open.py) checks the file, migrates it to the latest schema (PRAGMA
user_version), and a file that is not a readable database is set aside (store/set_aside.py) as
NAME.corrupt-<timestamp> before a fresh one starts; the streamed reads are in store/log_rows.py.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from traybreak.core.model import AppEvent, Outcome, PromptRecord, Reason
from traybreak.errors import ExitStatus, UserError
from traybreak.store.log_errors import (
    LogMissingError,
    LogNewerError,
    LogNotWritten,
    LogUnreadableError,
    not_written,
)
from traybreak.store.log_open import Unreadable, open_reader, open_writer, usable
from traybreak.store.log_path import LogUnusableError
from traybreak.store.log_rows import (
    RowStream,
    columns_as_stored,
    floor,
    limit_params,
    newest_sql,
)
from traybreak.store.schema import (
    EVENT_COLUMNS,
    PROMPT_COLUMNS,
    Cell,
    event_record,
    event_row,
    outcome_of,
    prompt_from_cells,
    prompt_record,
    prompt_row,
    to_text,
)
from traybreak.store.set_aside import move_aside

__all__ = ["LogMissingError", "LogNewerError", "LogNotWritten", "LogUnreadableError",
           "LogUnusableError", "Store"]

logger = logging.getLogger(__name__)

_UPDATE = ", ".join(f"{col} = :{col}" for col in PROMPT_COLUMNS if col != "id")
_EVENT_CELLS = ", ".join(EVENT_COLUMNS)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Store:
    """The open log. Safe to share between threads; every write is its own transaction.
    A write the disk refuses for now raises LogNotWritten (and writes nothing).

    ``set_aside`` is the path an unreadable old log was renamed to while opening, else None.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path, set_aside: Path | None = None,
                 *, reader: bool = False) -> None:
        self._conn = conn
        self._reader = reader  # a CLI reader's writes are refused by design, not by the disk
        self._lock = threading.Lock()
        self._rows = RowStream(conn, self._lock)
        self.path = path
        self.set_aside = set_aside
        # What each prompts column is read as: itself, or NULL for a column the log does not
        # have yet (a log at an older schema, which a reader reads as it is).
        self._prompt_sql = columns_as_stored(conn, "prompts", PROMPT_COLUMNS)
        self._prompt_cells = ", ".join(
            col if sql == col else f"{sql} AS {col}" for col, sql in self._prompt_sql.items())

    @classmethod
    def open(
        cls, path: str | os.PathLike[str], *, create: bool = True,
        clock: Callable[[], datetime] = _utcnow,
    ) -> Store:
        """Open the log at ``path``.

        ``create=True`` (the tray): make the file if missing, migrate it, and set an unreadable
        file aside. ``create=False`` (CLI readers): read-only, never creates or renames anything;
        raises LogMissingError, LogUnreadableError or LogNewerError. A path that cannot be used
        (a folder, no permission, a read-only or full disk) raises LogUnusableError saying why.
        All are UserErrors.
        """
        path = Path(path)
        if not create:
            return cls(usable(open_reader, path, writing=False), path, reader=True)
        try:
            return cls(usable(open_writer, path, writing=True), path)
        except Unreadable as problem:
            kept = move_aside(path, clock())
            logger.warning(
                "the log at %s was not a readable database (%s); kept it as %s, starting a new "
                "log", path, problem, kept,
            )
        try:
            store = cls(usable(open_writer, path, writing=True), path, set_aside=kept)
        except Unreadable as problem:
            raise UserError(
                f"cannot start a new log at {path}: {problem}", ExitStatus.FAILURE
            ) from problem
        store.add_event(AppEvent(
            at=clock(), event="log_set_aside",
            detail=f"the previous log was not a readable database and was kept as {kept}",
        ))
        return store

    # -- prompts -----------------------------------------------------------------------------

    def add_prompt(self, record: PromptRecord) -> PromptRecord:
        """Store a new prompt occurrence; returns it with its ``id``."""
        if record.id is not None:
            raise ValueError(f"prompt already has id {record.id}: use update_prompt")
        row = prompt_row(record)
        del row["id"]
        sql = f"INSERT INTO prompts ({', '.join(row)}) VALUES ({', '.join(':' + c for c in row)})"
        cursor = self._write(sql, row)
        assert cursor.lastrowid is not None
        return replace(record, id=cursor.lastrowid)

    def update_prompt(self, record: PromptRecord) -> None:
        """Overwrite the stored row with ``record.id`` (e.g. shown, snoozed or finished)."""
        if record.id is None:
            raise ValueError("cannot update a prompt that was never stored (id is None)")
        cursor = self._write(f"UPDATE prompts SET {_UPDATE} WHERE id = :id", prompt_row(record))
        if cursor.rowcount != 1:
            raise LookupError(f"no prompt with id {record.id} in the log at {self.path}")

    def prompt(self, prompt_id: int) -> PromptRecord | None:
        """The stored prompt with this id, or None."""
        rows = self._read(f"SELECT {self._prompt_cells} FROM prompts WHERE id = ?",
                          (prompt_id,))
        return prompt_record(rows[0]) if rows else None

    def prompts(self, since: datetime | None = None) -> list[PromptRecord]:
        """Prompts due at or after ``since`` (all when None), oldest first."""
        # At once, not streamed: the tray reads here, and its writes must not land mid-read.
        with self._lock:
            rows = self._rows.tuples().execute(
                newest_sql("prompts", self._prompt_cells, "due_at", False, False),
                (floor(since),)).fetchall()
        return [prompt_from_cells(row) for row in rows]

    def prompt_rows(self, since: datetime | None = None, *, newest_first: bool = False,
                    limit: int | None = None) -> Iterator[tuple[Cell, ...]]:
        """Prompts due at or after ``since`` (all when None) as stored: their cells in
        PROMPT_COLUMNS order, which is the export format; only the newest ``limit`` when
        given; listed oldest first, or newest first. Streamed: memory stays flat however long
        the log."""
        return self._rows.stream(
            newest_sql("prompts", self._prompt_cells, "due_at", newest_first,
                        limit is not None),
            (floor(since), *limit_params(limit)))

    def prompt_json(self, since: datetime | None = None, *,
                    fields: Sequence[str] = PROMPT_COLUMNS,
                    limit: int | None = None) -> Iterator[str]:
        """The prompts :meth:`prompt_rows` reads (oldest first), each as one JSON object of
        ``fields`` (a subset of PROMPT_COLUMNS, in that order), without a newline. Streamed."""
        return self._rows.json("prompts", "due_at", self._prompt_sql, fields, since, limit)

    def last_prompt_id(self) -> int:
        """The greatest prompt id so far (0 in an empty log): every row added later has a
        greater one."""
        rows = self._read("SELECT coalesce(max(id), 0) AS n FROM prompts", ())
        return int(rows[0]["n"])

    def outcome_counts(self, since: datetime | None = None) -> dict[Outcome | None, int]:
        """How many prompts due at or after ``since`` ended each way (None: still open)."""
        rows = self._read("SELECT outcome, count(*) AS n FROM prompts WHERE due_at >= ? "
                          "GROUP BY outcome", (floor(since),))
        return {outcome_of(row["outcome"]): int(row["n"]) for row in rows}

    def open_prompts(self) -> list[PromptRecord]:
        """Prompts without an outcome yet, oldest first."""
        rows = self._read(f"SELECT {self._prompt_cells} FROM prompts WHERE outcome IS NULL "
                          "ORDER BY id", ())
        return [prompt_record(row) for row in rows]

    def close_dangling(self, now: datetime) -> int:
        """Close rows a crash left open as ignored/crashed, ended ``now``; returns how many.

        Call once at start-up, after taking the single-instance lock, so no live prompt is open.
        """
        cursor = self._write(
            "UPDATE prompts SET outcome = ?, reason = ?, ended_at = ? WHERE outcome IS NULL",
            (Outcome.IGNORED.value, Reason.CRASHED.value, to_text(now, "now")),
        )
        return cursor.rowcount

    # -- app events --------------------------------------------------------------------------

    def add_event(self, event: AppEvent) -> None:
        """Record something that happened to the app (start, stop, pause, error, ...)."""
        self._write("INSERT INTO events (at, event, detail) VALUES (:at, :event, :detail)",
                    event_row(event))

    def events(self, since: datetime | None = None) -> list[AppEvent]:
        """App events at or after ``since`` (all when None), oldest first."""
        rows = self._read("SELECT * FROM events WHERE at >= ? ORDER BY at, id", (floor(since),))
        return [event_record(row) for row in rows]

    def event_rows(self, since: datetime | None = None, *, newest_first: bool = False,
                   limit: int | None = None) -> Iterator[tuple[Cell, ...]]:
        """App events at or after ``since`` as stored (cells in EVENT_COLUMNS order), streamed
        like :meth:`prompt_rows`."""
        return self._rows.stream(
            newest_sql("events", _EVENT_CELLS, "at", newest_first, limit is not None),
            (floor(since), *limit_params(limit)))

    def event_json(self, since: datetime | None = None, *,
                   limit: int | None = None) -> Iterator[str]:
        """The app events :meth:`event_rows` reads (oldest first), each as one JSON object of
        EVENT_COLUMNS, without a newline. Streamed."""
        return self._rows.json("events", "at", {col: col for col in EVENT_COLUMNS}, EVENT_COLUMNS,
                          since, limit)

    def event_count(self, since: datetime | None = None) -> int:
        """How many app events there are at or after ``since``."""
        rows = self._read("SELECT count(*) AS n FROM events WHERE at >= ?", (floor(since),))
        return int(rows[0]["n"])

    # -- reading -----------------------------------------------------------------------------

    @contextmanager
    def snapshot(self) -> Iterator[Store]:
        """Reads made inside see the log as one moment (a read transaction), so that a count
        and the rows it counts agree while the tray goes on writing. For readers."""
        with self._lock:
            self._conn.execute("BEGIN")
        try:
            yield self
        finally:
            with self._lock:
                self._conn.execute("COMMIT")

    # -- lifetime ----------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection (the last one to close also checkpoints and removes the WAL)."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, err: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _write(self, sql: str, params: Any) -> sqlite3.Cursor:
        # The connection is in autocommit mode: one statement is one transaction, committed
        # (and, with synchronous=FULL, synced) before this returns, or not at all.
        with self._lock:
            try:
                return self._conn.execute(sql, params)
            except sqlite3.OperationalError as err:
                refused = not_written(self.path, err)
                if refused is None or self._reader:
                    raise
                raise refused from err

    def _read(self, sql: str, params: Any) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._conn.execute(sql, params).fetchall())
