"""`traybreak log` and `traybreak export`: read the prompt log (read-only) and print or export it.

Both only read: a missing log is never created (store.Store.open(create=False)). A user with no
log yet has no records: machine output (``--json``, ``export``) is then empty and exits 0.
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any

from traybreak import paths
from traybreak.cli.common import add_command
from traybreak.core.durations import DurationError, parse_duration
from traybreak.core.model import AppEvent, Outcome, PromptRecord
from traybreak.errors import UserError
from traybreak.store.prompt_log import LogMissingError, Store
from traybreak.store.schema import EVENT_COLUMNS, PROMPT_COLUMNS, Cell, event_row, prompt_row

logger = logging.getLogger(__name__)

# `log --json` keeps to the documented prompt fields; `export` adds the free-text detail column.
JSON_FIELDS: tuple[str, ...] = tuple(col for col in PROMPT_COLUMNS if col != "detail")
_NONE = "-"
# JSON output is one object per line everywhere (`log --json`, `export --format json`), so a
# line-reading script works on both; "jsonl" names the same thing.
EXPORT_FORMATS = ("csv", "json", "jsonl")


def register(subparsers: Any) -> None:
    """Add the `log` and `export` subcommands."""
    log = add_command(
        subparsers, "log", "show the prompt log", _run_log,
        description="Show every prompt traybreak logged (oldest first, local times) and what "
        "happened to it, with a summary line; or the app's own events with --events.",
    )
    _add_selection(log)
    log.add_argument("--json", action="store_true",
                     help="one JSON object per line (fields: " + ", ".join(JSON_FIELDS) + ")")
    export = add_command(
        subparsers, "export", "write the prompt log as CSV or JSON lines", _run_export,
        description="Write the whole log (or part of it) to stdout or a file. Times are ISO-8601 "
        "in UTC. Columns: " + ", ".join(PROMPT_COLUMNS) + ".",
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


def _load(args: argparse.Namespace) -> tuple[list[PromptRecord] | list[AppEvent], str] | None:
    """The selected records and a phrase naming the selection for messages; None when there is
    no log yet (a new user: nothing recorded, not an error)."""
    since = since_moment(args.since, datetime.now().astimezone())
    try:
        with Store.open(paths.log_db(), create=False) as store:
            records = store.events(since) if args.events else store.prompts(since)
    except LogMissingError:
        return None
    scope = "" if since is None else f" since {_local(since)}"
    return records, scope


def _run_log(args: argparse.Namespace) -> int:
    loaded = _load(args)
    if loaded is None:
        if not args.json:
            print(f"no log yet at {paths.log_db()} (traybreak has not recorded anything)")
        return 0
    records, scope = loaded
    out = sys.stdout
    if args.json:
        fields = EVENT_COLUMNS if args.events else JSON_FIELDS
        for row in _rows(records):
            out.write(json.dumps({key: row[key] for key in fields}, ensure_ascii=False) + "\n")
    elif args.events:
        events = [r for r in records if isinstance(r, AppEvent)]
        _print_table(out, ("when", "event", "detail"),
                     [(_local(e.at), e.event, e.detail or _NONE) for e in events])
        print(f"{_plural(len(events), 'event')}{scope}", file=out)
    else:
        prompts = [r for r in records if isinstance(r, PromptRecord)]
        _print_table(out, ("due", "kind", "rule", "exercise", "outcome", "reason", "snoozes",
                           "level", "feedback"),
                     [_prompt_cells(p) for p in prompts])
        print(summary(prompts, scope), file=out)
    return 0


def _prompt_cells(record: PromptRecord) -> tuple[str, ...]:
    return (
        _local(record.due_at), record.kind or _NONE, record.rule, record.exercise_id or _NONE,
        record.outcome or "open", record.reason or _NONE, str(record.snoozes),
        _NONE if record.level is None else str(record.level),
        record.feedback.value.replace("_", " ") if record.feedback else _NONE,
    )


def summary(prompts: Sequence[PromptRecord], scope: str = "") -> str:
    """E.g. "12 prompts: 8 done · 2 skipped · 1 ignored · 1 natural" (zero counts left out).

    ``scope`` follows the count, e.g. " since 2024-05-01 00:00".
    """
    counts = Counter(p.outcome for p in prompts)
    parts = [f"{counts[o]} {o.value}" for o in Outcome if counts[o]]
    if counts[None]:
        parts.append(f"{counts[None]} open")
    head = _plural(len(prompts), "prompt") + scope
    return f"{head}: {' · '.join(parts)}" if parts else head


def _print_table(out: IO[str], header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    if not rows:
        return
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(len(header))]
    for row in (header, *rows):
        out.write("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        out.write("\n")


def _run_export(args: argparse.Namespace) -> int:
    loaded = _load(args)
    records = loaded[0] if loaded is not None else []
    columns = EVENT_COLUMNS if args.events else PROMPT_COLUMNS
    rows = _rows(records)
    if args.output is None:
        _write(sys.stdout, args.format, columns, rows)
        return 0
    target = Path(args.output).expanduser()
    _write_file(target, args.format, columns, rows, force=args.force)
    noun = "event" if args.events else "prompt"
    print(f"wrote {_plural(len(rows), noun)} to {target}")
    return 0


def _write_file(
    target: Path, fmt: str, columns: Sequence[str], rows: list[dict[str, Cell]], *, force: bool
) -> None:
    """Write to ``target``; an existing file is refused, or with ``force`` replaced atomically."""
    partial = target.with_name(f".{target.name}.partial") if force else target
    try:
        with partial.open("w" if force else "x", encoding="utf-8", newline="") as out:
            _write(out, fmt, columns, rows)
        if force:
            os.replace(partial, target)
    except FileExistsError:
        raise UserError(f"{target} already exists: add --force to overwrite it, "
                        "or choose another file") from None
    except OSError as err:
        if force:
            partial.unlink(missing_ok=True)
        raise UserError(f"cannot write {target}: {err.strerror or err}") from None


def _write(out: IO[str], fmt: str, columns: Sequence[str], rows: Iterable[dict[str, Cell]]) -> None:
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows({key: row[key] for key in columns} for row in rows)
    else:
        for row in rows:
            out.write(json.dumps({key: row[key] for key in columns}, ensure_ascii=False) + "\n")


def _rows(records: Sequence[PromptRecord | AppEvent]) -> list[dict[str, Cell]]:
    return [event_row(r) if isinstance(r, AppEvent) else prompt_row(r) for r in records]


def _local(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"
