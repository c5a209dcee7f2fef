"""The log's streamed reads: rows fetched a chunk at a time as tuples (the export format) or as
JSON objects (SQLite's json_object, else Python's encoder), and the SQL they run: rows at or
after a time, oldest or newest first, the newest few. Store in store/prompt_log.py asks here.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import suppress
from datetime import datetime
from typing import Any

from traybreak.store.schema import Cell, to_text

__all__ = ["RowStream", "columns_as_stored", "floor", "limit_params", "newest_sql"]

_STREAM_CHUNK = 500  # rows fetched at a time while streaming: memory stays flat, calls few
# SQLite's JSON function (in every build since 3.38, and in most before as JSON1): rows come out
# as JSON text three times faster than Python builds and encodes a dict per row.
_JSON_OBJECT = "json_object"


class RowStream:
    """Streamed reads on the log's connection; ``lock`` is the Store's, held per call to SQLite
    so that the tray's writes go on between chunks."""

    def __init__(self, conn: sqlite3.Connection, lock: threading.Lock) -> None:
        self._conn = conn
        self._lock = lock

    def tuples(self) -> sqlite3.Cursor:
        """A cursor whose rows are plain tuples: no dict per row. Call holding the lock."""
        cursor = self._conn.cursor()
        cursor.row_factory = None
        return cursor

    def stream(self, sql: str, params: Any) -> Iterator[tuple[Cell, ...]]:
        """The rows of ``sql`` as tuples, fetched a chunk at a time (the query runs now)."""
        with self._lock:
            cursor = self.tuples()
            cursor.execute(sql, params)
        return self._chunks(cursor)

    def json(self, table: str, time: str, columns: Mapping[str, str], fields: Sequence[str],
             since: datetime | None, limit: int | None) -> Iterator[str]:
        """``fields`` of ``table`` as JSON objects; ``columns``: what each is read as."""
        unknown = [field for field in fields if field not in columns]
        if unknown:
            raise ValueError(f"no column {', '.join(unknown)} in the log's {table}")
        params = (floor(since), *limit_params(limit))
        pairs = ", ".join(f"'{field}', {columns[field]}" for field in fields)
        try:
            rows = self.stream(newest_sql(table, f"{_JSON_OBJECT}({pairs})", time, False,
                                          limit is not None), params)
        except sqlite3.OperationalError as err:
            if _JSON_OBJECT not in str(err):
                raise
            # An SQLite built without JSON: the same objects from Python's encoder.
            encode = json.JSONEncoder(ensure_ascii=False).encode
            cells = self.stream(newest_sql(table, ", ".join(columns[f] for f in fields), time,
                                           False, limit is not None), params)
            return (encode(dict(zip(fields, row, strict=True))) for row in cells)
        return (str(row[0]) for row in rows)

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


def columns_as_stored(conn: sqlite3.Connection, table: str,
                      columns: Sequence[str]) -> dict[str, str]:
    """Each of ``columns`` -> the SQL that reads it from ``table``: its name, or NULL when the
    table has no such column yet (schema 1 had no prompts.feedback or prompts.level)."""
    cursor = conn.cursor()
    cursor.row_factory = None
    present = {row[1] for row in cursor.execute(f"PRAGMA table_info({table})")}
    return {col: col if col in present else "NULL" for col in columns}


def newest_sql(table: str, cells: str, time: str, newest_first: bool, limited: bool) -> str:
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


def floor(since: datetime | None) -> str:
    """The lowest time text a ``since`` lets through ("" lets everything through)."""
    return "" if since is None else to_text(since, "since")


def limit_params(limit: int | None) -> tuple[int, ...]:
    """The LIMIT parameter for at most ``limit`` rows: none when None."""
    if limit is None:
        return ()
    if limit < 0:
        raise ValueError(f"limit cannot be negative (got {limit})")
    return (limit,)
