"""What a wall-clock rule's due time turns into: a prompt now, a wait for the user, or a log row,
given working hours, pause and where the user is; never twice for a rule on the same date."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date, datetime
from enum import StrEnum

from traybreak.core.actions import Record
from traybreak.core.model import Outcome, Reason, Rule, WorkingHours
from traybreak.core.occurrence import Occurrence, final_only

log = logging.getLogger(__name__)


class Verdict(StrEnum):
    """The fate of one clock due time."""

    PROMPT = "prompt"          # the user is here: contend for the screen now
    WAIT = "wait"              # the user is away: wait for their return, the same day
    SUPPRESS = "suppress"      # log it suppressed (with a reason) and do nothing else
    DUPLICATE = "duplicate"    # already due once this date (clock set back): ignore silently


class ClockBook:
    """Remembers which (rule, date) pairs have fallen due, so a clock set back never repeats one."""

    def __init__(self) -> None:
        self._seen: dict[str, date] = {}

    def verdict(
        self,
        rule: Rule,
        scheduled_for: datetime,
        now: datetime,
        hours: WorkingHours | None,
        paused: bool,
        present: bool,
    ) -> tuple[Verdict, Reason | None]:
        """Decide what the due time ``scheduled_for`` of ``rule`` becomes at ``now``."""
        day = scheduled_for.date()
        if self._seen.get(rule.name) == day:
            return Verdict.DUPLICATE, None
        self._seen[rule.name] = day
        if hours is not None and not hours.contains(scheduled_for):
            return Verdict.SUPPRESS, Reason.OFF_HOURS
        if day != now.date() or (hours is not None and not hours.contains(now)):
            # Due while the machine slept or the user was away, and the day is over now.
            return Verdict.SUPPRESS, Reason.IDLE
        if paused:
            return Verdict.SUPPRESS, Reason.PAUSED
        return (Verdict.PROMPT, None) if present else (Verdict.WAIT, None)

    def sort(self, due: Iterable[tuple[str, datetime]], rules: Sequence[Rule], now: datetime,
             hours: WorkingHours | None, paused: bool, present: Callable[[Rule], bool],
             ids: Iterator[int]) -> tuple[list[Occurrence], list[Record]]:
        """The scheduler's (rule name, due time) pairs at ``now``: the prompts to contend for the
        screen (now, or when the user is back) and the log rows of those suppressed. Duplicates
        and rules unknown, disabled or not on the clock are left out. Ids come from ``ids``."""
        fresh: list[Occurrence] = []
        suppressed: list[Record] = []
        for name, scheduled_for in due:
            rule = next((r for r in rules if r.name == name and r.is_clock), None)
            if rule is None:
                log.debug("clock due for unknown or disabled rule %s", name)
                continue
            verdict, reason = self.verdict(rule, scheduled_for, now, hours, paused, present(rule))
            if verdict is Verdict.SUPPRESS and reason is not None:
                suppressed.append(final_only(rule, next(ids), scheduled_for,
                                             Outcome.SUPPRESSED, reason))
            elif verdict in (Verdict.PROMPT, Verdict.WAIT):
                fresh.append(Occurrence(next(ids), rule, scheduled_for))
        return fresh, suppressed


def still_waiting(due_at: datetime, now: datetime, hours: WorkingHours | None) -> bool:
    """A clock prompt waiting for the user's return keeps waiting only the same (working) day."""
    return due_at.date() == now.date() and (hours is None or hours.contains(now))
