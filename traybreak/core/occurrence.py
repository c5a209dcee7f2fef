"""One due prompt from the moment it falls due until it ends, and the log rows it produces.

At most one occurrence is live at a time (waiting for the user, on screen, or snoozed); the
engine owns it and this module only knows how to describe it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from traybreak.core.actions import Record, ShowPrompt
from traybreak.core.model import Outcome, PromptPolicy, PromptRecord, Reason, Rule


class Phase(StrEnum):
    """Where a live occurrence is: waiting for the user to come back, on screen, or snoozed."""

    WAITING = "waiting"
    SHOWN = "shown"
    SNOOZED = "snoozed"


@dataclass
class Occurrence:
    """A due prompt; ``deadline`` (monotonic s) is its timeout when shown, re-show when snoozed."""

    id: int
    rule: Rule
    due_at: datetime
    phase: Phase = Phase.WAITING
    shown_at: datetime | None = None
    snoozes: int = 0
    deadline: float | None = None
    exercise_id: str | None = None
    manual: bool = False
    countdown: timedelta | None = None   # the chosen exercise's own length, once known
    shown_mono: float | None = None

    def break_length(self) -> timedelta:
        """How long the break takes: the rule's duration, or the exercise's if that is longer."""
        return max(self.rule.duration, self.countdown or timedelta(0))

    def fit_exercise(self, countdown: timedelta, policy: PromptPolicy) -> None:
        """The exercise on screen takes ``countdown``: give the user that long before timing out."""
        self.countdown = countdown
        if self.phase is Phase.SHOWN and self.shown_mono is not None:
            self.deadline = self.shown_mono + (policy.timeout + self.break_length()).total_seconds()

    def record(
        self,
        outcome: Outcome | None = None,
        reason: Reason | None = None,
        ended_at: datetime | None = None,
        detail: str | None = None,
    ) -> Record:
        """The log row for this occurrence: open (no outcome) or final."""
        return Record(
            self.id,
            PromptRecord(
                rule=self.rule.name,
                kind=self.rule.kind,
                due_at=self.due_at,
                exercise_id=self.exercise_id,
                shown_at=self.shown_at,
                ended_at=ended_at,
                outcome=outcome,
                reason=reason,
                snoozes=self.snoozes,
                detail=detail if detail is not None else ("on request" if self.manual else None),
            ),
        )

    def end(self, now: datetime, outcome: Outcome, reason: Reason | None, detail: str | None = None
            ) -> Record:
        """The final row when the engine ends it for ``reason`` (snoozed if it was in a snooze).

        An occurrence that ends while snoozed, other than by the user or a natural break, keeps
        outcome ``snoozed`` so the log shows it was put off and never came back.
        """
        if self.phase is Phase.SNOOZED and outcome is Outcome.SUPPRESSED:
            outcome = Outcome.SNOOZED
        return self.record(outcome, reason, now, detail)

    def show(self, now: datetime, mono: float, policy: PromptPolicy, skip_allowed: bool
             ) -> ShowPrompt:
        """Put it on screen (again). It closes unanswered after ``policy.timeout`` plus the time
        the break itself takes, so a user who starts late is not cut off mid-exercise."""
        self.phase = Phase.SHOWN
        self.shown_at = self.shown_at or now
        self.shown_mono = mono
        self.deadline = mono + (policy.timeout + self.break_length()).total_seconds()
        return ShowPrompt(
            occurrence=self.id,
            rule=self.rule,
            kind=self.rule.kind,
            message=self.rule.message,
            due_at=self.due_at,
            snoozes=self.snoozes,
            snooze_allowed=not self.manual and self.snoozes < policy.max_snoozes,
            skip_allowed=skip_allowed,
            manual=self.manual,
        )

    def snooze(self, mono: float, policy: PromptPolicy) -> None:
        """Put it off: it comes back after ``policy.snooze``."""
        self.phase = Phase.SNOOZED
        self.snoozes += 1
        self.deadline = mono + policy.snooze.total_seconds()


def final_only(rule: Rule, occurrence: int, due_at: datetime, outcome: Outcome, reason: Reason,
               detail: str | None = None) -> Record:
    """A due prompt that ends the moment it falls due (superseded, skipped, suppressed)."""
    return Occurrence(occurrence, rule, due_at).record(outcome, reason, due_at, detail)
