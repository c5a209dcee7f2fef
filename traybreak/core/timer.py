"""Active-time accounting: idle samples and tick gaps, one countdown per interval rule, and the
notice before one falls due. Times are float seconds on the caller's suspend-inclusive clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta

from traybreak.core.actions import Notice
from traybreak.core.model import ActivityPolicy, Rule

# Ticks come at least every 0.8 gap limits (Engine.max_tick_interval); an interval longer than
# the limit means the process did not run: suspend, or a stall. Shorter sleeps count as work.
# Those ticks are most of the tray's wakes at rest, so the limit is a trade: at 3 min (144 s
# between ticks) a suspend under 3 min counts as work, which brings the next break forward by
# at most that; at 2 min the tray woke half as often again (README, Performance).
MIN_GAP = timedelta(minutes=3)
# Input seen within this much of the previous estimate is the same input (clock jitter between the
# idle API's clock and ours), not a return from an idle run.
_SAME_INPUT_S = 1.0


@dataclass(frozen=True)
class Observation:
    """What one tick tells about the user.

    ``elapsed``: seconds since the previous tick (0 on the first). ``gap``: the tick came much later
    than the sampling period (suspend, lock, a stalled process): that stretch is away time.
    ``away_for``: length of the idle run as far as this tick can tell, gap included (0 when input
    is unknown). ``idle``: the raw sample (None = unknown). ``returned``: new input since the last
    tick ended an idle run (always after a gap unless the sample says nobody touched anything).
    """

    elapsed: float
    gap: bool
    away_for: float
    idle: float | None
    returned: bool


def gap_limit(activity: ActivityPolicy) -> float:
    """Seconds between ticks beyond which the interval is away time rather than work."""
    return max(MIN_GAP, activity.sample_every * 3).total_seconds()


class IdleTracker:
    """Turns (monotonic time, idle sample) pairs into Observations.

    The caller's clock must keep counting through suspend (CLOCK_BOOTTIME on Linux), so a suspend
    shows up as a long interval between ticks rather than as a wall-clock jump.
    """

    def __init__(self, gap_limit: float) -> None:
        self.gap_limit = gap_limit
        self._last_tick: float | None = None
        self._last_input: float | None = None   # monotonic estimate of the latest input
        self.last = Observation(0.0, False, 0.0, None, False)   # the latest tick's

    def observe(self, mono: float, idle: float | None) -> Observation:
        """Account one tick at ``mono``; ``idle``: seconds since the last input (None: unknown)."""
        self.last = self._observe(mono, idle)
        return self.last

    def _observe(self, mono: float, idle: float | None) -> Observation:
        if self._last_tick is None or self._last_input is None:
            self._last_tick = mono
            self._last_input = mono if idle is None else mono - idle
            return Observation(0.0, False, idle or 0.0, idle, False)
        elapsed = max(0.0, mono - self._last_tick)
        gap = elapsed > self.gap_limit
        seen = mono if idle is None else mono - idle
        if gap:
            # Nobody works through a suspend: the run lasted from the last input up to the wake.
            away_for = mono - self._last_input
            # Idle clocks may stop in suspend, so "input after the previous tick" is the best test.
            returned = seen > self._last_tick
            self._last_input = max(seen, self._last_input) if returned else self._last_input
        else:
            returned = seen > self._last_input + _SAME_INPUT_S
            self._last_input = max(seen, self._last_input)
            away_for = 0.0 if idle is None else mono - self._last_input
        self._last_tick = mono
        return Observation(elapsed, gap, away_for, idle, returned)


class RuleTimer:
    """Active time counted towards one interval rule, reset by natural breaks and by each prompt.

    ``natural`` is the idle length that counts as this rule's break (Rule.natural_break_length).
    """

    def __init__(self, rule: Rule, natural: float) -> None:
        if rule.every is None:
            raise ValueError(f"rule {rule.name!r} has no interval")
        self.rule = rule
        self.every = rule.every.total_seconds()
        self.natural = natural
        self.active = 0.0
        self.noticed = False

    def counts(self, idle: float | None) -> bool:
        """True when a tick with this idle sample is work for this rule (unknown counts as work)."""
        return idle is None or idle < self.natural

    def credit(self, seconds: float) -> None:
        """Add active time, up to the interval (a due rule stays due; time does not pile up)."""
        self.active = min(self.every, self.active + max(0.0, seconds))

    def restart(self) -> None:
        """Start a fresh interval (after a prompt ended, or a natural break)."""
        self.active = 0.0
        self.noticed = False

    @property
    def due(self) -> bool:
        """The interval of active time is used up."""
        return self.active >= self.every

    @property
    def remaining(self) -> float:
        """Active seconds left before the rule falls due."""
        return max(0.0, self.every - self.active)


def build_timers(rules: Iterable[Rule], activity: ActivityPolicy,
                 carried_over: Mapping[str, RuleTimer] | None = None) -> dict[str, RuleTimer]:
    """One timer per interval rule, by name. A rule named in ``carried_over`` (the timers before a
    reconfigure) keeps its active time, capped by its interval."""
    timers = {}
    for rule in rules:
        if rule.every is None or rule.is_clock:
            continue
        timer = RuleTimer(rule, rule.natural_break_length(activity.natural_break).total_seconds())
        if carried_over is not None and rule.name in carried_over:
            timer.credit(carried_over[rule.name].active)
        timers[rule.name] = timer
    return timers


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
