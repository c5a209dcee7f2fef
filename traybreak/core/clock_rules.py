"""What a wall-clock rule's due time turns into: a prompt now, a wait for the user, or a log row.

The scheduler reports each due time once; this module decides, given working hours, pause and
where the user is, and makes sure a rule is never due twice on the same date.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from traybreak.core.model import Reason, Rule, WorkingHours


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


def still_waiting(due_at: datetime, now: datetime, hours: WorkingHours | None) -> bool:
    """A clock prompt waiting for the user's return keeps waiting only the same (working) day."""
    return due_at.date() == now.date() and (hours is None or hours.contains(now))
