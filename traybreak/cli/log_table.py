"""The table `traybreak log` prints: a page of the newest prompts (or app events), newest first,
in local time, in columns as wide as their widest cell, then a summary of every row selected.

The rows are read twice in one read transaction, first to measure the columns, so that none is
held in memory (a time's width is known: measuring does not convert it). Imported only when a
table is printed: `export` and `log --json` never load it.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import IO

from traybreak.cli.common import plural
from traybreak.core.model import Outcome
from traybreak.store.prompt_log import Store
from traybreak.store.schema import Cell, from_text

__all__ = ["print_log_table", "summary"]

_NONE = "-"
_PROMPT_HEADER = ("due", "kind", "rule", "exercise", "outcome", "reason", "snoozes", "level",
                  "feedback")
_EVENT_HEADER = ("when", "event", "detail")


def print_log_table(store: Store, since: datetime | None, *, events: bool,
                    limit: int | None) -> None:
    """The newest ``limit`` rows (None: every row) as a table, newest first, then what it is a
    page of: prompts, or the app's ``events``."""
    scope = "" if since is None else f" since {_local(since)}"
    out = sys.stdout
    if events:
        total = store.event_count(since)
        shown = _print_table(out, _EVENT_HEADER, _event_cells, lambda: store.event_rows(
            since, newest_first=True, limit=limit))
        tally = f"{plural(total, 'event')}{scope}"
    else:
        counts = store.outcome_counts(since)
        total = sum(counts.values())
        shown = _print_table(out, _PROMPT_HEADER, _prompt_cells, lambda: store.prompt_rows(
            since, newest_first=True, limit=limit))
        tally = summary(counts, scope)
    if shown < total:
        noun = "events" if events else "prompts"
        print(f"the newest {shown} of {total} {noun} shown: --limit N for more, --all for "
              "every one", file=out)
    print(tally, file=out)


#: How a row becomes the table's cells, given how to show a stored time.
Cells = Callable[[Sequence[Cell], Callable[[Cell], str]], tuple[str, ...]]


def _prompt_cells(row: Sequence[Cell], when: Callable[[Cell], str]) -> tuple[str, ...]:
    """A prompts row (PROMPT_COLUMNS) as the table shows it."""
    (_id, rule, kind, exercise, due_at, _shown, _ended, outcome, reason, snoozes, _detail,
     feedback, level) = row
    return (when(due_at), str(kind or _NONE), str(rule), str(exercise or _NONE),
            str(outcome or "open"), str(reason or _NONE), str(snoozes),
            _NONE if level is None else str(level),
            _NONE if feedback is None else str(feedback).replace("_", " "))


def _event_cells(row: Sequence[Cell], when: Callable[[Cell], str]) -> tuple[str, ...]:
    """An events row (EVENT_COLUMNS) as the table shows it."""
    at, event, detail = row
    return when(at), str(event), str(detail or _NONE)


def _local_text(cell: Cell) -> str:
    """A stored time as the table shows it: local, to the minute."""
    return _local(from_text(str(cell)))


def _same_width(_cell: Cell) -> str:
    """What a time is as wide as in the table (every one is): for measuring, not showing."""
    return "YYYY-MM-DD HH:MM"


def summary(counts: Mapping[Outcome | None, int], scope: str = "") -> str:
    """E.g. "12 prompts: 8 done · 2 skipped · 1 ignored · 1 natural" (zero counts left out),
    from how many prompts ended each way (None: still open).

    ``scope`` follows the count, e.g. " since 2024-05-01 00:00".
    """
    parts = [f"{counts[o]} {o.value}" for o in Outcome if counts.get(o)]
    if counts.get(None):
        parts.append(f"{counts[None]} open")
    head = plural(sum(counts.values()), "prompt") + scope
    return f"{head}: {' · '.join(parts)}" if parts else head


def _print_table(out: IO[str], header: Sequence[str], cells: Cells,
                 rows: Callable[[], Iterable[Sequence[Cell]]]) -> int:
    """Print ``rows()``, turned into ``cells``, under ``header`` in aligned columns; returns how
    many rows. ``rows`` is called twice, first to measure the columns, so that no row is held in
    memory (a time's width is known: measuring does not convert it)."""
    widths = [len(cell) for cell in header]
    count = 0
    for row in rows():
        count += 1
        widths = [max(width, len(cell))
                  for width, cell in zip(widths, cells(row, _same_width), strict=True)]
    if count:
        lines = (cells(row, _local_text) for row in rows())
        for line in itertools.chain((header,), lines):
            out.write("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True))
                      .rstrip() + "\n")
    return count


def _local(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")
