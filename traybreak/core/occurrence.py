"""One due prompt from the moment it falls due until it ends, the log rows it produces, and the
rule a "break now" belongs to. The engine holds the one live occurrence; this module describes it.
The occurrence is the one holder of the exercise chosen for it: every ShowPrompt and log row it
produces carries that id.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from traybreak.core.actions import Record, ShowPrompt
from traybreak.core.model import (
    ANSWERS,
    Feedback,
    Kind,
    Outcome,
    PromptPolicy,
    PromptRecord,
    Reason,
    Rule,
)

# A break asked for with "break now" when no rule has that kind lasts this long.
MANUAL_BREAK = timedelta(minutes=1)


class Phase(StrEnum):
    """Where a live occurrence is: waiting for the user to come back, on screen, or snoozed."""

    WAITING = "waiting"
    SHOWN = "shown"
    SNOOZED = "snoozed"


@dataclass
class Occurrence:
    """A due prompt; ``deadline`` (monotonic s) is its timeout when shown, re-show when snoozed.

    ``exercise_id`` is set once the app has chosen the card for its first show (note_exercise).
    """

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
    late: str | None = None              # the detail its rows carry (why it shows late)
    level: int | None = None             # the exercise's progression level, chosen with it

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
        feedback: Feedback | None = None,
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
                detail=detail if detail is not None else self._detail(),
                feedback=feedback,
                level=self.level,
            ),
        )

    def _detail(self) -> str | None:
        return "on request" if self.manual else self.late

    def end(self, now: datetime, outcome: Outcome, reason: Reason | None, detail: str | None = None
            ) -> Record:
        """The final row when the engine ends it for ``reason`` (snoozed if it was in a snooze).

        An occurrence that ends while snoozed, other than by the user or a natural break, keeps
        outcome ``snoozed`` so the log shows it was put off and never came back.
        """
        if self.phase is Phase.SNOOZED and outcome is Outcome.SUPPRESSED:
            outcome = Outcome.SNOOZED
        return self.record(outcome, reason, now, detail)

    def show(self, now: datetime, mono: float, policy: PromptPolicy, skips_left: int | None
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
            snooze_allowed=self.can_snooze(policy),
            skips_left=skips_left,
            manual=self.manual,
            exercise_id=self.exercise_id,
            level=self.level,
        )

    def note(self, exercise_id: str, countdown: timedelta | None, policy: PromptPolicy,
             level: int | None = None) -> Record:
        """The app chose ``exercise_id`` (``countdown`` long, at progression ``level``) for it:
        its open row, naming it."""
        self.exercise_id, self.level = exercise_id, level
        if countdown is not None:
            self.fit_exercise(countdown, policy)
        return self.record()

    def can_snooze(self, policy: PromptPolicy) -> bool:
        """Snoozes are left (a "break now" has none)."""
        return not self.manual and self.snoozes < policy.max_snoozes

    def answered(self, now: datetime, mono: float, outcome: Outcome, policy: PromptPolicy,
                 feedback: Feedback | None = None) -> Record | None:
        """The user's answer: a snooze with snoozes left puts it off (None; it comes back after
        ``policy.snooze``); otherwise its final row (a snooze beyond them is a skip). A done row
        keeps the ``feedback`` the user added after Done."""
        if outcome not in ANSWERS:
            raise ValueError(f"a prompt is answered done, skipped or snoozed, not {outcome}")
        if outcome is Outcome.SNOOZED and self.can_snooze(policy):
            self.phase = Phase.SNOOZED
            self.snoozes += 1
            self.deadline = mono + policy.snooze.total_seconds()
            return None
        if outcome is Outcome.SNOOZED:
            return self.end(now, Outcome.SKIPPED, Reason.USER, "snooze not available")
        if outcome is Outcome.DONE:
            return self.record(outcome, None, now, feedback=feedback)
        return self.end(now, outcome, Reason.USER)

def final_only(rule: Rule, occurrence: int, due_at: datetime, outcome: Outcome, reason: Reason,
               detail: str | None = None) -> Record:
    """A due prompt that ends the moment it falls due (superseded, skipped, suppressed)."""
    return Occurrence(occurrence, rule, due_at).record(outcome, reason, due_at, detail)


def strongest(pool: Sequence[Occurrence], live: Occurrence | None, rules: Sequence[Rule]
              ) -> Occurrence:
    """The prompt of ``pool`` that gets the screen: the longest break; on a tie the ``live`` one,
    then the one whose rule comes first in ``rules`` (config order; a rule made up for a "break
    now" of a kind no rule has comes after them all)."""
    order = {rule.name: i for i, rule in enumerate(rules)}
    return max(pool, key=lambda o: (o.rule.duration, o is live,
                                    -order.get(o.rule.name, len(order))))


def contest(fresh: Sequence[Occurrence], live: Occurrence | None, queued: Occurrence | None,
            rules: Sequence[Rule]) -> tuple[Occurrence, list[Occurrence], bool]:
    """Rules fell due (``fresh``): (the winner of the screen, the losers, whether the winner must
    wait). A ``live`` prompt on screen is never a loser: a longer break waits behind it, taking
    the place of the one ``queued`` there, if any, when it is longer."""
    on_screen = live is not None and live.phase is Phase.SHOWN
    rivals = [*fresh, *([queued] if queued is not None else [])]
    pool = rivals + ([live] if live is not None else [])
    winner = strongest(pool, live, rules)
    losers = [o for o in pool if o is not winner and not (o is live and on_screen)]
    return winner, losers, on_screen and winner is not live


def choose_manual_rule(rules: Iterable[Rule], kind: Kind) -> Rule:
    """The rule a "break now" of ``kind`` belongs to: an interval rule of that kind if any."""
    same = [rule for rule in rules if rule.kind is kind]
    timed = [rule for rule in same if not rule.is_clock]
    if timed or same:
        return (timed or same)[0]
    return Rule(name=kind.value, kind=kind, duration=MANUAL_BREAK)
