"""Carries out the engine's actions in the tray process: log rows, prompt windows, the tray.

Runs on the engine thread (the service's sink). Window results come back on watcher threads and
are turned into engine commands, so the engine itself is only ever touched by its own thread.

The exercise on screen has one holder, the engine's occurrence: at a first show (ShowPrompt
without ``exercise_id``) the sink chooses one and tells the engine (NoteExercise), whose Records
then name it, so the sink writes rows as they come; a re-show after a snooze carries the id and
shows the same card from the catalog.
"""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from traybreak.app.child_windows import WindowProcess
from traybreak.app.engine_thread import Answer, Command, NoteExercise, WindowLost
from traybreak.app.environment import Launcher
from traybreak.app.log_writer import LogWriter
from traybreak.app.recent_prompts import RecentPrompts
from traybreak.catalog.load import Catalog
from traybreak.config.settings import Config
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
from traybreak.core.model import ANSWERS, Exercise, Reason
from traybreak.core.progression import Progress, level_length, levels_for
from traybreak.platform import sound
from traybreak.store.prompt_log import Store
from traybreak.ui.protocol import FEEDBACK_WAIT, PromptRequest, PromptResult

log = logging.getLogger(__name__)

#: A window that crashed may have died of what is also ending the app: at logout the X server
#: goes away under the window and the tray at once. Its report waits this long for the app's
#: own stop (``stopping``), which logs the prompt suppressed/stopped like any prompt open at quit.
CRASH_GRACE_S = 0.5


class ActionSink:
    """The engine's hands: ``__call__(actions)`` is the service sink.

    Rows go through ``writer`` (app/log_writer.py: rows the log refuses wait there) and into
    ``recent``, the rotation's history (app/recent_prompts.py), which reads ``store`` once.
    """

    def __init__(self, store: Store, catalog: Catalog, config: Config,
                 submit: Callable[[Command], None],
                 notify: Callable[[str, timedelta], None],
                 on_change: Callable[[], None], launcher: Launcher,
                 config_path: Path | None = None, rng: random.Random | None = None,
                 writer: LogWriter | None = None) -> None:
        self.store, self.catalog, self.config = store, catalog, config
        self.submit, self.notify, self.on_change = submit, notify, on_change
        self.launcher = launcher
        self.config_path = config_path
        self.rng = rng or random.Random()
        self.writer = writer or LogWriter(store, lambda: datetime.now(UTC))
        self.recent = RecentPrompts(store, catalog.exercises.values())
        self._windows: dict[int, WindowProcess] = {}
        self._levels: dict[int, Progress] = {}      # occurrence -> its level, for re-shows
        self._lock = threading.Lock()
        #: Set by the app as it begins to stop: window reports after that are not needed.
        self.stopping = threading.Event()
        self._player_checked = False

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
            self.notify(f"A {what} break in {humanize(action.remaining)}", action.remaining)
        elif isinstance(action, StateChanged):
            log.info("state: %s", action.state)

    # --- the log --------------------------------------------------------------------------

    def _record(self, action: Record) -> None:
        self.recent.note(action.occurrence, action.record)
        self.writer.prompt(action.occurrence, action.record)
        if action.record.outcome is not None:   # ended: no re-show will need its level
            self._levels.pop(action.occurrence, None)

    # --- prompt windows -------------------------------------------------------------------

    def _show(self, action: ShowPrompt) -> None:
        occurrence = action.occurrence
        exercise = self.catalog.get(action.exercise_id) if action.exercise_id else None
        first = exercise is None
        if first:
            exercise, where = self._choose(action)
        else:  # a re-show: the level the engine noted, within the levels offered at the first
            where = self._levels.get(occurrence) or Progress(action.level or 1, 0)
        request = self._request(action, exercise, where)
        if first and exercise is not None:  # its log row names it once the engine has noted it
            self._levels[occurrence] = where
            self.submit(NoteExercise(occurrence, exercise.id, request.duration, request.level))
        window = self.launcher.prompt(request, str(self.config_path) if self.config_path else None)
        with self._lock:
            old = self._windows.pop(occurrence, None)
            self._windows[occurrence] = window
        if old is not None:
            old.kill(Reason.SUPERSEDED, "replaced by a new window for the same prompt")
        window.watch(lambda result: self._window_ended(occurrence, window, result))

    def _choose(self, action: ShowPrompt) -> tuple[Exercise | None, Progress]:
        if action.kind is None:
            return None, Progress()
        prefs = self.config.exercises
        now = action.due_at
        choice = rotation.choose_next(
            action.kind, list(self.catalog.exercises.values()), self.recent.history(now), now,
            self.rng,
            exclude=prefs.exclude, favourites=prefs.favourites, settings=prefs.settings,
            avoid=prefs.avoid, have=prefs.have, length=action.rule.duration,
        )
        if choice is None:
            log.warning("no %s exercise fits the settings; showing a plain reminder", action.kind)
            return None, Progress()
        log.info("prompt %s: %s (%s%s)", action.occurrence, choice.exercise.id, choice.reason,
                 f", {choice.progress.words().lower()}" if choice.progress.of > 1 else "")
        return choice.exercise, choice.progress

    def _request(self, action: ShowPrompt, exercise: Exercise | None,
                 where: Progress) -> PromptRequest:
        policy = self.config.prompt
        title = None
        message = action.message
        if exercise is None and message is None:
            kind = action.kind.value if action.kind else "short"
            message = f"Time for a {kind} break: stand up and move for a moment."
        if exercise is None:
            title = action.rule.name.replace("_", " ").capitalize()
        snoozes_left = max(policy.max_snoozes - action.snoozes, 0) if action.snooze_allowed else 0
        # The break lasts the rule's duration, the card fitted to it; a higher progression level
        # takes longer (core.progression.level_length).
        duration = action.rule.duration
        level = levels = None
        if exercise is not None and len(levels_for(exercise)) > 1:
            level, levels = where.level, where.of or None
            duration = level_length(exercise, level, duration)
        return PromptRequest(
            exercise_id=exercise.id if exercise else None, message=message, title=title,
            timeout=policy.timeout, snooze=policy.snooze, snoozes_left=snoozes_left,
            snoozed=action.snoozes, skips_left=action.skips_left, strict=policy.strict,
            duration=duration, occurrence=action.occurrence, level=level, levels=levels,
            feedback=FEEDBACK_WAIT if exercise is not None else timedelta(0),
            sound_volume=self._sound_volume(),
        )

    def _sound_volume(self) -> int | None:
        """The chime's volume for a window, if on; the first time, whether this system has a
        player at all, said once at once (a player that cannot play is the window's own
        warning, which reaches this log only once the window has closed)."""
        policy = self.config.prompt
        if not policy.sound:
            return None
        if not self._player_checked:
            self._player_checked = True
            if sound.find_player() is None:
                log.warning("%s", sound.MISSING_HINT)
        return policy.volume

    def _window_ended(self, occurrence: int, window: WindowProcess, result: PromptResult) -> None:
        if result.reason is Reason.CRASHED and self.stopping.wait(CRASH_GRACE_S):
            return  # the app is stopping: the engine ends this prompt as stopped
        with self._lock:
            if self._windows.get(occurrence) is not window:
                return  # closed or replaced on purpose: the engine already knows
            del self._windows[occurrence]
        if result.outcome in ANSWERS:
            self.submit(Answer(occurrence, result.outcome, result.feedback))
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

