"""The break engine's state as of its latest tick, read-only: what the tray shows, the status
snapshot and the next moment worth a tick."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from traybreak.core.actions import EngineState, RuleStatus, Status
from traybreak.core.durations import shift
from traybreak.core.model import Reason, Rule
from traybreak.core.occurrence import Occurrence, Phase
from traybreak.core.timer import Observation, RuleTimer

#: While a prompt is held (DND, full screen), the busy state is read every this many samples.
HELD_POLL_FACTOR = 3


@dataclass(frozen=True)
class Snapshot:
    """The engine's state as of its latest tick, for the read-only questions."""

    rules: tuple[Rule, ...]
    timers: Mapping[str, RuleTimer]
    live: Occurrence | None
    paused: bool
    paused_until: datetime | None
    skip_pending: bool
    counting: bool
    natural_break: timedelta      # [activity] natural_break: idle this long reads as away
    obs: Observation
    last: tuple[datetime, float] | None
    queued: Occurrence | None = None
    held: tuple[Occurrence, ...] = ()   # held back while the session is busy (core/hold.py)
    busy: Reason | None = None          # the busy state prompts wait for, if any
    hold_until: float | None = None     # when their wait runs out ([prompt] max_wait)

    @property
    def away(self) -> bool:
        """The user has been idle for a natural break and is not back yet."""
        obs = self.obs
        return obs.idle is not None and not obs.returned and (
            obs.away_for >= self.natural_break.total_seconds())

    def state(self) -> EngineState:
        """What the tray should show."""
        if self.paused:
            return EngineState.PAUSED
        if self.live is not None and self.live.phase is Phase.SHOWN:
            return EngineState.PROMPTING
        if self.last is not None and not self.counting:
            return EngineState.OFF_HOURS
        return EngineState.AWAY if self.away else EngineState.ACTIVE

    def next_deadline(self, mono: float, notice: timedelta, poll: float) -> float | None:
        """The next monotonic time worth a tick (future only), as of the tick at ``mono``.

        Besides prompt timeouts, re-shows, notices, due times and the end of a pause: the moment
        the current idle run would become a rule's natural break (so a long pause is seen as it
        completes, without sampling on a short period), and ``poll`` seconds on while a prompt
        waits for the user to come back (``HELD_POLL_FACTOR`` times that while one is held).
        """
        found = []
        live = self.live
        if live is not None and live.deadline is not None:
            found.append(live.deadline)
        if (live is not None and live.phase is Phase.WAITING) or self.reshow_due(mono):
            found.append(mono + poll)         # it shows as soon as the user is back
        if self.held:    # shown soon after the session is free: the busy state is sampled
            # every third sample only. A meeting ends rarely, a prompt 15 s after it (at the
            # default 5 s) is soon enough, and a held hour stays at 4 wakes a minute where
            # every sample made 12 (with the rest, 23 a minute: over the 20 budget).
            found.append(mono + HELD_POLL_FACTOR * poll)
        if self.hold_until is not None:
            found.append(self.hold_until)
        held = {occ.rule.name for occ in self.held}
        for timer in self.timers.values():
            mine = live is not None and live.rule.name == timer.rule.name
            queued = self.queued is not None and self.queued.rule.name == timer.rule.name
            if timer.rule.name in held:   # holds still, but a natural break still resets it
                found.extend(self._natural_at(mono, timer))
                continue
            if queued or not (self.counting and not mine and timer.counts(self.obs.idle)):
                continue
            found.append(mono + timer.remaining)
            if not timer.noticed:
                found.append(mono + timer.remaining - notice.total_seconds())
            if self.obs.idle is not None and (timer.active > 0 or mine):
                found.append(mono - self.obs.idle + timer.natural)
        if self.paused_until is not None and self.last is not None:
            now, at = self.last
            found.append(at + (self.paused_until - now).total_seconds())
        future = [t for t in found if t > mono]
        return min(future) if future else None

    def reshow_due(self, mono: float) -> bool:
        """A snoozed prompt's time is up and it waits to show again (user away, session busy)."""
        live = self.live
        return (live is not None and live.phase is Phase.SNOOZED and live.deadline is not None
                and live.deadline <= mono)

    def _natural_at(self, mono: float, timer: RuleTimer) -> list[float]:
        """When the current idle run becomes ``timer``'s natural break (none when unknown)."""
        return [] if self.obs.idle is None else [mono - self.obs.idle + timer.natural]

    def status(self, state: EngineState) -> Status:
        """A snapshot for the tray tooltip and ``traybreak status``."""
        rules = tuple(self._rule_status(rule) for rule in self.rules)
        idle = None if self.obs.idle is None else timedelta(seconds=self.obs.idle)
        prompt = self.live.rule.name if self.live is not None else None
        return Status(state, self.paused, self.paused_until, self.skip_pending, prompt, rules, idle,
                      self.last[1] if self.last is not None else None, self.busy)

    def _rule_status(self, rule: Rule) -> RuleStatus:
        """One rule: its countdown, or what its prompt is doing when it has one."""
        timer = self.timers.get(rule.name)
        remaining = timedelta(seconds=timer.remaining) if timer is not None else None
        phase, until = self._prompt_of(rule)
        counting = (timer is not None and phase is None and self.counting
                    and timer.counts(self.obs.idle))
        return RuleStatus(rule.name, rule.kind, remaining, rule.every, phase, until,
                          counting=counting)

    def _prompt_of(self, rule: Rule) -> tuple[str | None, datetime | None]:
        """The phase of ``rule``'s live or queued prompt (a snooze that is over and waits for
        the user reads "waiting"), and when a snoozed one comes back."""
        if self.queued is not None and self.queued.rule.name == rule.name:
            return "queued", None
        if any(occ.rule.name == rule.name for occ in self.held):
            return "held", None
        live = self.live
        if live is None or live.rule.name != rule.name:
            return None, None
        if live.phase is not Phase.SNOOZED or live.deadline is None or self.last is None:
            return live.phase.value, None
        now, mono = self.last
        if live.deadline <= mono:
            return Phase.WAITING.value, None
        return live.phase.value, shift(now, live.deadline - mono)
