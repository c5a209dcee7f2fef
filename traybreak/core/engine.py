"""The break engine: explicit time and idle samples in, actions out (no clock reads, no I/O).

Semantics in brief (docs/engine.md has the full list with the reasons):
- ``mono`` is a monotonic clock that keeps counting through suspend (CLOCK_BOOTTIME on Linux).
  Interval rules count active time on it; wall ``now`` is used only for working hours, clock
  rules, pause-until and log timestamps, so wall-clock jumps (manual, NTP, DST) move no timer.
- A tick interval is work for a rule unless the idle sample at its end reaches the rule's
  natural-break length (idle unknown = work). Idle of at least that length resets the rule (and
  ends its snoozed prompt; a prompt on screen only times out); the idle period is logged once
  (natural/idle, rules joined by "+") when the user is back.
- A tick more than ``gap_limit`` after the previous one is away time (suspend, lock, stall): it
  counts as idle, never as work, so the most a wake can bring is one prompt.
- One live occurrence at a time (waiting, on screen or snoozed). Rules due together, or a rule
  due while another's prompt is live: the longer break wins (ties: the live one, then config
  order); the other is logged suppressed/superseded and its interval restarts.
- Every due prompt gets exactly one final log row: done, skipped, snoozed, ignored, natural or
  suppressed (with the reason). Outside working hours timers hold still and nothing is shown.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from traybreak.core.actions import Action, ClosePrompt, EngineState, Status
from traybreak.core.clock_rules import Verdict, still_waiting
from traybreak.core.commands import UserCommands
from traybreak.core.engine_parts import notices, shift
from traybreak.core.model import Outcome, Reason
from traybreak.core.natural import NaturalBreak
from traybreak.core.occurrence import Occurrence, Phase, final_only
from traybreak.core.timer import Observation

log = logging.getLogger(__name__)


class Engine(UserCommands):
    """Decides when to prompt. Feed it ticks and user commands; carry out the actions it returns.

    Commands (answer, pause, ...) do not advance time: call ``tick`` first with a fresh sample.
    State and shared helpers live in EngineBase, the user's commands in UserCommands.
    """

    def tick(self, now: datetime, mono: float, idle: timedelta | None,
             clock_due: Sequence[tuple[str, datetime]] = ()) -> list[Action]:
        """Advance to (``now``, ``mono``) with an idle sample; ``clock_due`` from the scheduler."""
        out: list[Action] = []
        obs = self._obs = self.tracker.observe(mono, None if idle is None else idle.total_seconds())
        self._natural_resets(now, obs, out)
        if obs.returned and self.natural is not None:
            out.append(self.natural.close(now))
            self.natural = None
        counting = self._in_hours(now) and not self.paused   # paused through this interval
        for timer in self._idle_timers():
            if counting and not obs.gap and timer.counts(obs.idle):
                timer.credit(obs.elapsed)
        if self.paused and self.paused_until is not None and now >= self.paused_until:
            self.paused, self.paused_until = False, None
            counting = self._in_hours(now)
        self._advance_live(now, mono, out)
        fresh = self._due_now(now, counting) + self._clock_due(now, clock_due, out)
        self._contend(now, mono, fresh, out)
        if counting:
            out.extend(notices(self._idle_timers(), self.policy.notice, self.skip_pending))
        self._last = (now, mono)
        return self._with_state(now, out)

    def _natural_resets(self, now: datetime, obs: Observation, out: list[Action]) -> None:
        """Reset every rule whose natural-break length the idle run has reached.

        A prompt on screen is left alone (the user may be doing the exercise, hands off the
        keyboard; its timeout ends it); a snoozed one ends here as natural.
        """
        for timer in self.timers.values():
            live = self.live if self.live is not None and self.live.rule == timer.rule else None
            if live is not None and live.phase is Phase.SHOWN:
                continue
            if obs.away_for < timer.natural or not (timer.active > 0 or live is not None):
                continue
            if self.natural is None:
                since = shift(now, -obs.away_for)
                self.natural = NaturalBreak(next(self._ids), since, shift(since, timer.natural))
            self.natural.add(timer.rule)
            timer.restart()
            if live is not None and self.natural.occurrence is None:
                self.natural.occurrence, self.live = live, None
            elif live is not None:
                self._finish(live.end(now, Outcome.NATURAL, Reason.IDLE), out)

    def _advance_live(self, now: datetime, mono: float, out: list[Action]) -> None:
        live = self.live
        if live is None:
            return
        passed = live.deadline is not None and mono >= live.deadline
        if live.phase is Phase.SHOWN and passed:
            out.append(ClosePrompt(live.id, "timeout"))
            self._finish(live.end(now, Outcome.IGNORED, Reason.TIMEOUT), out)
        elif live.phase is Phase.SNOOZED and not self._in_hours(now):
            self._finish(live.end(now, Outcome.SUPPRESSED, Reason.OFF_HOURS), out)
        elif live.phase is Phase.SNOOZED and passed and self._present(live.rule):
            out.append(live.show(now, mono, self.policy, self._skip_allowed(now)))
        elif live.phase is Phase.WAITING and not still_waiting(live.due_at, now, self.hours):
            self._finish(live.end(now, Outcome.SUPPRESSED, Reason.IDLE), out)
        elif live.phase is Phase.WAITING and self._present(live.rule):
            out.append(live.show(now, mono, self.policy, self._skip_allowed(now)))

    def _due_now(self, now: datetime, counting: bool) -> list[Occurrence]:
        if not counting:
            return []
        due = [t for t in self._idle_timers() if t.due]
        return [Occurrence(next(self._ids), t.rule, now) for t in due]

    def _clock_due(self, now: datetime, due: Sequence[tuple[str, datetime]], out: list[Action]
                   ) -> list[Occurrence]:
        fresh: list[Occurrence] = []
        for name, scheduled_for in due:
            rule = next((r for r in self.rules if r.name == name and r.is_clock), None)
            if rule is None:
                log.debug("clock due for unknown or disabled rule %s", name)
                continue
            verdict, reason = self._clock.verdict(
                rule, scheduled_for, now, self.hours, self.paused, self._present(rule))
            if verdict is Verdict.SUPPRESS and reason is not None:
                out.append(final_only(rule, next(self._ids), scheduled_for,
                                      Outcome.SUPPRESSED, reason))
            elif verdict in (Verdict.PROMPT, Verdict.WAIT):
                fresh.append(Occurrence(next(self._ids), rule, scheduled_for))
        return fresh

    def _contend(self, now: datetime, mono: float, fresh: list[Occurrence], out: list[Action]
                 ) -> None:
        """Only one prompt: the longest break wins; the others are superseded and restart."""
        if not fresh:
            return
        order = {rule.name: i for i, rule in enumerate(self.rules)}
        pool = fresh + ([self.live] if self.live is not None else [])
        winner = max(pool, key=lambda o: (o.rule.duration, o is self.live, -order[o.rule.name]))
        for loser in pool:
            if loser is winner:
                continue
            if loser is self.live and loser.phase is Phase.SHOWN:
                out.append(ClosePrompt(loser.id, "superseded"))
            self._finish(loser.end(now, Outcome.SUPPRESSED, Reason.SUPERSEDED), out)
        if winner is self.live:
            return
        if self.skip_pending:
            self.skip_pending = False
            self._finish(winner.end(now, Outcome.SKIPPED, Reason.USER, "skip next"), out)
            return
        self.live = winner
        out.append(winner.record())
        if self._present(winner.rule):
            out.append(winner.show(now, mono, self.policy, self._skip_allowed(now)))

    # --- queries ----------------------------------------------------------------------------

    def next_deadline(self) -> float | None:
        """Monotonic time of the next thing the engine will do if the user keeps working."""
        if self._last is None:
            return None
        now, mono = self._last
        poll = self.activity.sample_every.total_seconds()
        return self._snapshot(now).next_deadline(mono, self.policy.notice, poll)

    @property
    def max_tick_interval(self) -> float:
        """The longest the caller may go between ticks (s) before the interval reads as a gap."""
        return self.tracker.gap_limit * 0.8   # leaves room for a late wake under load

    def status(self) -> Status:
        """State, pause and time left per rule, as of the latest tick."""
        now = self._last[0] if self._last is not None else None
        return self._snapshot(now).status(self._state or EngineState.ACTIVE)
