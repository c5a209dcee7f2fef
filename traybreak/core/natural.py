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

    def __init__(self, occurrence_id: int, idle_since: datetime, reached_at: datetime) -> None:
        self.id = occurrence_id
        self.idle_since = idle_since      # the last input before the idle period (wall)
        self.reached_at = reached_at      # when it first reset a rule: the row's due time
        self.rules: list[Rule] = []
        self.occurrence: Occurrence | None = None

    def add(self, rule: Rule) -> None:
        """Count ``rule`` as reset by this idle period."""
        if rule not in self.rules:
            self.rules.append(rule)

    def close(self, now: datetime) -> Record:
        """The one log row for this idle period, ended at ``now`` (the user is back)."""
        kinds = {rule.kind for rule in self.rules}
        names = "+".join(rule.name for rule in self.rules)
        detail = f"idle {humanize(max(now - self.idle_since, timedelta(0)))}"
        occ = self.occurrence or Occurrence(self.id, self.rules[0], self.reached_at)
        rec = occ.record(Outcome.NATURAL, Reason.IDLE, now, detail)
        kind = kinds.pop() if len(kinds) == 1 else None
        return replace(rec, record=replace(rec.record, rule=names, kind=kind))
