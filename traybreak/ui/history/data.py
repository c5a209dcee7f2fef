"""What the history shows, as plain values: today's counts, a bar per day (done by kind, skipped,
ignored), the streak, muscle groups worked or neglected, and the latest prompts; plus the text form
``traybreak history`` prints. Pure: records, exercises, the day and the time zone are arguments.
"""

from __future__ import annotations

import heapq
import logging
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from traybreak.core import stats
from traybreak.core.model import Exercise, Feedback, Kind, Outcome, PromptRecord
from traybreak.core.muscles import GROUPS, Side
from traybreak.core.progression import progress
from traybreak.core.rotation import HISTORY
from traybreak.core.stats import finished_at, local_day

log = logging.getLogger(__name__)

TEXT_WIDTH = 96            # the text form wraps long lists here
COVERAGE_DAYS = 7          # "this week" for muscle groups: the last seven days, today included
EMPTY_NOTE = ("No history yet. traybreak writes down every break as it comes; "
              "look again after your first one.")


@dataclass(frozen=True)
class DayBar:
    """One day of the chart: exercises done per kind, prompts skipped, prompts ignored."""

    day: date
    done: tuple[tuple[Kind, int], ...]
    skipped: int = 0
    ignored: int = 0
    reminders: int = 0      # custom reminders (no kind) done that day

    @property
    def done_total(self) -> int:
        """Prompts done that day: exercises of every kind and custom reminders."""
        return sum(n for _, n in self.done) + self.reminders

    @property
    def total(self) -> int:
        """Everything the bar shows (done + skipped + ignored)."""
        return self.done_total + self.skipped + self.ignored


@dataclass(frozen=True)
class GroupCover:
    """A muscle group and how often a done exercise worked it in the coverage period."""

    id: str
    label: str
    side: Side
    times: int


@dataclass(frozen=True)
class RecentRow:
    """One line of the recent-prompts list."""

    when: datetime
    kind: Kind | None
    name: str
    outcome: str        # words, e.g. "done", "ignored (no answer)"
    done: bool


@dataclass(frozen=True)
class LevelRow:
    """An exercise the user has moved on with, or that rests after "This hurts"."""

    name: str
    words: str                  # "Level 2 of 3"
    resting_until: date | None = None

    def describe(self) -> str:
        """E.g. "level 2 of 3" or "level 1 of 3, resting until Sat 19 Dec (it hurt)"."""
        words = self.words[:1].lower() + self.words[1:]
        if self.resting_until is not None:
            return f"{words}, resting until {_day(self.resting_until)} (it hurt)"
        return words


@dataclass(frozen=True)
class History:
    """Everything the history text and window show. ``has_log`` False: nothing recorded yet."""

    today: date
    today_counts: stats.Counts
    streak: int
    days: tuple[DayBar, ...]
    worked: tuple[GroupCover, ...]
    neglected: tuple[GroupCover, ...]
    recent: tuple[RecentRow, ...]
    has_log: bool = True
    levels: tuple[LevelRow, ...] = ()

    @property
    def empty(self) -> bool:
        """True when there is nothing at all to show."""
        return not self.recent and not any(d.total for d in self.days)


def build_history(records: Sequence[PromptRecord], exercises: Sequence[Exercise], today: date,
                  tz: tzinfo, *, days: int = 7, recent: int = 8,
                  has_log: bool = True, now: datetime | None = None) -> History:
    """The history over the ``days`` local days ending ``today`` (in ``tz``); ``now`` (default:
    noon that day) decides which exercises still rest."""
    index = {e.id: e for e in exercises}
    first = today - timedelta(days=max(1, days) - 1)
    # The chart, today and the week's muscle groups need only their days: sort those out once
    # (the streak and the recent list take every record, usually two months of them).
    since = min(first, today - timedelta(days=COVERAGE_DAYS - 1))
    shown = [r for r in records if since <= stats.local_day(r.due_at, tz) <= today]
    per_kind = {kind: stats.daily_counts(shown, first, today, tz, kind=kind) for kind in Kind}
    everything = stats.daily_counts(shown, first, today, tz)
    bars = []
    for day, counts in everything.items():
        done = tuple((kind, per_kind[kind][day].done) for kind in Kind)
        bars.append(DayBar(day, done, counts.skipped, counts.ignored,
                           counts.done - sum(n for _, n in done)))
    worked, neglected = _coverage(shown, index, today, tz)
    return History(
        today=today, today_counts=stats.day_counts(shown, today, tz),
        streak=stats.streak(records, today, tz), days=tuple(bars), worked=worked,
        neglected=neglected, recent=_recent(records, index, tz, recent), has_log=has_log,
        levels=_levels(records, exercises, now or datetime.combine(today, time(12), tz), tz),
    )


def _levels(records: Sequence[PromptRecord], exercises: Sequence[Exercise], now: datetime,
            tz: tzinfo) -> tuple[LevelRow, ...]:
    """Exercises past level 1 or resting, as the rotation reads the log (its last 28 days)."""
    recent = [r for r in records if r.exercise_id and finished_at(r) >= now - HISTORY]
    done = {r.exercise_id for r in recent if r.outcome is Outcome.DONE}
    rows = []
    for exercise in exercises:
        if exercise.id not in done:
            continue
        where = progress(exercise, recent, now)
        if where.level > 1 or where.resting_until is not None:
            until = where.resting_until
            rows.append(LevelRow(exercise.name, where.words() or "Level 1 of 1",
                                 None if until is None else local_day(until, tz)))
    return tuple(sorted(rows, key=lambda r: (r.resting_until is None, r.name)))


def _coverage(records: Sequence[PromptRecord], index: Mapping[str, Exercise], today: date,
              tz: tzinfo) -> tuple[tuple[GroupCover, ...], tuple[GroupCover, ...]]:
    first = today - timedelta(days=COVERAGE_DAYS - 1)
    cover = stats.group_coverage(records, index, first, today, tz)
    order = {side: n for n, side in enumerate(Side)}
    groups = [GroupCover(g, GROUPS[g].label if g in GROUPS else g.replace("_", " "),
                         GROUPS[g].side if g in GROUPS else Side.CALM, n)
              for g, n in cover.items()]
    worked = sorted((g for g in groups if g.times), key=lambda g: (-g.times, g.label))
    neglected = sorted((g for g in groups if not g.times), key=lambda g: (order[g.side], g.label))
    return tuple(worked), tuple(neglected)


def _recent(records: Sequence[PromptRecord], index: Mapping[str, Exercise], tz: tzinfo,
            limit: int) -> tuple[RecentRow, ...]:
    shown = (r for r in records if r.outcome is not Outcome.SUPPRESSED)
    rows = []
    for record in heapq.nlargest(max(0, limit), shown, key=lambda r: _instant(r.due_at, tz)):
        exercise = index.get(record.exercise_id or "")
        name = exercise.name if exercise else (record.exercise_id or _rule_name(record.rule))
        when = _instant(record.due_at, tz)
        rows.append(RecentRow(when, record.kind, name, outcome_words(record),
                              record.outcome is Outcome.DONE))
    return tuple(rows)


def _instant(moment: datetime, tz: tzinfo) -> datetime:
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment.astimezone(tz)


def _rule_name(rule: str) -> str:
    return rule.replace("_", " ").replace("-", " ").capitalize() or "Reminder"


FEEDBACK_WORDS = {Feedback.TOO_EASY: "too easy", Feedback.TOO_HARD: "too hard",
                  Feedback.HURTS: "it hurt"}
_REASONS = {
    "timeout": "no answer", "stopped": "app closed", "crashed": "window failed",
    "superseded": "replaced", "idle": "you were away", "user": "",
}


def outcome_words(record: PromptRecord) -> str:
    """How a prompt ended, in a few words: "done", "ignored (no answer)", "natural break"."""
    if record.outcome is None:
        return "open"
    if record.outcome is Outcome.NATURAL:
        return "natural break"
    word = record.outcome.value  # the log's own word, as `traybreak log` prints it
    if record.feedback is not None:  # what the user added after Done: "done · too easy"
        return f"{word} · {FEEDBACK_WORDS[record.feedback]}"
    reason = record.reason.value if record.reason is not None else ""
    words = _REASONS.get(reason, reason.replace("_", " "))
    return f"{word} ({words})" if words and record.outcome is not Outcome.DONE else word


# -- text ------------------------------------------------------------------------------------

def _day(day: date) -> str:
    return f"{day:%a} {day.day:>2} {day:%b}"


def streak_words(days: int) -> str:
    """E.g. "3 days in a row"; "no streak yet"."""
    if days <= 0:
        return "no streak yet"
    return "1 day" if days == 1 else f"{days} days in a row"


def text_bar(bar: DayBar, width: int = 24) -> str:
    """A day as ■ (done) and □ (skipped or ignored), at most ``width`` marks, scaled down."""
    total = bar.total
    if not total:
        return ""
    done = bar.done_total
    if total > width:
        done = round(done * width / total)
        total = width
    return "■" * done + "□" * (total - done)


def history_text(history: History, days_label: str | None = None) -> str:
    """The whole history as plain text (what ``traybreak history`` prints)."""
    if not history.has_log or history.empty:
        return EMPTY_NOTE + "\n"
    out = [f"Today ({_day(history.today)}): {history.today_counts.describe()}",
           f"Streak: {streak_words(history.streak)}", "",
           days_label or f"Last {len(history.days)} days (■ done, □ skipped or ignored)"]
    for bar in history.days:
        words = stats.Counts(done=bar.done_total, skipped=bar.skipped,
                             ignored=bar.ignored).describe() if bar.total else "-"
        out.append(f"  {_day(bar.day)}  {text_bar(bar):<24}  {words}")
    out += ["", f"Muscle groups, last {COVERAGE_DAYS} days"]
    worked = ", ".join(f"{g.label} ×{g.times}" for g in history.worked) or "none yet"
    neglected = ", ".join(g.label for g in history.neglected) or "none, well done"
    for head, text in (("Worked:  ", worked), ("Not yet: ", neglected)):
        out.append(textwrap.fill(text, TEXT_WIDTH, initial_indent="  " + head,
                                 subsequent_indent=" " * (2 + len(head))))
    if history.levels:
        out += ["", "Progress (Too easy, Too hard and This hurts after Done move these)"]
        width = max(len(row.name) for row in history.levels)
        out += [f"  {row.name:<{width}}  {row.describe()}" for row in history.levels]
    if history.recent:
        out += ["", "Recent prompts"]
        width = max(len(r.name) for r in history.recent)
        for row in history.recent:
            kind = row.kind.value if row.kind else "reminder"
            # Always the weekday, unlike durations.clock_label: a column of a week's rows
            # has to line up and read the same on every row.
            out.append(f"  {row.when:%a %H:%M}  {kind:<10}  {row.name:<{width}}  {row.outcome}")
    return "\n".join(out) + "\n"


# -- chart geometry --------------------------------------------------------------------------

SEGMENTS = ("stretch", "strengthen", "relax", "reminder", "skipped", "ignored")  # bottom up


def stack(bar: DayBar) -> list[tuple[str, int]]:
    """A day's bar as (segment, count) from the bottom up, done by kind first; zeros left out."""
    done = dict(bar.done)
    counts = [(kind.value, done.get(kind, 0)) for kind in Kind]
    counts += [("reminder", bar.reminders), ("skipped", bar.skipped), ("ignored", bar.ignored)]
    return [(name, n) for name, n in counts if n]


def chart_top(days: Sequence[DayBar]) -> int:
    """The value at the top of the chart's scale: the tallest bar rounded up, at least 4."""
    tallest = max((d.total for d in days), default=0)
    step = 2 if tallest <= 10 else 5 if tallest <= 40 else 10
    return max(4, -(-tallest // step) * step)
