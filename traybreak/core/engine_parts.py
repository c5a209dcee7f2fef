"""Small pure pieces of the break engine: its read-only snapshot (state, status, next deadline),
notices, the rule behind "break now", and how long a tick gap must be to count as away time."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from traybreak.core.actions import EngineState, Notice, RuleStatus, Status
from traybreak.core.model import ActivityPolicy, Kind, Rule
from traybreak.core.occurrence import Occurrence, Phase
from traybreak.core.timer import Observation, RuleTimer

# A break asked for with "break now" when no rule has that kind lasts this long.
MANUAL_BREAK = timedelta(minutes=1)
# Ticks come at least every 0.8 gap limits (Engine.max_tick_interval); an interval longer than
# the limit means the process did not run: suspend, or a stall. Shorter sleeps count as work.
MIN_GAP = timedelta(minutes=2)


def shift(moment: datetime, seconds: float) -> datetime:
    """``moment`` moved by real elapsed ``seconds`` (aware datetime arithmetic is wall arithmetic,
    which is off by the DST change when one lies in between)."""
    return (moment.astimezone(UTC) + timedelta(seconds=seconds)).astimezone(moment.tzinfo)


def gap_limit(activity: ActivityPolicy) -> float:
    """Seconds between ticks beyond which the interval is away time rather than work."""
    return max(MIN_GAP, activity.sample_every * 3).total_seconds()


def choose_manual_rule(rules: Iterable[Rule], kind: Kind) -> Rule:
    """The rule a "break now" of ``kind`` belongs to: an interval rule of that kind if any."""
    same = [rule for rule in rules if rule.kind is kind]
    timed = [rule for rule in same if not rule.is_clock]
    if timed or same:
        return (timed or same)[0]
    return Rule(name=kind.value, kind=kind, duration=MANUAL_BREAK)


def notices(timers: Iterable[RuleTimer], notice: timedelta, skip_pending: bool) -> list[Notice]:
    """One notice per interval when a rule is within ``notice`` of falling due."""
    ahead = notice.total_seconds()
    if skip_pending or ahead <= 0:
        return []
    out = []
    for timer in timers:
        if not timer.noticed and not timer.due and timer.remaining <= ahead:
            timer.noticed = True
            out.append(Notice(timer.rule.name, timer.rule.kind, timedelta(seconds=timer.remaining)))
    return out


class SkipCounter:
    """Skips used today, for ``PromptPolicy.daily_skips``."""

    def __init__(self) -> None:
        self._day: date | None = None
        self._used = 0

    def allowed(self, now: datetime, limit: int | None) -> bool:
        """True while today's skips are under ``limit`` (None: unlimited)."""
        used = self._used if self._day == now.date() else 0
        return limit is None or used < limit

    def count(self, now: datetime) -> None:
        """One more skip today."""
        self._used = (self._used if self._day == now.date() else 0) + 1
        self._day = now.date()


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
    away: bool
    obs: Observation
    last: tuple[datetime, float] | None

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
        waits for the user to come back.
        """
        found = []
        live = self.live
        if live is not None and live.deadline is not None:
            found.append(live.deadline)
        waiting = live is not None and (live.phase is Phase.WAITING or (
            live.phase is Phase.SNOOZED and live.deadline is not None and live.deadline <= mono))
        if waiting:
            found.append(mono + poll)         # it shows as soon as the user is back
        for timer in self.timers.values():
            mine = live is not None and live.rule.name == timer.rule.name
            if not (self.counting and not mine and timer.counts(self.obs.idle)):
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

    def status(self, state: EngineState) -> Status:
        """A snapshot for the tray tooltip and ``traybreak status``."""
        rules = tuple(
            RuleStatus(
                rule.name,
                rule.kind,
                timedelta(seconds=self.timers[rule.name].remaining)
                if rule.name in self.timers else None,
                rule.every,
            )
            for rule in self.rules
        )
        idle = None if self.obs.idle is None else timedelta(seconds=self.obs.idle)
        prompt = self.live.rule.name if self.live is not None else None
        return Status(state, self.paused, self.paused_until, self.skip_pending, prompt, rules, idle)
