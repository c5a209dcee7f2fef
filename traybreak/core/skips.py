"""The daily skip allowance (``PromptPolicy.daily_skips``): what counts as a skip, and how many
were used today (seeded from the log at start, so a restart mid-day remembers them)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from traybreak.core.model import Outcome, PromptRecord, Reason


def is_user_skip(record: PromptRecord) -> bool:
    """True for a prompt the user skipped: the window's Skip, "skip next", or a snooze beyond
    the limit (each logged skipped/user)."""
    return record.outcome is Outcome.SKIPPED and record.reason is Reason.USER


class SkipCounter:
    """Skips used on one day, for ``PromptPolicy.daily_skips``; a new day starts from zero."""

    def __init__(self, day: date | None = None, used: int = 0) -> None:
        self._day = day
        self._used = used

    @classmethod
    def from_log(cls, records: Iterable[PromptRecord], today: date) -> SkipCounter:
        """Seeded with the user skips among ``records``, the log rows of the prompts due today."""
        return cls(today, sum(1 for record in records if is_user_skip(record)))

    def used(self, today: date) -> int:
        """Skips used on ``today``."""
        return self._used if self._day == today else 0

    def left(self, now: datetime, limit: int | None) -> int | None:
        """Skips left today under ``limit`` (None: unlimited; never below 0)."""
        return None if limit is None else max(limit - self.used(now.date()), 0)

    def note(self, record: PromptRecord) -> None:
        """Count ``record`` if it is a final row of a user skip (on the day it ended)."""
        if is_user_skip(record) and record.ended_at is not None:
            day = record.ended_at.date()
            self._used, self._day = self.used(day) + 1, day
