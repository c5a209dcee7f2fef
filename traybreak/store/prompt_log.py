"""The prompt log: one SQLite file (WAL) of prompt records and app events. The only sqlite3 import.

Opening checks the file, migrates it to the latest schema (PRAGMA user_version), and sets a file
that is not a readable database aside as NAME.corrupt-<timestamp> before starting a fresh one.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from traybreak.core.model import AppEvent, Outcome, PromptRecord, Reason
from traybreak.errors import ExitStatus, UserError
from traybreak.store.log_path import LogUnusableError, folder_at, unusable
from traybreak.store.schema import (
    EVENT_COLUMNS,
    LATEST_VERSION,
    MIGRATIONS,
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

__all__ = ["LogMissingError", "LogNewerError", "LogUnreadableError", "LogUnusableError", "Store"]

logger = logging.getLogger(__name__)

_MAGIC = b"SQLite format 3\x00"
_BUSY_TIMEOUT_S = 5.0  # the tray writes while a CLI reader reads; WAL makes waits rare and short
_UNREADABLE_CODES = frozenset({sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB})
_SIDECARS = ("-wal", "-shm")
_UPDATE = ", ".join(f"{col} = :{col}" for col in PROMPT_COLUMNS if col != "id")
_EVENT_CELLS = ", ".join(EVENT_COLUMNS)
#: The page cache of a writer's connection (the tray's), in KiB; readers keep SQLite's 2 MB.
WRITER_CACHE_KB = 256
_STREAM_CHUNK = 500  # rows fetched at a time while streaming: memory stays flat, calls few
# SQLite's JSON function (in every build since 3.38, and in most before as JSON1): rows come out
# as JSON text three times faster than Python builds and encodes a dict per row.
_JSON_OBJECT = "json_object"


class LogMissingError(UserError):
    """A reader asked for a log that does not exist yet (readers never create one)."""


class LogNewerError(UserError):
    """The log's schema is newer than this traybreak knows; it is refused and left untouched."""


class LogUnreadableError(UserError):
    """A reader found a file that is not a readable database (only the tray sets it aside)."""


class LogNotWritten(UserError):
    """The log refused a write for now: a full disk, a read-only file or file system, an I/O
    error, or another program holding it locked. Nothing was written; the same write may work
    later. ``why`` is the cause in a few words ("disk full")."""

    def __init__(self, path: Path, why: str) -> None:
        super().__init__(f"cannot write to the log at {path}: {why} ({_FIX[why]})",
                         ExitStatus.FAILURE)
        self.why = why


#: Why a write failed, by SQLite's primary result code; other errors are bugs, not the disk's.
_NOT_WRITTEN = {
    sqlite3.SQLITE_FULL: "disk full",
    sqlite3.SQLITE_IOERR: "disk I/O error",
    sqlite3.SQLITE_READONLY: "read-only",
    sqlite3.SQLITE_CANTOPEN: "cannot open its files",
    sqlite3.SQLITE_BUSY: "locked by another program",
    sqlite3.SQLITE_LOCKED: "locked by another program",
}
_FIX = {
    "disk full": "free some space on that disk",
    "disk I/O error": "check the disk",
    "read-only": "make the file and its folder writable",
    "cannot open its files": "check the folder's permissions",
    "locked by another program": "close the program that has it open",
}


class _Unreadable(Exception):
    """Internal: the file is not a readable SQLite database; the message says how it failed."""


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
        self.path = path
        self.set_aside = set_aside
        # What each prompts column is read as: itself, or NULL for a column the log does not
        # have yet (a log at an older schema, which a reader reads as it is).
        self._prompt_sql = _columns_as_stored(conn, "prompts", PROMPT_COLUMNS)
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
            return cls(_usable(_open_reader, path, writing=False), path, reader=True)
        try:
            return cls(_usable(_open_writer, path, writing=True), path)
        except _Unreadable as problem:
            kept = _set_aside(path, clock())
            logger.warning(
                "the log at %s was not a readable database (%s); kept it as %s, starting a new "
                "log", path, problem, kept,
            )
        try:
            store = cls(_usable(_open_writer, path, writing=True), path, set_aside=kept)
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
        rows = self._read(f"SELECT {self._prompt_cells} FROM prompts WHERE id = ?",
                          (prompt_id,))
        return prompt_record(rows[0]) if rows else None

    def prompts(self, since: datetime | None = None) -> list[PromptRecord]:
        """Prompts due at or after ``since`` (all when None), oldest first."""
        # At once, not streamed: the tray reads here, and its writes must not land mid-read.
        with self._lock:
            rows = self._tuples().execute(
                _newest_sql("prompts", self._prompt_cells, "due_at", False, False),
                (_floor(since),)).fetchall()
        return [prompt_from_cells(row) for row in rows]

    def prompt_rows(self, since: datetime | None = None, *, newest_first: bool = False,
                    limit: int | None = None) -> Iterator[tuple[Cell, ...]]:
        """Prompts due at or after ``since`` (all when None) as stored: their cells in
        PROMPT_COLUMNS order, which is the export format; only the newest ``limit`` when
        given; listed oldest first, or newest first. Streamed: memory stays flat however long
        the log."""
        return self._stream(
            _newest_sql("prompts", self._prompt_cells, "due_at", newest_first,
                        limit is not None),
            (_floor(since), *_limit(limit)))

    def prompt_json(self, since: datetime | None = None, *,
                    fields: Sequence[str] = PROMPT_COLUMNS,
                    limit: int | None = None) -> Iterator[str]:
        """The prompts :meth:`prompt_rows` reads (oldest first), each as one JSON object of
        ``fields`` (a subset of PROMPT_COLUMNS, in that order), without a newline. Streamed."""
        return self._json("prompts", "due_at", self._prompt_sql, fields, since, limit)

    def last_prompt_id(self) -> int:
        """The greatest prompt id so far (0 in an empty log): every row added later has a
        greater one."""
        rows = self._read("SELECT coalesce(max(id), 0) AS n FROM prompts", ())
        return int(rows[0]["n"])

    def outcome_counts(self, since: datetime | None = None) -> dict[Outcome | None, int]:
        """How many prompts due at or after ``since`` ended each way (None: still open)."""
        rows = self._read("SELECT outcome, count(*) AS n FROM prompts WHERE due_at >= ? "
                          "GROUP BY outcome", (_floor(since),))
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
        rows = self._read("SELECT * FROM events WHERE at >= ? ORDER BY at, id", (_floor(since),))
        return [event_record(row) for row in rows]

    def event_rows(self, since: datetime | None = None, *, newest_first: bool = False,
                   limit: int | None = None) -> Iterator[tuple[Cell, ...]]:
        """App events at or after ``since`` as stored (cells in EVENT_COLUMNS order), streamed
        like :meth:`prompt_rows`."""
        return self._stream(
            _newest_sql("events", _EVENT_CELLS, "at", newest_first, limit is not None),
            (_floor(since), *_limit(limit)))

    def event_json(self, since: datetime | None = None, *,
                   limit: int | None = None) -> Iterator[str]:
        """The app events :meth:`event_rows` reads (oldest first), each as one JSON object of
        EVENT_COLUMNS, without a newline. Streamed."""
        return self._json("events", "at", {col: col for col in EVENT_COLUMNS}, EVENT_COLUMNS,
                          since, limit)

    def event_count(self, since: datetime | None = None) -> int:
        """How many app events there are at or after ``since``."""
        rows = self._read("SELECT count(*) AS n FROM events WHERE at >= ?", (_floor(since),))
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
                why = _NOT_WRITTEN.get(err.sqlite_errorcode & 0xFF)
                if why is None or self._reader:
                    raise
                raise LogNotWritten(self.path, why) from err

    def _read(self, sql: str, params: Any) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._conn.execute(sql, params).fetchall())

    def _stream(self, sql: str, params: Any) -> Iterator[tuple[Cell, ...]]:
        """The rows of ``sql`` as tuples, fetched a chunk at a time (the query runs now)."""
        with self._lock:
            cursor = self._tuples()
            cursor.execute(sql, params)
        return self._chunks(cursor)

    def _json(self, table: str, time: str, columns: Mapping[str, str], fields: Sequence[str],
              since: datetime | None, limit: int | None) -> Iterator[str]:
        """``fields`` of ``table`` as JSON objects; ``columns``: what each is read as."""
        unknown = [field for field in fields if field not in columns]
        if unknown:
            raise ValueError(f"no column {', '.join(unknown)} in the log's {table}")
        params = (_floor(since), *_limit(limit))
        pairs = ", ".join(f"'{field}', {columns[field]}" for field in fields)
        try:
            rows = self._stream(_newest_sql(table, f"{_JSON_OBJECT}({pairs})", time, False,
                                            limit is not None), params)
        except sqlite3.OperationalError as err:
            if _JSON_OBJECT not in str(err):
                raise
            # An SQLite built without JSON: the same objects from Python's encoder.
            encode = json.JSONEncoder(ensure_ascii=False).encode
            cells = self._stream(_newest_sql(table, ", ".join(columns[f] for f in fields), time,
                                             False, limit is not None), params)
            return (encode(dict(zip(fields, row, strict=True))) for row in cells)
        return (str(row[0]) for row in rows)

    def _tuples(self) -> sqlite3.Cursor:
        cursor = self._conn.cursor()
        cursor.row_factory = None  # plain tuples: no dict per row
        return cursor

    def _chunks(self, cursor: sqlite3.Cursor) -> Iterator[tuple[Cell, ...]]:
        try:
            while True:
                with self._lock:
                    rows = cursor.fetchmany(_STREAM_CHUNK)
                if not rows:
                    return
                yield from rows
                del rows  # before the next chunk comes: one chunk in memory at a time
        finally:
            with self._lock, suppress(sqlite3.ProgrammingError):  # the store closed first
                cursor.close()


def _columns_as_stored(conn: sqlite3.Connection, table: str,
                       columns: Sequence[str]) -> dict[str, str]:
    """Each of ``columns`` -> the SQL that reads it from ``table``: its name, or NULL when the
    table has no such column yet (schema 1 had no prompts.feedback or prompts.level)."""
    cursor = conn.cursor()
    cursor.row_factory = None
    present = {row[1] for row in cursor.execute(f"PRAGMA table_info({table})")}
    return {col: col if col in present else "NULL" for col in columns}


def _newest_sql(table: str, cells: str, time: str, newest_first: bool, limited: bool) -> str:
    """``cells`` of the rows of ``table`` at or after a ``time`` (the first parameter), in time
    order (then by id) or newest first; when ``limited``, only the newest of them, up to a LIMIT
    (the second parameter)."""
    order = "DESC" if newest_first else ""
    select = (f"SELECT {cells} FROM {table} WHERE {time} >= ? "
              f"ORDER BY {time} {order}, id {order}")
    if not limited:
        return select
    if newest_first:
        return select + " LIMIT ?"
    # The newest few, listed oldest first: only they are sorted again.
    return (f"SELECT {cells} FROM {table} WHERE id IN (SELECT id FROM {table} WHERE {time} >= ? "
            f"ORDER BY {time} DESC, id DESC LIMIT ?) ORDER BY {time}, id")


def _floor(since: datetime | None) -> str:
    """The lowest time text a ``since`` lets through ("" lets everything through)."""
    return "" if since is None else to_text(since, "since")


def _limit(limit: int | None) -> tuple[int, ...]:
    """The LIMIT parameter for at most ``limit`` rows: none when None."""
    if limit is None:
        return ()
    if limit < 0:
        raise ValueError(f"limit cannot be negative (got {limit})")
    return (limit,)


def _usable(opener: Callable[[Path], sqlite3.Connection], path: Path, *,
            writing: bool) -> sqlite3.Connection:
    """``opener(path)``, with an OSError or SQLite error told in words (store/log_path.py)."""
    try:
        return opener(path)
    except OSError as err:
        raise unusable(path, err, writing=writing) from err
    except sqlite3.Error as err:
        code = (getattr(err, "sqlite_errorcode", None) or 0) & 0xFF  # the primary code
        # A full disk is SQLITE_FULL when SQLite writes pages, but a plain I/O error when it
        # cannot size its -shm file: that one is weighed against the free space.
        full = True if code == sqlite3.SQLITE_FULL else None if code == sqlite3.SQLITE_IOERR \
            else False
        raise unusable(path, err, writing=writing, full=full) from err


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
        # SQLite keeps up to 2 MB of pages by default, and the tray's connection lives for
        # days: as the log grew, the cache did, by the page, a few KB a minute at the shortest
        # intervals (issue 18 point 10). The tray writes a row at a time and reads today's rows
        # once; the rest of a read comes from the OS's file cache just as fast.
        conn.execute(f"PRAGMA cache_size = -{WRITER_CACHE_KB}")
        _migrate(conn, version)
        _check_writable(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def _check_writable(conn: sqlite3.Connection) -> None:
    """SQLite opens a file it may not write read-only without a word: find out now, not at the
    first row. Writes the version it has (a real write, needing write access), then rolls back."""
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as err:
        if (err.sqlite_errorcode & 0xFF) == sqlite3.SQLITE_BUSY:
            return  # another writer holds it past the busy timeout: it is writable, then
        raise
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()["user_version"])
        conn.execute(f"PRAGMA user_version = {version}")
    finally:
        conn.execute("ROLLBACK")


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
    folder = folder_at(path)
    if folder is not None:  # not "no log yet": there is something in the way (#18)
        raise folder
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
