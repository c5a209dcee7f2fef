"""`traybreak log` and `traybreak export`: read the prompt log (read-only) and print or export it.

Both only read: a missing log is never created (store.Store.open(create=False)). A user with no
log yet has no records: machine output (``--json``, ``export``) is then empty and exits 0.

Both stream: rows go from SQLite to the output as they are read, as the text the log keeps (which
is the export format), so a year of log costs no more memory than a day. The table of `log` is a
page of the newest rows unless ``--all``, printed by cli/log_table.py; its column widths come
from a first pass over the same rows, in the same read transaction.
"""

from __future__ import annotations

import argparse
import csv
import logging
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any, Generic, TypeVar

from traybreak import paths
from traybreak.cli.common import add_command, plural
from traybreak.core.durations import DurationError, parse_duration
from traybreak.errors import UserError
from traybreak.store.prompt_log import LogMissingError, Store
from traybreak.store.schema import EVENT_COLUMNS, PROMPT_COLUMNS

logger = logging.getLogger(__name__)
T = TypeVar("T")

# `log --json` keeps to the documented prompt fields; `export` adds the free-text detail column.
JSON_FIELDS: tuple[str, ...] = tuple(col for col in PROMPT_COLUMNS if col != "detail")
#: How many of the newest rows the table of `traybreak log` shows without --limit or --all.
PAGE = 50
# JSON output is one object per line everywhere (`log --json`, `export --format json`), so a
# line-reading script works on both; "jsonl" names the same thing.
EXPORT_FORMATS = ("csv", "json", "jsonl")


def register(subparsers: Any) -> None:
    """Add the `log` and `export` subcommands."""
    log = add_command(
        subparsers, "log", "show the prompt log", _run_log,
        description=f"Show the prompts traybreak logged, newest first (local times), and what "
        f"happened to each, with a summary of them all: the newest {PAGE} unless --limit or "
        "--all; or the app's own events with --events. With --json, every selected row, "
        "oldest first, as `export --format json` writes them (--limit: only the newest N).",
    )
    _add_selection(log)
    page = log.add_mutually_exclusive_group()
    page.add_argument("-n", "--limit", type=_count, metavar="N",
                      help=f"only the newest N rows (the table's default: {PAGE})")
    page.add_argument("--all", action="store_true", help="every row, not only the newest page")
    log.add_argument("--json", action="store_true",
                     help="one JSON object per line (fields: " + ", ".join(JSON_FIELDS) + ")")
    export = add_command(
        subparsers, "export", "write the prompt log as CSV or JSON lines", _run_export,
        description="Write the whole log (or part of it), oldest first, to stdout or a file. "
        "Times are ISO-8601 in UTC. Columns: " + ", ".join(PROMPT_COLUMNS) + ".",
    )
    export.add_argument("--format", default="csv", choices=EXPORT_FORMATS,
                        help="csv (the default, with a header row) or json: one JSON object per "
                        "line, as `log --json` prints (jsonl is the same)")
    export.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    export.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    _add_selection(export)


def _add_selection(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", metavar="WHEN",
                        help='only the last WHEN ("7d", "12h") or since a date (2024-05-01)')
    parser.add_argument("--events", action="store_true",
                        help="the app's events (start, stop, pause, errors) instead of prompts")


def since_moment(text: str | None, now: datetime) -> datetime | None:
    """``--since``: a duration back from ``now`` ("7d"), or local midnight of a date."""
    if text is None:
        return None
    try:
        return now - parse_duration(text)
    except DurationError as problem:
        try:
            day = date.fromisoformat(text.strip())
        except ValueError:
            raise UserError(f"--since: {problem}, or give a date like 2024-05-01") from None
    return datetime.combine(day, time()).astimezone()  # naive local midnight -> aware


def _count(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of rows, 1 or more, got "
                                         f"{text!r}")
    return int(text)


def _open_log() -> Store | None:
    """The log, read-only; None when there is none yet (a new user: nothing recorded, not an
    error)."""
    try:
        return Store.open(paths.log_db(), create=False)
    except LogMissingError:
        return None


def _since(args: argparse.Namespace) -> datetime | None:
    return since_moment(args.since, datetime.now().astimezone())


def _run_log(args: argparse.Namespace) -> int:
    since = _since(args)
    store = _open_log()
    if store is None:
        if not args.json:
            print(f"no log yet at {paths.log_db()} (traybreak has not recorded anything)")
        return 0
    with store, store.snapshot():
        if args.json:
            _print_json(store, args, since)
        else:
            # Imported here: `export` and `log --json` never need the table, and a command loads
            # only what it uses (tests/cli/test_cli.py).
            from traybreak.cli.log_table import print_log_table

            print_log_table(store, since, events=args.events,
                            limit=None if args.all else args.limit or PAGE)
    return 0


def _print_json(store: Store, args: argparse.Namespace, since: datetime | None) -> None:
    """Every selected row, oldest first (only the newest ``--limit`` when given)."""
    lines = (store.event_json(since, limit=args.limit) if args.events
             else store.prompt_json(since, fields=JSON_FIELDS, limit=args.limit))
    _write_lines(sys.stdout, lines)


def _run_export(args: argparse.Namespace) -> int:
    since = _since(args)
    store = _open_log()
    try:
        def write(out: IO[str]) -> int:
            return _export(out, store, args.format, args.events, since)

        if args.output is None:
            write(sys.stdout)
            return 0
        target = Path(args.output).expanduser()
        written = _write_file(target, write, force=args.force)
    finally:
        if store is not None:
            store.close()
    noun = "event" if args.events else "prompt"
    print(f"wrote {plural(written, noun)} to {target}")
    return 0


def _export(out: IO[str], store: Store | None, fmt: str, events: bool,
            since: datetime | None) -> int:
    """Write the prompts (or events) since ``since`` as CSV with a header row or as JSON lines,
    oldest first, as they are read; returns how many rows. No store: no rows."""
    if fmt != "csv":
        if store is None:
            return 0
        return _write_lines(out, store.event_json(since) if events else store.prompt_json(since))
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EVENT_COLUMNS if events else PROMPT_COLUMNS)
    if store is None:
        return 0
    rows = _Counted(store.event_rows(since) if events else store.prompt_rows(since))
    writer.writerows(rows)
    return rows.count


def _write_lines(out: IO[str], lines: Iterable[str]) -> int:
    """Write each of ``lines`` with a newline; returns how many."""
    counted = _Counted(lines)
    out.writelines(line + "\n" for line in counted)
    return counted.count


def _write_file(target: Path, write: Callable[[IO[str]], int], *, force: bool) -> int:
    """``write`` to ``target`` and return what it returns; an existing file is refused, or with
    ``force`` replaced atomically."""
    partial = target.with_name(f".{target.name}.partial") if force else target
    try:
        with partial.open("w" if force else "x", encoding="utf-8", newline="") as out:
            written = write(out)
        if force:
            os.replace(partial, target)
    except FileExistsError:
        raise UserError(f"{target} already exists: add --force to overwrite it, "
                        "or choose another file") from None
    except OSError as err:
        if force:
            partial.unlink(missing_ok=True)
        raise UserError(f"cannot write {target}: {err.strerror or err}") from None
    return written


class _Counted(Generic[T]):
    """Passes items through, counting them (``count``)."""

    def __init__(self, items: Iterable[T]) -> None:
        self.items, self.count = items, 0

    def __iter__(self) -> Iterator[T]:
        for item in self.items:
            self.count += 1
            yield item
