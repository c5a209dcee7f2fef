"""Aggregations over prompt-log records: day counts, adherence, streaks, kind and muscle
coverage. Pure functions over PromptRecord sequences; a record is filed under the local day (in
the time zone passed in) its prompt fell due (``due_at``)."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, timedelta, tzinfo

from traybreak.core.model import Exercise, Kind, Outcome, PromptRecord

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Counts:
    """How the prompts of some period ended. Open rows (no outcome yet) are not counted."""

    done: int = 0
    skipped: int = 0
    snoozed: int = 0
    ignored: int = 0
    natural: int = 0
    suppressed: int = 0

    @property
    def asked(self) -> int:
        """Prompts put in front of the user (natural breaks and suppressed ones were not)."""
        return self.done + self.skipped + self.snoozed + self.ignored

    @property
    def adherence(self) -> float | None:
        """Share of asked prompts that were done, 0.0–1.0; None when nothing was asked."""
        return self.done / self.asked if self.asked else None

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    def describe(self) -> str:
        """A short tooltip or menu line, e.g. "5 done · 1 skipped"; "nothing yet" when empty."""
        parts = [f"{self.done} done"] if self.done else []
        if self.skipped:
            parts.append(f"{self.skipped} skipped")
        if self.ignored:
            parts.append(f"{self.ignored} ignored")
        return " · ".join(parts) or "nothing yet"


#: The outcomes of prompts put in front of the user (Counts.asked).
_ASKED = frozenset({Outcome.DONE, Outcome.SKIPPED, Outcome.SNOOZED, Outcome.IGNORED})


def local_day(moment: datetime, tz: tzinfo) -> date:
    """The calendar day ``moment`` falls on in ``tz`` (an aware datetime is converted first)."""
    if moment.tzinfo is None:
        return moment.date()  # already local wall time: converting would read the host's zone
    return moment.astimezone(tz).date()


def is_served(record: PromptRecord) -> bool:
    """True when the record's exercise was actually done (skips, snoozes and misses are not)."""
    return record.outcome is Outcome.DONE and record.exercise_id is not None


def finished_at(record: PromptRecord) -> datetime:
    """When the prompt ended, falling back to when it was shown or fell due."""
    return record.ended_at or record.shown_at or record.due_at


def stamp(moment: datetime) -> float:
    """Seconds since the epoch, to order and compare times; a naive time is read as UTC so that
    no host zone is consulted."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def count(records: Iterable[PromptRecord]) -> Counts:
    """Tally outcomes over ``records`` (no day filtering)."""
    tally = Counter(r.outcome for r in records if r.outcome is not None)
    return Counts(**{outcome.value: tally[outcome] for outcome in Outcome})


def _in_days(
    records: Iterable[PromptRecord], first: date, last: date, tz: tzinfo, kind: Kind | None
) -> list[PromptRecord]:
    return [
        r for r in records
        if first <= local_day(r.due_at, tz) <= last and (kind is None or r.kind is kind)
    ]


def day_counts(
    records: Iterable[PromptRecord], day: date, tz: tzinfo, *, kind: Kind | None = None
) -> Counts:
    """Outcomes of the prompts that fell due on local ``day``; only ``kind``'s when given."""
    return count(_in_days(records, day, day, tz, kind))


def daily_counts(
    records: Iterable[PromptRecord], first: date, last: date, tz: tzinfo,
    *, kind: Kind | None = None,
) -> dict[date, Counts]:
    """Counts for every local day ``first``..``last`` inclusive, empty days included, in order."""
    by_day: dict[date, list[PromptRecord]] = {}
    for record in _in_days(records, first, last, tz, kind):
        by_day.setdefault(local_day(record.due_at, tz), []).append(record)
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return {day: count(by_day.get(day, ())) for day in days}


def kind_counts(
    records: Iterable[PromptRecord], first: date, last: date, tz: tzinfo
) -> dict[Kind, Counts]:
    """Counts per exercise kind over local days ``first``..``last`` (custom reminders left out)."""
    chosen = _in_days(records, first, last, tz, None)
    return {kind: count(r for r in chosen if r.kind is kind) for kind in Kind}


def group_coverage(
    records: Iterable[PromptRecord], exercises: Mapping[str, Exercise] | Sequence[Exercise],
    first: date, last: date, tz: tzinfo, *, kind: Kind | None = None,
) -> dict[str, int]:
    """How many done exercises targeted each muscle group over ``first``..``last``.

    Every group targeted by an exercise in ``exercises`` is present, with 0 when it was never done,
    so a weekly view can show what was neglected. Records naming unknown exercises are skipped.
    """
    index = exercises if isinstance(exercises, Mapping) else {e.id: e for e in exercises}
    cover: dict[str, int] = {g: 0 for e in index.values() for g in e.targets
                             if kind is None or e.kind is kind}
    for record in _in_days(records, first, last, tz, kind):
        exercise = index.get(record.exercise_id or "")
        if exercise is None or not is_served(record):
            continue
        for group in exercise.targets:
            cover[group] = cover.get(group, 0) + 1
    return cover


def streak(records: Iterable[PromptRecord], today: date, tz: tzinfo) -> int:
    """Days in a row, ending today, with at least one exercise done.

    Days on which nothing was asked (weekends, days off, the app not running) neither count nor
    break the streak. Today only counts once something is done: an unfinished day never breaks it.
    """
    # One pass, two sets of days: a history reads two months of log (~10,000 rows in a busy
    # year), and a tally per row cost a tenth of a second.
    done: set[date] = set()
    asked: set[date] = set()
    for record in records:
        if record.outcome in _ASKED:
            day = local_day(record.due_at, tz)
            if day <= today:
                (done if record.outcome is Outcome.DONE else asked).add(day)
    length = 0
    for day in sorted(done | asked, reverse=True):
        if day in done:
            length += 1
        elif day != today:
            break
    return length
