"""The break engine: the one Engine, which turns ticks (both clocks and an idle sample) and the
user's commands into actions (show, close, record, notify). No clock reads, no I/O."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from traybreak.core.actions import Action, ClosePrompt, EngineState, Record, StateChanged, Status
from traybreak.core.clock_rules import ClockBook, still_waiting
from traybreak.core.hold import Hold
from traybreak.core.model import (
    ActivityPolicy,
    Feedback,
    Kind,
    Outcome,
    PromptPolicy,
    Reason,
    Rule,
    WorkingHours,
)
from traybreak.core.natural import NaturalBreak, reset_by_idle
from traybreak.core.occurrence import Occurrence, Phase, choose_manual_rule, contest
from traybreak.core.skips import SkipCounter
from traybreak.core.snapshot import Snapshot
from traybreak.core.timer import IdleTracker, RuleTimer, build_timers, gap_limit, notices

log = logging.getLogger(__name__)


class Engine:
    """Decides when to prompt (docs/engine.md has the rules and their reasons). Feed it ticks and
    user commands, carry out the actions it returns. Commands do not advance time: tick first."""

    def __init__(self, rules: Iterable[Rule], activity: ActivityPolicy, prompt: PromptPolicy,
                 hours: WorkingHours | None = None, skips: SkipCounter | None = None) -> None:
        """``skips``: the skips already used today (the app seeds them from the log)."""
        self.rules = tuple(rule for rule in rules if rule.enabled)
        self.activity, self.policy, self.hours = activity, prompt, hours
        self.timers = build_timers(self.rules, activity)
        self.tracker = IdleTracker(gap_limit(activity))
        self.live: Occurrence | None = None
        self.queued: Occurrence | None = None   # fell due while the live one is on screen
        self.natural: NaturalBreak | None = None
        self.paused = self.skip_pending = False
        self.paused_until: datetime | None = None
        self._clock, self._ids = ClockBook(), itertools.count(1)
        self._last: tuple[datetime, float] | None = None
        self._state: EngineState | None = None
        self._skips = skips or SkipCounter()
        self.hold = Hold()   # prompts held back while the session is busy (DND, full screen)

    # --- time passing -------------------------------------------------------------------------

    def tick(self, now: datetime, mono: float, idle: timedelta | None,
             clock_due: Sequence[tuple[str, datetime]] = (),
             busy: frozenset[Reason] = frozenset()) -> list[Action]:
        """Advance to (``now``, ``mono``) with an idle sample; ``clock_due`` from the scheduler;
        ``busy``: the session's busy states now (Reason.DND, Reason.FULLSCREEN)."""
        out: list[Action] = []
        self.hold.update(busy, self.policy)
        obs = self.tracker.observe(mono, None if idle is None else idle.total_seconds())
        self.natural, self.live, ended = reset_by_idle(   # (a queued prompt shows regardless)
            self.natural, self._idle_timers(self.live, *self.hold.held), self.live, obs, now,
            self._ids)
        self.hold.drop_reset(self.timers)
        for record in ended:
            self._finish(record, out)
        if obs.returned:
            self._close_natural(now, out)
        counting = self._in_hours(now) and not self.paused   # paused through this interval
        for timer in self._idle_timers():
            if counting and not obs.gap and timer.counts(obs.idle):
                timer.credit(obs.elapsed)
        if self.paused and self.paused_until is not None and now >= self.paused_until:
            self.paused, self.paused_until = False, None
            counting = self._in_hours(now)
        if not self._in_hours(now):
            self.hold.drop(self.timers)
        self._advance_live(now, mono, out)
        released = self.hold.release(now, mono, self.policy, self.rules, self.timers, self._ids)
        fresh = [*([released] if released else []), *self._due_now(now, counting)]
        on_clock, suppressed = self._clock.sort(clock_due, self.rules, now, self.hours,
                                                self.paused, self._present, self._ids)
        out.extend(suppressed)
        self._contend(now, mono, fresh + on_clock, out)
        if counting and self.hold.reason is None:   # no heads-up over a presentation either
            out.extend(notices(self._idle_timers(), self.policy.notice, self.skip_pending))
        self.hold.settle(self._snapshot(now).reshow_due(mono))
        self._last = (now, mono)
        return self._with_state(now, out)

    def _close_natural(self, now: datetime, out: list[Action]) -> None:
        """Log the idle period in progress, if any (the user is back, or the app stops)."""
        if self.natural is not None:
            out.append(self.natural.close(now))
            self.natural = None

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
            self._show_or_hold(live, now, mono, out)
        elif live.phase is Phase.WAITING and not still_waiting(live.due_at, now, self.hours):
            self._finish(live.end(now, Outcome.SUPPRESSED, Reason.IDLE), out)
        elif live.phase is Phase.WAITING and self._present(live.rule):
            self._show_or_hold(live, now, mono, out)

    def _show_or_hold(self, occ: Occurrence, now: datetime, mono: float, out: list[Action]
                      ) -> None:
        """Show ``occ`` now, unless the session is busy: then a due one is held back (its row
        ends suppressed), and a snoozed one's re-show waits (its row stays open)."""
        if not self.hold.blocks(mono, self.policy):
            out.append(self._show(occ, now, mono))
        elif occ.phase is Phase.SNOOZED:
            self.hold.start_wait(mono)
        else:
            out.append(self.hold.hold(occ, now, mono))
            if occ is self.live:
                self.live = None

    def _due_now(self, now: datetime, counting: bool) -> list[Occurrence]:
        due = [t for t in self._idle_timers() if t.due] if counting else []
        return [Occurrence(next(self._ids), t.rule, now) for t in due]

    def _contend(self, now: datetime, mono: float, fresh: list[Occurrence], out: list[Action]
                 ) -> None:
        """Only one prompt (occurrence.contest): the losers are superseded and restart; a winner
        waits its turn behind the prompt on screen (``queued``) rather than cut it."""
        queued, live = self.queued, self.live
        if queued is not None and not (live is not None and live.phase is Phase.SHOWN):
            fresh, queued, self.queued = [queued, *fresh], None, None   # its turn
        if not fresh:
            return
        winner, losers, waits = contest(fresh, live, queued, self.rules)
        for loser in losers:
            self._finish(loser.end(now, Outcome.SUPPRESSED, Reason.SUPERSEDED), out)
        self.queued = winner if waits else None
        if waits and winner is not queued:   # its open row now; it is shown after the live one
            out.append(winner.record())
        if waits or winner is live:
            return
        if self.skip_pending:
            self.skip_pending = False
            self._finish(winner.end(now, Outcome.SKIPPED, Reason.USER, "skip next"), out)
            return
        if self.hold.blocks(mono, self.policy):
            out.append(self.hold.hold(winner, now, mono))
            return
        self.live = winner
        out.append(winner.record())
        if self._present(winner.rule):
            out.append(self._show(winner, now, mono))

    # --- the user's commands ------------------------------------------------------------------

    def answer(self, now: datetime, mono: float, occurrence: int, outcome: Outcome,
               feedback: Feedback | None = None) -> list[Action]:
        """The prompt window's answer: done, skipped or snoozed, and for done the ``feedback``
        the user added (logged with the row). Stale answers are ignored."""
        live = self._on_screen(occurrence)
        if live is None:
            log.debug("answer %s for occurrence %s, which is not on screen", outcome, occurrence)
            return []
        out: list[Action] = []
        record = live.answered(now, mono, outcome, self.policy, feedback)
        if record is not None:
            self._finish(record, out)
        return self._settle(now, mono, out)

    def note_exercise(self, occurrence: int, exercise_id: str,
                      countdown: timedelta | None = None, level: int | None = None
                      ) -> list[Action]:
        """The app chose ``exercise_id`` (``countdown`` long, at progression ``level``) for the
        prompt on screen: its open row names it now (the Record returned), and the prompt times
        out no sooner than it is done."""
        live = self.live
        if live is None or live.id != occurrence:
            return []
        return [live.note(exercise_id, countdown, self.policy, level)]

    def pause(self, now: datetime, mono: float, until: datetime | None = None) -> list[Action]:
        """Pause until ``until`` (None: until resumed). A live prompt ends suppressed/paused."""
        out = self._end_live(now, Outcome.SUPPRESSED, Reason.PAUSED, "paused", queued=True)
        self.hold.drop(self.timers)
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
        return self._settle(now, mono, self._end_live(now, Outcome.SKIPPED, Reason.USER,
                                                      "skipped"))

    def break_now(self, now: datetime, mono: float, kind: Kind) -> list[Action]:
        """Show a break of ``kind`` at once (even when paused or outside working hours)."""
        out = self._end_live(now, Outcome.SUPPRESSED, Reason.SUPERSEDED, "superseded",
                             queued=True)
        self.hold.drop(self.timers)
        self.live = occ = Occurrence(next(self._ids), choose_manual_rule(self.rules, kind), now,
                                     manual=True)
        out += [occ.record(), self._show(occ, now, mono)]
        return self._with_state(now, out)

    def window_lost(self, now: datetime, mono: float, occurrence: int, reason: Reason,
                    detail: str) -> list[Action]:
        """The prompt window ended without an answer (its own timeout, a crash): ignored; one
        stopped from outside (logout) is suppressed/stopped, as at the app's own stop."""
        live = self._on_screen(occurrence)
        if live is None:
            return []
        out: list[Action] = []
        outcome = Outcome.SUPPRESSED if reason is Reason.STOPPED else Outcome.IGNORED
        self._finish(live.end(now, outcome, reason, detail), out)
        return self._settle(now, mono, out)

    def reconfigure(self, now: datetime, mono: float, rules: Iterable[Rule],
                    activity: ActivityPolicy, prompt: PromptPolicy,
                    hours: WorkingHours | None) -> list[Action]:
        """New settings without a restart. A rule that keeps its name keeps its active time
        (capped by its new interval); a prompt on screen stays until it is answered."""
        self.rules = tuple(rule for rule in rules if rule.enabled)
        self.activity, self.policy, self.hours = activity, prompt, hours
        self.tracker.gap_limit = gap_limit(activity)
        self.timers = build_timers(self.rules, activity, carried_over=self.timers)
        self.hold.drop(self.timers, keep=self.rules)
        return self._with_state(now, [])

    def stop(self, now: datetime, mono: float) -> list[Action]:
        """The app is quitting: the live prompt ends suppressed/stopped (quitting is not the user
        ignoring it), and an idle period in progress is logged."""
        out = self._end_live(now, Outcome.SUPPRESSED, Reason.STOPPED, "stopped", queued=True)
        self._close_natural(now, out)
        return out

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

    def _snapshot(self, now: datetime | None) -> Snapshot:
        counting = now is not None and self._in_hours(now) and not self.paused
        return Snapshot(self.rules, self.timers, self.live, self.paused, self.paused_until,
                        self.skip_pending, counting, self.activity.natural_break,
                        self.tracker.last, self._last, self.queued, tuple(self.hold.held),
                        self.hold.reason, self.hold.cap_deadline(self.policy))

    def _idle_timers(self, *keep: Occurrence | None) -> list[RuleTimer]:
        """Timers free to count: those whose rule has no live or queued prompt (but ``keep``)."""
        busy = {o.rule.name for o in (self.live, self.queued, *self.hold.held)
                if o is not None and o not in keep}
        return [t for t in self.timers.values() if t.rule.name not in busy]

    def _in_hours(self, now: datetime) -> bool:
        return self.hours is None or self.hours.contains(now)

    def _present(self, rule: Rule) -> bool:
        """The user is at the desk for ``rule``: idle unknown or shorter than its natural break."""
        natural = rule.natural_break_length(self.activity.natural_break).total_seconds()
        idle = self.tracker.last.idle
        return idle is None or idle < natural

    def _on_screen(self, occurrence: int) -> Occurrence | None:
        """The live prompt if it is ``occurrence`` and on screen (else an answer is stale)."""
        live = self.live
        shown = live is not None and live.id == occurrence and live.phase is Phase.SHOWN
        return live if shown else None

    def _finish(self, record: Record, out: list[Action]) -> None:
        """Log a final row; its rule's interval starts again; a live or queued one is no longer
        so; a user skip counts towards today's."""
        out.append(record)
        self._skips.note(record.record)
        if self.live is not None and record.occurrence == self.live.id:
            self.live = None
        if self.queued is not None and record.occurrence == self.queued.id:
            self.queued = None
        if record.record.rule in self.timers:
            self.timers[record.record.rule].restart()

    def _end_live(self, now: datetime, outcome: Outcome, reason: Reason, why: str,
                  queued: bool = False) -> list[Action]:
        """End the live prompt (closing its window), and with ``queued`` the one behind it."""
        out: list[Action] = []
        if queued and self.queued is not None:
            self._finish(self.queued.end(now, outcome, reason), out)
        if self.live is not None:
            if self.live.phase is Phase.SHOWN:
                out.append(ClosePrompt(self.live.id, why))
            self._finish(self.live.end(now, outcome, reason), out)
        return out

    def _show(self, occ: Occurrence, now: datetime, mono: float) -> Action:
        """Put ``occ`` on screen (ShowPrompt), with the skips left today."""
        return occ.show(now, mono, self.policy, self._skips.left(now, self.policy.daily_skips))

    def _settle(self, now: datetime, mono: float, out: list[Action]) -> list[Action]:
        """After the prompt on screen ended: a break queued behind it gets its turn."""
        self._contend(now, mono, [], out)
        return self._with_state(now, out)

    def _with_state(self, now: datetime, out: list[Action]) -> list[Action]:
        state = self._snapshot(now).state()
        if state is not self._state:
            self._state = state
            out.append(StateChanged(state))
        return out
