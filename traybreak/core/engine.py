"""The break engine: explicit time and idle samples in, actions out (no clock reads, no I/O).

Semantics in brief (docs/engine.md has the full list with the reasons):
- ``mono`` is a monotonic clock that keeps counting through suspend (CLOCK_BOOTTIME on Linux).
  Interval rules count active time on it; wall ``now`` is used only for working hours, clock
  rules, pause-until and log timestamps, so wall-clock jumps (manual, NTP, DST) move no timer.
- A tick interval is work for a rule unless the idle sample at its end reaches the rule's
  natural-break length (idle unknown = work). Idle of at least that length resets the rule; the
  idle period is logged once (natural/idle, rules joined by "+") when the user is back.
- A tick more than ``gap_limit`` after the previous one is away time (suspend, lock, stall): it
  counts as idle, never as work, so the most a wake can bring is one prompt.
- One live occurrence at a time (waiting, on screen or snoozed). Rules due together, or a rule
  due while another's prompt is live: the longer break wins (ties: the live one, then config
  order); the other is logged suppressed/superseded and its interval restarts.
- Every due prompt gets exactly one final log row: done, skipped, snoozed, ignored, natural or
  suppressed (with the reason). Outside working hours timers hold still and nothing is shown.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from traybreak.core.actions import (
    Action,
    ClosePrompt,
    EngineState,
    Record,
    StateChanged,
    Status,
)
from traybreak.core.clock_rules import ClockBook, Verdict, still_waiting
from traybreak.core.engine_parts import (
    SkipCounter,
    Snapshot,
    choose_manual_rule,
    gap_limit,
    notices,
    shift,
)
from traybreak.core.model import (
    ActivityPolicy,
    Kind,
    Outcome,
    PromptPolicy,
    Reason,
    Rule,
    WorkingHours,
)
from traybreak.core.natural import NaturalBreak
from traybreak.core.occurrence import Occurrence, Phase, final_only
from traybreak.core.timer import IdleTracker, Observation, RuleTimer

log = logging.getLogger(__name__)

ANSWERS = (Outcome.DONE, Outcome.SKIPPED, Outcome.SNOOZED)


class Engine:
    """Decides when to prompt. Feed it ticks and user commands; carry out the actions it returns.

    Commands (answer, pause, ...) do not advance time: call ``tick`` first with a fresh sample.
    """

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

    # --- time passing ---------------------------------------------------------------------

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
        for timer in self.timers.values():
            live_here = self.live is not None and self.live.rule == timer.rule
            if obs.away_for < timer.natural or not (timer.active > 0 or live_here):
                continue
            if self.natural is None:
                since = shift(now, -obs.away_for)
                reached = shift(since, timer.natural)
                self.natural = NaturalBreak(next(self._ids), since, reached)
            self.natural.add(timer.rule)
            timer.restart()
            if live_here and self.live is not None:
                if self.live.phase is Phase.SHOWN:
                    out.append(ClosePrompt(self.live.id, "natural"))
                self.natural.occurrence, self.live = self.live, None

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

    # --- user commands --------------------------------------------------------------------

    def answer(self, now: datetime, mono: float, occurrence: int, outcome: Outcome,
               exercise_id: str | None = None) -> list[Action]:
        """The prompt window's answer: done, skipped or snoozed. Stale answers are ignored."""
        if outcome not in ANSWERS:
            raise ValueError(f"a prompt is answered done, skipped or snoozed, not {outcome}")
        live = self.live
        if live is None or live.id != occurrence or live.phase is not Phase.SHOWN:
            log.debug("answer %s for occurrence %s, which is not on screen", outcome, occurrence)
            return []
        live.exercise_id = exercise_id or live.exercise_id
        out: list[Action] = []
        can_snooze = not live.manual and live.snoozes < self.policy.max_snoozes
        if outcome is Outcome.SNOOZED and can_snooze:
            live.snooze(mono, self.policy)
        elif outcome is Outcome.SNOOZED:
            self._finish(live.end(now, Outcome.SKIPPED, Reason.USER, "snooze not available"), out)
        else:
            self._count_skip(now, outcome)
            reason = Reason.USER if outcome is Outcome.SKIPPED else None
            self._finish(live.end(now, outcome, reason), out)
        return self._with_state(now, out)

    def note_exercise(self, occurrence: int, exercise_id: str) -> None:
        """The app picked ``exercise_id`` for the prompt on screen; it goes into its log row."""
        if self.live is not None and self.live.id == occurrence:
            self.live.exercise_id = exercise_id

    def pause(self, now: datetime, mono: float, until: datetime | None = None) -> list[Action]:
        """Pause until ``until`` (None: until resumed). A live prompt ends suppressed/paused."""
        out = self._end_live(now, Outcome.SUPPRESSED, Reason.PAUSED, "paused")
        self.paused, self.paused_until = True, until
        return self._with_state(now, out)

    def resume(self, now: datetime, mono: float) -> list[Action]:
        """End a pause now. Timers go on from where they held still."""
        self.paused, self.paused_until = False, None
        return self._with_state(now, [])

    def skip_next(self, now: datetime, mono: float) -> list[Action]:
        """Skip the live prompt if there is one, else the next one to fall due (logged skipped)."""
        if self.live is None:
            self.skip_pending = True
            return self._with_state(now, [])
        self._count_skip(now, Outcome.SKIPPED)
        return self._with_state(now, self._end_live(now, Outcome.SKIPPED, Reason.USER, "skipped"))

    def break_now(self, now: datetime, mono: float, kind: Kind) -> list[Action]:
        """Show a break of ``kind`` at once (even when paused or outside working hours)."""
        out = self._end_live(now, Outcome.SUPPRESSED, Reason.SUPERSEDED, "superseded")
        occ = Occurrence(next(self._ids), choose_manual_rule(self.rules, kind), now, manual=True)
        self.live = occ
        out += [occ.record(), occ.show(now, mono, self.policy, self._skip_allowed(now))]
        return self._with_state(now, out)

    def stop(self, now: datetime, mono: float) -> list[Action]:
        """The app is quitting: end the live prompt (suppressed/stopped), log an idle period."""
        out = self._end_live(now, Outcome.SUPPRESSED, Reason.STOPPED, "stopped")
        if self.natural is not None:
            out.append(self.natural.close(now))
            self.natural = None
        return out

    # --- queries ----------------------------------------------------------------------------

    def next_deadline(self) -> float | None:
        """Monotonic time of the next thing the engine will do if the user keeps working."""
        if self._last is None:
            return None
        now, mono = self._last
        return self._snapshot(now).next_deadline(mono, self.policy.notice)

    def status(self) -> Status:
        """State, pause and time left per rule, as of the latest tick."""
        now = self._last[0] if self._last is not None else None
        return self._snapshot(now).status(self._state or EngineState.ACTIVE)

    # --- internals --------------------------------------------------------------------------

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
