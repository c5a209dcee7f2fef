"""The prompt log's tables: the ordered schema migrations and the mapping between records and rows.

A row's text form (ISO-8601 times in UTC, enum values as strings) is also the export format.
Pure data and conversions; store/prompt_log.py and store/log_rows.py run the SQL.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from traybreak.core.model import AppEvent, Feedback, Kind, Outcome, PromptRecord, Reason

# MIGRATIONS[n] takes the log from schema version n to n + 1 (PRAGMA user_version).
# Append only: never edit a migration that has shipped.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE prompts (
            id          INTEGER PRIMARY KEY,
            rule        TEXT NOT NULL,
            kind        TEXT,
            exercise_id TEXT,
            due_at      TEXT NOT NULL,
            shown_at    TEXT,
            ended_at    TEXT,
            outcome     TEXT,
            reason      TEXT,
            snoozes     INTEGER NOT NULL DEFAULT 0,
            detail      TEXT
        )""",
        "CREATE INDEX prompts_due_at ON prompts (due_at)",
        "CREATE INDEX prompts_open ON prompts (id) WHERE outcome IS NULL",
        """CREATE TABLE events (
            id     INTEGER PRIMARY KEY,
            at     TEXT NOT NULL,
            event  TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT ''
        )""",
        "CREATE INDEX events_at ON events (at)",
    ),
    (   # 2: what the user added after Done, and the progression level shown (#16 point 4).
        # ADD COLUMN keeps every row; old rows read NULL (no feedback, level unknown).
        "ALTER TABLE prompts ADD COLUMN feedback TEXT",
        "ALTER TABLE prompts ADD COLUMN level INTEGER",
    ),
)
LATEST_VERSION = len(MIGRATIONS)

# Column order of the prompts table, of `export` and of `log --json` (which leaves out detail).
PROMPT_COLUMNS: tuple[str, ...] = (
    "id", "rule", "kind", "exercise_id", "due_at", "shown_at", "ended_at",
    "outcome", "reason", "snoozes", "detail", "feedback", "level",
)
EVENT_COLUMNS: tuple[str, ...] = ("at", "event", "detail")

Cell = str | int | None

# The enums by their stored text, and None for NULL: a dict lookup, where calling the enum
# class costs a microsecond a cell (a year of log is 50,000 rows, a history 10,000).
_KINDS: dict[object, Kind | None] = {None: None, **{k.value: k for k in Kind}}
_OUTCOMES: dict[object, Outcome | None] = {None: None, **{o.value: o for o in Outcome}}
_REASONS: dict[object, Reason | None] = {None: None, **{r.value: r for r in Reason}}
_FEEDBACK: dict[object, Feedback] = {f.value: f for f in Feedback}   # .get: unknown is None


class NaiveDatetimeError(ValueError):
    """A datetime without a UTC offset was given to the log, which only keeps aware times."""


def to_text(moment: datetime, field: str) -> str:
    """``moment`` as fixed-width ISO-8601 in UTC, so that text order is time order."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise NaiveDatetimeError(
            f"{field}: naive datetime {moment.isoformat()} has no UTC offset "
            "(give an aware datetime, e.g. datetime.now(timezone.utc))"
        )
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_text(text: str) -> datetime:
    """Read back a time written by :func:`to_text` (or any ISO-8601 time with an offset)."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise NaiveDatetimeError(f"time {text!r} in the log has no UTC offset")
    return moment


def _opt_text(moment: datetime | None, field: str) -> str | None:
    return None if moment is None else to_text(moment, field)


def prompt_row(record: PromptRecord) -> dict[str, Cell]:
    """The row (column -> cell) for ``record``; empty optional strings are stored as NULL."""
    if not record.rule:
        raise ValueError("a prompt record needs a rule name")
    if record.snoozes < 0:
        raise ValueError(f"snoozes cannot be negative (got {record.snoozes})")
    if record.level is not None and record.level < 1:
        raise ValueError(f"a level starts at 1 (got {record.level})")
    return {
        "id": record.id,
        "rule": record.rule,
        "kind": None if record.kind is None else Kind(record.kind).value,
        "exercise_id": record.exercise_id or None,
        "due_at": to_text(record.due_at, "due_at"),
        "shown_at": _opt_text(record.shown_at, "shown_at"),
        "ended_at": _opt_text(record.ended_at, "ended_at"),
        "outcome": None if record.outcome is None else Outcome(record.outcome).value,
        "reason": None if record.reason is None else Reason(record.reason).value,
        "snoozes": record.snoozes,
        "detail": record.detail or None,
        "feedback": None if record.feedback is None else Feedback(record.feedback).value,
        "level": record.level,
    }


def prompt_record(row: Mapping[str, object]) -> PromptRecord:
    """The record for a prompts row (column -> cell)."""
    return prompt_from_cells([row[column] for column in PROMPT_COLUMNS])


def prompt_from_cells(cells: Sequence[object]) -> PromptRecord:
    """The record for a prompts row given as its cells in PROMPT_COLUMNS order (as the store
    reads it; a log still at schema 1, read by the CLI before the tray has upgraded it, has its
    feedback and level read as NULL); ValueError naming the row for a cell this version cannot
    read. A feedback word this version does not know (written by a newer one) reads as none
    rather than making the whole log unreadable."""
    (row_id, rule, kind, exercise_id, due_at, shown_at, ended_at, outcome, reason, snoozes,
     detail, feedback, level) = cells
    try:
        return PromptRecord(
            id=int(str(row_id)), rule=str(rule), kind=_KINDS[kind],
            exercise_id=None if exercise_id is None else str(exercise_id),
            due_at=from_text(str(due_at)),
            shown_at=None if shown_at is None else from_text(str(shown_at)),
            ended_at=None if ended_at is None else from_text(str(ended_at)),
            outcome=_OUTCOMES[outcome], reason=_REASONS[reason], snoozes=int(str(snoozes)),
            detail=None if detail is None else str(detail),
            feedback=_FEEDBACK.get(feedback),
            level=None if level is None else int(str(level)),
        )
    except KeyError as err:
        raise ValueError(f"prompt {row_id} in the log has an unknown value {err}") from None


def outcome_of(cell: object) -> Outcome | None:
    """The outcome a prompts row's outcome cell names (None for an open prompt)."""
    try:
        return _OUTCOMES[cell]
    except KeyError:
        raise ValueError(f"unknown outcome {cell!r} in the log") from None


def event_row(event: AppEvent) -> dict[str, Cell]:
    """The row (column -> cell) for an app event."""
    if not event.event:
        raise ValueError("an app event needs a name")
    return {"at": to_text(event.at, "at"), "event": event.event, "detail": event.detail}


def event_record(row: Mapping[str, object]) -> AppEvent:
    """The app event for an events row."""
    return AppEvent(
        at=from_text(str(row["at"])), event=str(row["event"]), detail=str(row["detail"])
    )
