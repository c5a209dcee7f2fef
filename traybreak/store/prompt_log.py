"""The prompt log: one SQLite file (WAL) of prompt records and app events. The only sqlite3 import.

Opening checks the file, migrates it to the latest schema (PRAGMA user_version), and sets a file
that is not a readable database aside as NAME.corrupt-<timestamp> before starting a fresh one.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Callable
from contextlib import suppress
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from traybreak.core.model import AppEvent, Outcome, PromptRecord, Reason
from traybreak.errors import ExitStatus, UserError
from traybreak.store.schema import (
    LATEST_VERSION,
    MIGRATIONS,
    PROMPT_COLUMNS,
    event_record,
    event_row,
    prompt_record,
    prompt_row,
    to_text,
)

logger = logging.getLogger(__name__)

_MAGIC = b"SQLite format 3\x00"
_BUSY_TIMEOUT_S = 5.0  # the tray writes while a CLI reader reads; WAL makes waits rare and short
_UNREADABLE_CODES = frozenset({sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB})
_SIDECARS = ("-wal", "-shm")
_UPDATE = ", ".join(f"{col} = :{col}" for col in PROMPT_COLUMNS if col != "id")


class LogMissingError(UserError):
    """A reader asked for a log that does not exist yet (readers never create one)."""


class LogNewerError(UserError):
    """The log's schema is newer than this traybreak knows; it is refused and left untouched."""


class LogUnreadableError(UserError):
    """A reader found a file that is not a readable database (only the tray sets it aside)."""


class _Unreadable(Exception):
    """Internal: the file is not a readable SQLite database; the message says how it failed."""


def _utcnow() -> datetime:
    return datetime.now(UTC)


class Store:
    """The open log. Safe to share between threads; every write is its own transaction.

    ``set_aside`` is the path an unreadable old log was renamed to while opening, else None.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path, set_aside: Path | None = None) -> None:
        self._conn = conn
        self._lock = threading.Lock()
        self.path = path
        self.set_aside = set_aside

    @classmethod
    def open(
        cls, path: str | os.PathLike[str], *, create: bool = True,
        clock: Callable[[], datetime] = _utcnow,
    ) -> Store:
        """Open the log at ``path``.

        ``create=True`` (the tray): make the file if missing, migrate it, and set an unreadable
        file aside. ``create=False`` (CLI readers): read-only, never creates or renames anything;
        raises LogMissingError, LogUnreadableError or LogNewerError (all UserErrors).
        """
        path = Path(path)
        if not create:
            return cls(_open_reader(path), path)
        try:
            return cls(_open_writer(path), path)
        except _Unreadable as problem:
            kept = _set_aside(path, clock())
            logger.warning(
                "the log at %s was not a readable database (%s); kept it as %s, starting a new "
                "log", path, problem, kept,
            )
        try:
            store = cls(_open_writer(path), path, set_aside=kept)
        except _Unreadable as problem:
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
        rows = self._read("SELECT * FROM prompts WHERE id = ?", (prompt_id,))
        return prompt_record(rows[0]) if rows else None

    def prompts(self, since: datetime | None = None) -> list[PromptRecord]:
        """Prompts due at or after ``since`` (all when None), oldest first."""
        floor = "" if since is None else to_text(since, "since")
        rows = self._read("SELECT * FROM prompts WHERE due_at >= ? ORDER BY due_at, id", (floor,))
        return [prompt_record(row) for row in rows]

    def open_prompts(self) -> list[PromptRecord]:
        """Prompts without an outcome yet, oldest first."""
        rows = self._read("SELECT * FROM prompts WHERE outcome IS NULL ORDER BY id", ())
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
        floor = "" if since is None else to_text(since, "since")
        rows = self._read("SELECT * FROM events WHERE at >= ? ORDER BY at, id", (floor,))
        return [event_record(row) for row in rows]

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
        # (and, with synchronous=FULL, synced) before this returns.
        with self._lock:
            return self._conn.execute(sql, params)

    def _read(self, sql: str, params: Any) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._conn.execute(sql, params).fetchall())


def _connect(target: str, *, uri: bool = False) -> sqlite3.Connection:
    conn = sqlite3.connect(
        target, uri=uri, timeout=_BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
    )
    conn.row_factory = _row_as_dict
    return conn


def _row_as_dict(cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> dict[str, Any]:
    return {column[0]: value for column, value in zip(cursor.description, row, strict=True)}


def _probe(path: Path) -> int:
    """Check the file without changing it; returns its schema version.

    Raises _Unreadable (not SQLite, truncated, integrity check failed) or LogNewerError. The
    probe is read-only because closing a read-write connection would checkpoint a WAL into a
    damaged file and delete the WAL, and both must be kept as they were.
    """
    with path.open("rb") as f:
        head = f.read(100)
    if not head:
        return 0  # an empty file is a fresh log
    if len(head) < 100 or not head.startswith(_MAGIC):
        raise _Unreadable("no SQLite header" if len(head) >= 100 else "file too short for SQLite")
    _refuse_newer(path, int.from_bytes(head[60:64], "big"))  # user_version, before any connect
    conn = _connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()["user_version"])
        _refuse_newer(path, version)  # the WAL may hold a newer header than the file
        verdict = [str(*row.values()) for row in conn.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as err:  # only "not a database" / "malformed" mean unreadable
        if err.sqlite_errorcode not in _UNREADABLE_CODES:
            raise
        raise _Unreadable(str(err)) from err
    finally:
        conn.close()
    if verdict != ["ok"]:
        raise _Unreadable(f"integrity check failed: {verdict[0]}")
    return version


def _refuse_newer(path: Path, version: int) -> None:
    if version > LATEST_VERSION:
        raise LogNewerError(
            f"the log at {path} was written by a newer traybreak (log format {version}, this "
            f"version knows up to {LATEST_VERSION}): upgrade traybreak, or move the file away",
            ExitStatus.FAILURE,
        )


def _open_writer(path: Path) -> sqlite3.Connection:
    """Open (creating if missing) and migrate; raises _Unreadable for a file to set aside."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with suppress(FileExistsError):  # a new log is private; SQLite gives -wal/-shm the same mode
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    version = _probe(path)
    conn = _connect(str(path))
    try:
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()["journal_mode"]
        if mode != "wal":
            logger.warning("the log at %s cannot use WAL (journal_mode=%s)", path, mode)
        # FULL, not NORMAL: NORMAL already survives a killed process, but FULL also keeps
        # the last commits through a power cut or OS crash; it costs ~0.3 ms per write here.
        conn.execute("PRAGMA synchronous = FULL")
        _migrate(conn, version)
    except BaseException:
        conn.close()
        raise
    return conn


def _migrate(conn: sqlite3.Connection, version: int) -> None:
    """Run the migrations after ``version``, each in one transaction with its version bump."""
    for target in range(version + 1, LATEST_VERSION + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have migrated while we waited for the write lock.
            if int(conn.execute("PRAGMA user_version").fetchone()["user_version"]) < target:
                for statement in MIGRATIONS[target - 1]:
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {target}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        logger.info("log schema is now version %d", target)


def _open_reader(path: Path) -> sqlite3.Connection:
    """Open for the CLI; never creates, migrates, renames or writes anything."""
    missing = LogMissingError(
        f"no log yet at {path} (traybreak has not recorded anything)", ExitStatus.FAILURE
    )
    if not path.is_file() or path.stat().st_size == 0:
        raise missing
    try:
        version = _probe(path)
    except _Unreadable as problem:
        raise LogUnreadableError(
            f"the log at {path} is not a readable database ({problem}); traybreak will keep it "
            "aside and start a new one the next time the tray starts", ExitStatus.FAILURE,
        ) from problem
    if version == 0:
        raise missing
    # An older schema is read as it is (the columns added since read as empty); only the tray
    # upgrades a log, so a reader never changes it.
    # mode=rw, not ro: it still never creates the file, and the last connection to close can
    # tidy away the -wal/-shm that any WAL reader makes; query_only forbids our own writes.
    conn = _connect(f"{path.resolve().as_uri()}?mode=rw", uri=True)
    conn.execute("PRAGMA query_only = ON")
    return conn


def _set_aside(path: Path, now: datetime) -> Path:
    """Rename ``path`` (and its -wal/-shm) to NAME.corrupt-<timestamp>[-N]; never overwrites."""
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    serial = 1
    while any(Path(f"{target}{s}").exists() for s in ("", *_SIDECARS)):
        serial += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{serial}")
    try:
        path.rename(target)
        for suffix in _SIDECARS:
            sidecar = Path(f"{path}{suffix}")
            if sidecar.exists():
                sidecar.rename(f"{target}{suffix}")
    except OSError as err:
        raise UserError(
            f"the log at {path} is not a readable database and could not be moved aside "
            f"({err.strerror}): move it away by hand, then start traybreak again",
            ExitStatus.FAILURE,
        ) from err
    return target
