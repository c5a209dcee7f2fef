"""The engine thread: sleeps on one Event until the next deadline or command, samples idle time
and the busy state (do-not-disturb, full screen) once per wake, ticks the pure engine and the
clock-rule scheduler, hands the actions to a sink.

Runs on its own thread; other threads only call ``submit``/``stop`` and read ``status``.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from traybreak.app.clock_jobs import ClockScheduler
from traybreak.app.clocks import Clocks
from traybreak.config.settings import Config
from traybreak.core.actions import Action, EngineState, ShowPrompt, Status
from traybreak.core.durations import shift
from traybreak.core.engine import Engine
from traybreak.core.model import Feedback, Kind, Outcome, Reason
from traybreak.core.skips import SkipCounter
from traybreak.platform.busy.base import BusySources
from traybreak.platform.idle.base import IdleSource, Wakes, WatchesReturn

log = logging.getLogger(__name__)

Sink = Callable[[Sequence[Action]], None]
# Never sleep less than this: a deadline the engine cannot act on yet must not become a busy loop.
MIN_WAIT_S = 0.05
# Wall and monotonic progress differing by more than this between two wakes is worth a log line.
_JUMP_S = 2.0
#: The longest sleep while the user is away and the idle source will wake us at their return
#: (platform/idle/base.py, WatchesReturn): there is nothing to count until then, so the ticks
#: every 144 s that keep work intervals honest are not needed; this many still come, for what
#: no source tells (a new day for the tray's counts, a source that broke without a word).
AWAY_WAKE_S = 600.0


@dataclass(frozen=True)
class Pause:
    """Pause prompts: for ``duration``, until ``until``, or (both None) until resumed."""

    duration: timedelta | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class Resume:
    """End a pause now."""


@dataclass(frozen=True)
class SkipNext:
    """Skip the prompt on screen, or else the next one to fall due."""


@dataclass(frozen=True)
class BreakNow:
    """Show a break of ``kind`` now."""

    kind: Kind


@dataclass(frozen=True)
class Answer:
    """The prompt window's result for ``occurrence``: done, skipped or snoozed, and what the
    user added after Done (``feedback``)."""

    occurrence: int
    outcome: Outcome
    feedback: Feedback | None = None


@dataclass(frozen=True)
class NoteExercise:
    """The app chose ``exercise_id`` for the prompt ``occurrence`` at its first show: the engine's
    occurrence keeps it (its log rows and re-shows carry it, with its progression ``level``) and
    times out no sooner than ``countdown``."""

    occurrence: int
    exercise_id: str
    countdown: timedelta | None = None
    level: int | None = None


@dataclass(frozen=True)
class WindowLost:
    """The window of ``occurrence`` ended without an answer (timed out, crashed): ignored."""

    occurrence: int
    reason: Reason
    detail: str


@dataclass(frozen=True)
class Reconfigure:
    """Use ``config`` from now on (the file changed, or `traybreak reload`)."""

    config: Config


Command = Pause | Resume | SkipNext | BreakNow | Answer | NoteExercise | WindowLost | Reconfigure


def engine_for(config: Config, skips: SkipCounter | None = None) -> Engine:
    """A fresh engine for ``config``'s rules and policies; ``skips``: those used today so far."""
    return Engine(config.rules, config.activity, config.prompt, config.hours, skips)


class EngineService:
    """The engine's loop. ``run`` blocks until ``stop``; everything else is thread-safe."""

    def __init__(self, engine: Engine, scheduler: ClockScheduler | None, idle: IdleSource,
                 sink: Sink, clocks: Clocks | None = None, *,
                 on_wake: Callable[[], None] | None = None,
                 wake_every: float | None = None, busy: BusySources | None = None) -> None:
        """``on_wake`` runs on the loop after every wake (the tray's refresh and config check),
        and ``wake_every`` (s; settable later) caps the sleep so it runs that often while a
        countdown runs: one timer for the engine and the tray, rather than a second thread
        waking on its own schedule (the tray sets it only where the config file cannot be
        watched). ``busy``: the session's do-not-disturb and full-screen sources, sampled once
        per wake."""
        self.engine, self.scheduler, self.idle, self.sink = engine, scheduler, idle, sink
        self.busy = busy or BusySources([])
        self.clocks = clocks or Clocks()
        self.on_wake, self.wake_every = on_wake, wake_every
        self._commands: queue.SimpleQueue[Command] = queue.SimpleQueue()
        self._wake = threading.Event()
        self._stopping = False
        self._status: Status | None = None
        self._last: tuple[datetime, float, float] | None = None
        self._planned: float | None = None   # mono time the current sleep was meant to end
        self.wakes = 0          # loop iterations so far (tests and the bench read it)
        if isinstance(idle, Wakes):
            # A lock or unlock wakes the loop, so the status and a natural break follow it at
            # once rather than at the next planned wake (up to a minute later).
            idle.set_waker(self.wake)

    def submit(self, command: Command) -> None:
        """Queue a user command; the loop wakes for it at once."""
        self._commands.put(command)
        self._wake.set()

    def wake(self) -> None:
        """Wake the loop now (the config file changed): it ticks and runs ``on_wake``."""
        self._wake.set()

    def stop(self) -> None:
        """Ask the loop to end the live prompt, flush the log and return."""
        self._stopping = True
        self._wake.set()

    @property
    def status(self) -> Status | None:
        """The engine's status as of the latest wake, its countdowns moved on to now (None
        before the first wake)."""
        status = self._status
        return status.at(self.clocks.mono()) if status is not None else None

    def _current_status(self) -> Status:
        """The engine's status with each clock rule's next due time from the scheduler."""
        status = self.engine.status()
        if self.scheduler is None:
            return status
        runs = self.scheduler.next_runs()
        return replace(status, rules=tuple(replace(r, next_at=runs.get(r.name))
                                           for r in status.rules))

    def run(self) -> None:
        """The loop: tick, run commands, hand actions over, sleep until the next deadline."""
        while True:
            self.wakes += 1
            now, mono = self.clocks.wall(), self.clocks.mono()
            # Read once: a stop asked while this iteration runs (the sink starting a window)
            # gets an iteration of its own, which ends the prompt on screen and logs it.
            stopping = self._stopping
            try:
                actions = self._step(now, mono)
                if stopping:
                    actions += self.engine.stop(now, mono)
                # Before the sink: it refreshes the tray from ``status``, which must already
                # say what these actions did (a pause must not show as active for a minute).
                self._status = self._current_status()
                if actions:
                    self._note_due(actions, mono)
                    self.sink(actions)
            except Exception:  # one bad iteration must not stop break reminders for the day
                log.exception("engine step failed")
            if stopping:
                return
            self._after_wake()
            timeout = self._timeout(now, mono)
            self._planned = mono + timeout
            self.clocks.wait(self._wake, timeout)
            self._wake.clear()

    def _after_wake(self) -> None:
        if self.on_wake is None:
            return
        try:
            self.on_wake()
        except Exception:  # the tray's trouble must not stop the engine
            log.exception("the after-wake hook failed")

    def _note_due(self, actions: Sequence[Action], mono: float) -> None:
        """Log when each prompt shown now fell due: the planned end of the sleep when the
        timer woke us, else (a command woke us) now. bench/prompt_due.py reads this line."""
        planned = self._planned
        due = mono if planned is None else min(planned, mono)
        for action in actions:
            if isinstance(action, ShowPrompt):
                log.debug("prompt %s fell due at mono %.6f (engine woke %.1f ms later)",
                          action.occurrence, due, (mono - due) * 1000)

    def _step(self, now: datetime, mono: float) -> list[Action]:
        self._explain_jumps(now, mono)
        due = self.scheduler.due(now) if self.scheduler is not None else []
        actions = self.engine.tick(now, mono, self._sample(), due, busy=self.busy.sample())
        while True:
            try:
                command = self._commands.get_nowait()
            except queue.Empty:
                return actions
            actions += self._apply(command, now, mono)

    def _apply(self, command: Command, now: datetime, mono: float) -> list[Action]:
        engine = self.engine
        if isinstance(command, Pause):
            until = command.until
            if command.duration is not None:
                until = shift(now, command.duration.total_seconds())
            return engine.pause(now, mono, until)
        if isinstance(command, Resume):
            return engine.resume(now, mono)
        if isinstance(command, SkipNext):
            return engine.skip_next(now, mono)
        if isinstance(command, BreakNow):
            return engine.break_now(now, mono, command.kind)
        if isinstance(command, Answer):
            return engine.answer(now, mono, command.occurrence, command.outcome, command.feedback)
        if isinstance(command, WindowLost):
            return engine.window_lost(now, mono, command.occurrence, command.reason,
                                      command.detail)
        if isinstance(command, Reconfigure):
            return self._reconfigure(command.config, now, mono)
        return engine.note_exercise(command.occurrence, command.exercise_id, command.countdown,
                                    command.level)

    def _reconfigure(self, config: Config, now: datetime, mono: float) -> list[Action]:
        if self.scheduler is not None:
            self.scheduler.set_rules(config.rules, now)
        return self.engine.reconfigure(now, mono, config.rules, config.activity, config.prompt,
                                       config.hours)

    def _sample(self) -> timedelta | None:
        try:
            return self.idle.idle()
        except Exception:  # an idle API that fails means "unknown", which counts as active
            log.warning("idle source %s failed; counting as active", self.idle.name,
                        exc_info=True)
            return None

    def _timeout(self, now: datetime, mono: float) -> float:
        """Seconds to sleep: the engine's next deadline, the next clock rule, or the longest
        interval between ticks the engine accepts as continuous, whichever comes first."""
        waits = [self._longest_sleep()]
        if self.wake_every is not None and self._counting():
            waits.append(self.wake_every)
        deadline = self.engine.next_deadline()
        if deadline is not None:
            waits.append(deadline - mono)
        if self.scheduler is not None:
            until_clock = self.scheduler.seconds_until_next(now)
            if until_clock is not None:
                waits.append(until_clock)
        return max(MIN_WAIT_S, min(waits))

    def _longest_sleep(self) -> float:
        """The engine's longest interval between ticks, or ``AWAY_WAKE_S`` while the user is
        away and the idle source will wake us when they come back. (The tick that wakes then
        comes more than a gap limit after the last: that interval is away time, which it was.)"""
        status = self._status
        if (status is not None and status.state is EngineState.AWAY
                and isinstance(self.idle, WatchesReturn)
                and self.idle.watch_return(self.engine.activity.natural_break)):
            return max(AWAY_WAKE_S, self.engine.max_tick_interval)
        return self.engine.max_tick_interval

    def _counting(self) -> bool:
        """Whether a countdown runs, so the tray's ring moves as time passes. Away, paused or
        outside working hours nothing it shows moves (a day's change is caught by the engine's
        own wakes), so ``wake_every`` is not needed: one wake in 144 s instead of one a
        minute."""
        status = self._status
        return status is None or any(rule.counting for rule in status.rules)

    def _explain_jumps(self, now: datetime, mono: float) -> None:
        """Log suspends and wall-clock changes (the engine handles both; this is for humans)."""
        steady = self.clocks.steady()
        if self._last is not None:
            last_now, last_mono, last_steady = self._last
            slept = (mono - last_mono) - (steady - last_steady)
            moved = (now - last_now).total_seconds() - (mono - last_mono)
            if slept > _JUMP_S:
                log.info("machine was suspended for about %.0f s", slept)
            if abs(moved) > _JUMP_S:
                log.info("wall clock moved by %+.0f s", moved)
        self._last = (now, mono, steady)
