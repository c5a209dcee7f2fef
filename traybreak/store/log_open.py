"""Opening the log's SQLite file: the tray's writer connection (created if missing, migrated to
the latest schema, checked writable) and a CLI reader's (read-only, never creating or changing
anything), after a read-only probe of the file that tells an unreadable one (to set aside) from a
newer one (refused). Store in store/prompt_log.py runs the queries on the connection made here.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

from traybreak.errors import ExitStatus
from traybreak.store.log_errors import LogMissingError, LogNewerError, LogUnreadableError
from traybreak.store.log_path import folder_at, unusable
from traybreak.store.schema import LATEST_VERSION, MIGRATIONS

__all__ = ["WRITER_CACHE_KB", "Unreadable", "open_reader", "open_writer", "usable"]

logger = logging.getLogger(__name__)

_MAGIC = b"SQLite format 3\x00"
_BUSY_TIMEOUT_S = 5.0  # the tray writes while a CLI reader reads; WAL makes waits rare and short
_UNREADABLE_CODES = frozenset({sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB})
#: The page cache of a writer's connection (the tray's), in KiB; readers keep SQLite's 2 MB.
WRITER_CACHE_KB = 256


class Unreadable(Exception):
    """The file is not a readable SQLite database; the message says how it failed."""


def usable(opener: Callable[[Path], sqlite3.Connection], path: Path, *,
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

    Raises Unreadable (not SQLite, truncated, integrity check failed) or LogNewerError. The
    probe is read-only because closing a read-write connection would checkpoint a WAL into a
    damaged file and delete the WAL, and both must be kept as they were.
    """
    with path.open("rb") as f:
        head = f.read(100)
    if not head:
        return 0  # an empty file is a fresh log
    if len(head) < 100 or not head.startswith(_MAGIC):
        raise Unreadable("no SQLite header" if len(head) >= 100 else "file too short for SQLite")
    _refuse_newer(path, int.from_bytes(head[60:64], "big"))  # user_version, before any connect
    conn = _connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()["user_version"])
        _refuse_newer(path, version)  # the WAL may hold a newer header than the file
        verdict = [str(*row.values()) for row in conn.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as err:  # only "not a database" / "malformed" mean unreadable
        if err.sqlite_errorcode not in _UNREADABLE_CODES:
            raise
        raise Unreadable(str(err)) from err
    finally:
        conn.close()
    if verdict != ["ok"]:
        raise Unreadable(f"integrity check failed: {verdict[0]}")
    return version


def _refuse_newer(path: Path, version: int) -> None:
    if version > LATEST_VERSION:
        raise LogNewerError(
            f"the log at {path} was written by a newer traybreak (log format {version}, this "
            f"version knows up to {LATEST_VERSION}): upgrade traybreak, or move the file away",
            ExitStatus.FAILURE,
        )


def open_writer(path: Path) -> sqlite3.Connection:
    """Open (creating if missing) and migrate; raises Unreadable for a file to set aside."""
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


def open_reader(path: Path) -> sqlite3.Connection:
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
    except Unreadable as problem:
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


