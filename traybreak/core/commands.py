"""The user's side of the break engine: answers from the prompt window and the tray's commands
(pause, resume, skip next, break now) and stopping. Mixed into Engine; state lives there."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from traybreak.core.actions import Action
from traybreak.core.engine_base import EngineBase
from traybreak.core.engine_parts import choose_manual_rule, gap_limit
from traybreak.core.model import (
    ActivityPolicy,
    Kind,
    Outcome,
    PromptPolicy,
    Reason,
    Rule,
    WorkingHours,
)
from traybreak.core.occurrence import Occurrence, Phase
from traybreak.core.timer import RuleTimer

log = logging.getLogger(__name__)

ANSWERS = (Outcome.DONE, Outcome.SKIPPED, Outcome.SNOOZED)


class UserCommands(EngineBase):
    """Commands do not advance time: the caller ticks first with a fresh idle sample."""

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

    def note_exercise(self, occurrence: int, exercise_id: str,
                      countdown: timedelta | None = None) -> None:
        """The app picked ``exercise_id`` (taking ``countdown``) for the prompt on screen; it goes
        into its log row, and the prompt times out no sooner than the exercise can be done."""
        if self.live is not None and self.live.id == occurrence:
            self.live.exercise_id = exercise_id
            if countdown is not None:
                self.live.fit_exercise(countdown, self.policy)

    def pause(self, now: datetime, mono: float, until: datetime | None = None
              ) -> list[Action]:
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

    def window_lost(self, now: datetime, mono: float, occurrence: int, reason: Reason,
                    detail: str) -> list[Action]:
        """The prompt window ended without an answer (its own timeout, a crash): ignored."""
        live = self.live
        if live is None or live.id != occurrence or live.phase is not Phase.SHOWN:
            return []
        out: list[Action] = []
        self._finish(live.end(now, Outcome.IGNORED, reason, detail), out)
        return self._with_state(now, out)

    def reconfigure(self, now: datetime, mono: float, rules: Iterable[Rule],
                    activity: ActivityPolicy, prompt: PromptPolicy,
                    hours: WorkingHours | None) -> list[Action]:
        """New settings without a restart. A rule that keeps its name keeps its active time
        (capped by its new interval); a prompt on screen stays until it is answered."""
        old = self.timers
        self.rules = tuple(rule for rule in rules if rule.enabled)
        self.activity, self.policy, self.hours = activity, prompt, hours
        self.tracker.gap_limit = gap_limit(activity)
        self.timers = {}
        for rule in self.rules:
            if rule.every is None or rule.is_clock:
                continue
            timer = RuleTimer(rule, rule.natural_break_length(activity.natural_break)
                              .total_seconds())
            if rule.name in old:
                timer.credit(old[rule.name].active)
            self.timers[rule.name] = timer
        return self._with_state(now, [])

    def stop(self, now: datetime, mono: float) -> list[Action]:
        """The app is quitting: a prompt on screen ends ignored/stopped (one still waiting to be
        shown, suppressed/stopped), and an idle period in progress is logged."""
        live = self.live
        shown = live is not None and live.phase is Phase.SHOWN
        outcome = Outcome.IGNORED if shown else Outcome.SUPPRESSED
        out = self._end_live(now, outcome, Reason.STOPPED, "stopped")
        if self.natural is not None:
            out.append(self.natural.close(now))
            self.natural = None
        return out
