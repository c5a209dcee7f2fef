"""Carries out the engine's actions in the tray process: log rows, prompt windows, the tray.

Runs on the engine thread (the service's sink). Window results come back on watcher threads and
are turned into engine commands, so the engine itself is only ever touched by its own thread.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from traybreak.catalog import Catalog
from traybreak.config import Config
from traybreak.core import rotation
from traybreak.core.actions import (
    Action,
    ClosePrompt,
    Notice,
    Record,
    ShowPrompt,
    StateChanged,
)
from traybreak.core.durations import humanize
from traybreak.core.model import Exercise, Outcome, PromptRecord, Reason
from traybreak.service import Answer, Command, NoteExercise, WindowLost
from traybreak.store import Store
from traybreak.windows import PromptRequest, PromptResult, WindowProcess, launch_prompt

log = logging.getLogger(__name__)

HISTORY = rotation.WINDOW
#: A window that crashed may have died of what is also ending the app: at logout the X server
#: goes away under the window and the tray at once. Its report waits this long for the app's
#: own stop (``stopping``), which logs the prompt ignored/stopped like any prompt open at quit.
CRASH_GRACE_S = 0.5


class ActionSink:
    """The engine's hands: ``__call__(actions)`` is the service sink."""

    def __init__(self, store: Store, catalog: Catalog, config: Config,
                 submit: Callable[[Command], None], notify: Callable[[str], None],
                 on_change: Callable[[], None], config_path: Path | None = None,
                 rng: random.Random | None = None) -> None:
        self.store, self.catalog, self.config = store, catalog, config
        self.submit, self.notify, self.on_change = submit, notify, on_change
        self.config_path = config_path
        self.rng = rng or random.Random()
        self._rows: dict[int, PromptRecord] = {}   # occurrence -> its open log row
        self._exercise: dict[int, Exercise] = {}   # occurrence -> exercise shown (kept on snooze)
        self._windows: dict[int, WindowProcess] = {}
        self._lock = threading.Lock()
        #: Set by the app as it begins to stop: window reports after that are not needed.
        self.stopping = threading.Event()

    def __call__(self, actions: Sequence[Action]) -> None:
        for action in actions:
            try:
                self._carry_out(action)
            except Exception:  # one failed action must not lose the others (or the log rows)
                log.exception("could not carry out %s", type(action).__name__)
        self.on_change()

    def _carry_out(self, action: Action) -> None:
        if isinstance(action, Record):
            self._record(action)
        elif isinstance(action, ShowPrompt):
            self._show(action)
        elif isinstance(action, ClosePrompt):
            self._close(action.occurrence, action.reason)
        elif isinstance(action, Notice):
            what = (action.kind.value if action.kind else action.rule).replace("_", " ")
            self.notify(f"A {what} break in {humanize(action.remaining)}")
        elif isinstance(action, StateChanged):
            log.info("state: %s", action.state)

    # --- the log --------------------------------------------------------------------------

    def _record(self, action: Record) -> None:
        occurrence, record = action.occurrence, action.record
        exercise = self._exercise.get(occurrence)
        if exercise is not None and record.exercise_id is None:
            record = replace(record, exercise_id=exercise.id)
        open_row = self._rows.get(occurrence)
        if open_row is None:
            stored = self.store.add_prompt(record)
        else:
            stored = replace(record, id=open_row.id)
            self.store.update_prompt(stored)
        if record.outcome is None:
            self._rows[occurrence] = stored
        else:
            self._rows.pop(occurrence, None)
            self._exercise.pop(occurrence, None)

    # --- prompt windows -------------------------------------------------------------------

    def _show(self, action: ShowPrompt) -> None:
        occurrence = action.occurrence
        exercise = self._exercise.get(occurrence) or self._choose(action)
        if exercise is not None:
            self._exercise[occurrence] = exercise
            self.submit(NoteExercise(occurrence, exercise.id, exercise.duration))
            open_row = self._rows.get(occurrence)
            if open_row is not None and open_row.exercise_id != exercise.id:
                # `traybreak log` shows what is on screen while the prompt is still open.
                self._rows[occurrence] = replace(open_row, exercise_id=exercise.id)
                self.store.update_prompt(self._rows[occurrence])
        request = self._request(action, exercise)
        window = launch_prompt(request, config=str(self.config_path) if self.config_path else None)
        with self._lock:
            old = self._windows.pop(occurrence, None)
            self._windows[occurrence] = window
        if old is not None:
            old.kill(Reason.SUPERSEDED, "replaced by a new window for the same prompt")
        window.watch(lambda result: self._window_ended(occurrence, window, result))

    def _choose(self, action: ShowPrompt) -> Exercise | None:
        if action.kind is None:
            return None
        prefs = self.config.exercises
        now = action.due_at
        history = self.store.prompts(since=now - HISTORY)
        choice = rotation.choose_next(
            action.kind, list(self.catalog.exercises.values()), history, now, self.rng,
            exclude=prefs.exclude, favourites=prefs.favourites, settings=prefs.settings,
        )
        if choice is None:
            log.warning("no %s exercise fits the settings; showing a plain reminder", action.kind)
            return None
        log.info("prompt %s: %s (%s)", action.occurrence, choice.exercise.id, choice.reason)
        return choice.exercise

    def _request(self, action: ShowPrompt, exercise: Exercise | None) -> PromptRequest:
        policy = self.config.prompt
        title = None
        message = action.message
        if exercise is None and message is None:
            kind = action.kind.value if action.kind else "short"
            message = f"Time for a {kind} break: stand up and move for a moment."
        if exercise is None:
            title = action.rule.name.replace("_", " ").capitalize()
        snoozes_left = max(policy.max_snoozes - action.snoozes, 0) if action.snooze_allowed else 0
        return PromptRequest(
            exercise_id=exercise.id if exercise else None, message=message, title=title,
            timeout=policy.timeout, snooze=policy.snooze, snoozes_left=snoozes_left,
            snoozed=action.snoozes, skips_left=self._skips_left(action), strict=policy.strict,
            duration=exercise.duration if exercise else action.rule.duration,
            occurrence=action.occurrence,
        )

    def _skips_left(self, action: ShowPrompt) -> int | None:
        limit = self.config.prompt.daily_skips
        if not action.skip_allowed:
            return 0
        if limit is None:
            return None
        midnight = action.due_at.replace(hour=0, minute=0, second=0, microsecond=0)
        used = sum(1 for r in self.store.prompts(since=midnight)
                   if r.outcome is Outcome.SKIPPED and r.reason is Reason.USER)
        return max(limit - used, 0)

    def _window_ended(self, occurrence: int, window: WindowProcess, result: PromptResult) -> None:
        if result.reason is Reason.CRASHED and self.stopping.wait(CRASH_GRACE_S):
            return  # the app is stopping: the engine ends this prompt as stopped
        with self._lock:
            if self._windows.get(occurrence) is not window:
                return  # closed or replaced on purpose: the engine already knows
            del self._windows[occurrence]
        exercise = self._exercise.get(occurrence)
        exercise_id = exercise.id if exercise else None
        if result.outcome in (Outcome.DONE, Outcome.SKIPPED, Outcome.SNOOZED):
            self.submit(Answer(occurrence, result.outcome, exercise_id))
        else:
            self.submit(WindowLost(occurrence, result.reason or Reason.TIMEOUT,
                                   result.detail or "no answer"))

    def _close(self, occurrence: int, why: str) -> None:
        with self._lock:
            window = self._windows.pop(occurrence, None)
        if window is not None:
            window.kill(Reason.STOPPED, f"closed by the tray: {why}")

    def close_all(self) -> None:
        """Close every open window (the app is quitting)."""
        self.stopping.set()
        with self._lock:
            windows, self._windows = list(self._windows.values()), {}
        for window in windows:
            window.kill(Reason.STOPPED, "traybreak is quitting")

    @property
    def prompt_open(self) -> bool:
        """True while a prompt window is on screen."""
        with self._lock:
            return bool(self._windows)

