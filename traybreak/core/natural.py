"""Natural breaks: one idle period that reset rules' timers, logged once when the user is back."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from traybreak.core.actions import Record
from traybreak.core.durations import humanize
from traybreak.core.model import Outcome, Reason, Rule
from traybreak.core.occurrence import Occurrence


class NaturalBreak:
    """An idle period in progress and the rules it has reset so far (in the order reset).

    Its log row names every reset rule joined by "+" (e.g. ``stretch+strengthen``); its kind is
    theirs when they share one, else None. If a prompt of one of those rules was on screen or
    snoozed, that occurrence ends here: the row completes the occurrence's own open row.
    """

    def __init__(self, occurrence_id: int, reached_at: datetime) -> None:
        self.id = occurrence_id
        self.reached_at = reached_at
        self.rules: list[Rule] = []
        self.occurrence: Occurrence | None = None

    def add(self, rule: Rule) -> None:
        """Count ``rule`` as reset by this idle period."""
        if rule not in self.rules:
            self.rules.append(rule)

    def close(self, now: datetime, away_for: float) -> Record:
        """The one log row for this idle period, ended at ``now``."""
        kinds = {rule.kind for rule in self.rules}
        names = "+".join(rule.name for rule in self.rules)
        detail = f"idle {humanize(timedelta(seconds=away_for))}" if away_for > 0 else "idle"
        occ = self.occurrence or Occurrence(self.id, self.rules[0], self.reached_at)
        rec = occ.record(Outcome.NATURAL, Reason.IDLE, now, detail)
        kind = kinds.pop() if len(kinds) == 1 else None
        return replace(rec, record=replace(rec.record, rule=names, kind=kind))
