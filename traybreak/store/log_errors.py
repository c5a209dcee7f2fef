"""What the log's failures are called and say: a reader's missing, newer or unreadable log, and a
write the disk refused for now (by SQLite's result code, in words with the fix). All UserErrors.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from traybreak.errors import ExitStatus, UserError

__all__ = ["LogMissingError", "LogNewerError", "LogNotWritten", "LogUnreadableError",
           "not_written"]


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


def not_written(path: Path, err: sqlite3.OperationalError) -> LogNotWritten | None:
    """The LogNotWritten a failed write's error means, or None for an error that is not the
    disk's (a bug, to raise as it is)."""
    why = _NOT_WRITTEN.get(err.sqlite_errorcode & 0xFF)
    return None if why is None else LogNotWritten(path, why)
