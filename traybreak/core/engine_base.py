"""The break engine's state and the small operations every part of it shares: finishing a
prompt (one final row, the rule's interval restarts), presence, working hours, state changes."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import datetime

from traybreak.core.actions import Action, ClosePrompt, EngineState, Record, StateChanged
from traybreak.core.clock_rules import ClockBook
from traybreak.core.engine_parts import SkipCounter, Snapshot, gap_limit
from traybreak.core.model import ActivityPolicy, Outcome, PromptPolicy, Reason, Rule, WorkingHours
from traybreak.core.natural import NaturalBreak
from traybreak.core.occurrence import Occurrence, Phase
from traybreak.core.timer import IdleTracker, Observation, RuleTimer


class EngineBase:
    """State of the engine; see traybreak.core.engine for the behaviour."""

    def __init__(self, rules: Iterable[Rule], activity: ActivityPolicy, prompt: PromptPolicy,
                 hours: WorkingHours | None = None) -> None:
        self.rules = tuple(rule for rule in rules if rule.enabled)
        self.activity, self.policy, self.hours = activity, prompt, hours
        default = activity.natural_break
        self.timers = {
            r.name: RuleTimer(r, r.natural_break_length(default).total_seconds())
            for r in self.rules if r.every is not None and not r.is_clock
        }
        self.tracker = IdleTracker(gap_limit(activity))
        self.live: Occurrence | None = None
        self.natural: NaturalBreak | None = None
        self.paused = False
        self.paused_until: datetime | None = None
        self.skip_pending = False
        self._clock = ClockBook()
        self._ids = itertools.count(1)
        self._last: tuple[datetime, float] | None = None
        self._obs = Observation(0.0, False, 0.0, None, False)
        self._state: EngineState | None = None
        self._skips = SkipCounter()

    def _snapshot(self, now: datetime | None) -> Snapshot:
        counting = now is not None and self._in_hours(now) and not self.paused
        obs = self._obs
        away = obs.idle is not None and not obs.returned and (
            obs.away_for >= self.activity.natural_break.total_seconds())
        return Snapshot(self.rules, self.timers, self.live, self.paused, self.paused_until,
                        self.skip_pending, counting, away, obs, self._last)

    def _idle_timers(self) -> list[RuleTimer]:
        """Timers free to count: those whose rule has no live prompt."""
        busy = self.live.rule.name if self.live is not None else None
        return [t for t in self.timers.values() if t.rule.name != busy]

    def _in_hours(self, now: datetime) -> bool:
        return self.hours is None or self.hours.contains(now)

    def _present(self, rule: Rule) -> bool:
        """The user is at the desk for ``rule``: idle unknown or shorter than its natural break."""
        natural = rule.natural_break_length(self.activity.natural_break).total_seconds()
        return self._obs.idle is None or self._obs.idle < natural

    def _finish(self, record: Record, out: list[Action]) -> None:
        """Log a final row; its rule's interval starts again; a live one is no longer live."""
        out.append(record)
        if self.live is not None and record.occurrence == self.live.id:
            self.live = None
        if record.record.rule in self.timers:
            self.timers[record.record.rule].restart()

    def _end_live(self, now: datetime, outcome: Outcome, reason: Reason, why: str) -> list[Action]:
        out: list[Action] = []
        if self.live is not None:
            if self.live.phase is Phase.SHOWN:
                out.append(ClosePrompt(self.live.id, why))
            self._finish(self.live.end(now, outcome, reason), out)
        return out

    def _skip_allowed(self, now: datetime) -> bool:
        return self._skips.allowed(now, self.policy.daily_skips)

    def _count_skip(self, now: datetime, outcome: Outcome) -> None:
        if outcome is Outcome.SKIPPED:
            self._skips.count(now)

    def _with_state(self, now: datetime, out: list[Action]) -> list[Action]:
        state = self._snapshot(now).state()
        if state is not self._state:
            self._state = state
            out.append(StateChanged(state))
        return out
