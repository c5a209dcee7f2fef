"""Natural breaks: an idle run long enough resets rules' timers; the idle period is logged once,
when the user is back."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import datetime, timedelta

from traybreak.core.actions import Record
from traybreak.core.durations import humanize, shift
from traybreak.core.model import Outcome, Reason, Rule
from traybreak.core.occurrence import Occurrence, Phase
from traybreak.core.timer import Observation, RuleTimer


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


def reset_by_idle(period: NaturalBreak | None, timers: Iterable[RuleTimer],
                  live: Occurrence | None, obs: Observation, now: datetime, ids: Iterator[int]
                  ) -> tuple[NaturalBreak | None, Occurrence | None, list[Record]]:
    """Reset every timer whose natural-break length the idle run ``obs`` has reached (if it had
    active time or a live prompt) and add its rule to the idle ``period``, started if need be.

    The rule of a prompt on screen is left alone (the user may be doing the exercise, hands off
    the keyboard; its timeout ends it). A live prompt (waiting or snoozed) of a reset rule ends
    as natural: in the period's row, or in a row of its own when that row already completes
    another prompt. Returns the period, the live prompt if it goes on, and the rows ended here.
    """
    reset_live = False
    for timer in timers:
        mine = live is not None and live.rule == timer.rule
        if mine and live is not None and live.phase is Phase.SHOWN:
            continue
        if obs.away_for < timer.natural or not (timer.active > 0 or mine):
            continue
        if period is None:
            since = shift(now, -obs.away_for)
            period = NaturalBreak(next(ids), since, shift(since, timer.natural))
        period.add(timer.rule)
        timer.restart()
        reset_live = reset_live or mine
    if not reset_live or live is None or period is None:
        return period, live, []
    if period.occurrence is None:
        period.occurrence = live
        return period, None, []
    return period, None, [live.end(now, Outcome.NATURAL, Reason.IDLE)]
