"""The tray's hands (ActionSink): the exercise chosen at a first show goes to the engine and a
re-show keeps its card; the window is told the skips left that the engine counted, not a count of
its own; and when a prompt window crashes while the app is stopping (at logout the X server goes
away under the window and the tray at once) the prompt must be logged suppressed/stopped, not
crashed. Real child processes stand in for the window (a ScriptLauncher from tests/fakes.py); no
display.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fakes import ScriptLauncher

from traybreak.app.action_sink import CRASH_GRACE_S, ActionSink
from traybreak.app.engine_thread import Answer, NoteExercise, WindowLost
from traybreak.app.recent_prompts import RecentPrompts
from traybreak.catalog.load import Catalog, load_builtin
from traybreak.config.settings import default_config
from traybreak.core.actions import Notice, Record, ShowPrompt
from traybreak.core.model import Feedback, Kind, Outcome, PromptPolicy, PromptRecord, Reason, Rule
from traybreak.core.progression import levels_for
from traybreak.platform.sound import MISSING_HINT
from traybreak.store.prompt_log import Store
from traybreak.ui.protocol import FEEDBACK_WAIT, PromptResult

CRASHING_WINDOW = "import sys, time; time.sleep(0.2); sys.exit('X connection broken')"


class Commands:
    """The engine's inbox: what the sink submits."""

    def __init__(self) -> None:
        self.seen: list[Any] = []
        self.lost = threading.Event()

    def __call__(self, command: Any) -> None:
        self.seen.append(command)
        if isinstance(command, WindowLost):
            self.lost.set()


@pytest.fixture
def sink(tmp_path: Path) -> tuple[ActionSink, Commands]:
    commands = Commands()
    store = Store.open(tmp_path / "log.sqlite3")
    catalog = Catalog({e.id: e for e in load_builtin()})
    return ActionSink(store, catalog, default_config(), commands, lambda _: None,
                      lambda: None, ScriptLauncher(CRASHING_WINDOW)), commands


RULE = Rule("stretch", Kind.STRETCH, timedelta(seconds=30), every=timedelta(minutes=20))


def _show(sink: ActionSink, exercise_id: str | None = None, snoozes: int = 0) -> None:
    sink([ShowPrompt(1, RULE, Kind.STRETCH, None, datetime.now(UTC), snoozes, True,
                     exercise_id=exercise_id)])


def _requests(sink: ActionSink) -> list[Any]:
    """The prompt windows the sink asked its launcher for."""
    assert isinstance(sink.launcher, ScriptLauncher)
    return sink.launcher.prompts


def test_a_first_show_chooses_the_exercise_and_tells_the_engine(
        sink: tuple[ActionSink, Commands]) -> None:
    actions, commands = sink
    _show(actions)
    [shown] = _requests(actions)
    chosen = actions.catalog.exercises[shown.exercise_id]
    assert chosen.kind is Kind.STRETCH
    assert commands.seen[0] == NoteExercise(1, chosen.id, RULE.duration, shown.level)
    progresses = len(levels_for(chosen)) > 1  # a new user: level 1 of a card with levels
    assert (shown.level, shown.feedback) == (1 if progresses else None, FEEDBACK_WAIT)


def test_a_re_show_after_a_snooze_shows_the_same_card(sink: tuple[ActionSink, Commands]) -> None:
    actions, commands = sink
    _show(actions, exercise_id="chin_tuck", snoozes=1)
    assert [p.exercise_id for p in _requests(actions)] == ["chin_tuck"]
    assert not [c for c in commands.seen if isinstance(c, NoteExercise)]


def test_the_window_runs_for_the_rules_duration_at_every_show(
        sink: tuple[ActionSink, Commands]) -> None:
    """#15: the break lasts the rule's duration (30 s here), not the card's own (chin_tuck's
    1:15), at a first show and at a re-show alike, so engine and window time out together."""
    actions, _ = sink
    _show(actions)
    _show(actions, exercise_id="chin_tuck", snoozes=1)
    assert [p.duration for p in _requests(actions)] == [RULE.duration] * 2


def test_the_level_from_the_log_is_shown_and_noted_and_the_feedback_answered(
        sink: tuple[ActionSink, Commands], tmp_path: Path) -> None:
    """#16 point 4: a user who found the wall angel too easy sees it at level 2 (the longer
    break it takes), the engine notes that level, and the window's feedback reaches it."""
    actions, commands = sink
    strengthen = Rule("strengthen", Kind.STRENGTHEN, timedelta(minutes=2),
                      every=timedelta(minutes=55))
    due = datetime.now(UTC)
    actions.store.add_prompt(PromptRecord(
        rule="strengthen", kind=Kind.STRENGTHEN, due_at=due - timedelta(hours=1),
        exercise_id="wall_angel", shown_at=due - timedelta(hours=1),
        ended_at=due - timedelta(minutes=59), outcome=Outcome.DONE,
        feedback=Feedback.TOO_EASY, level=1))
    others = {e.id: e for e in load_builtin() if e.kind is not Kind.STRENGTHEN
              or e.id == "wall_angel"}
    actions.catalog = Catalog(others)
    # As at a tray start after that row: the rotation's memory reads the log from before it once.
    actions.recent = RecentPrompts(actions.store, others.values())
    actions([ShowPrompt(5, strengthen, Kind.STRENGTHEN, None, due, 0, True)])
    [shown] = _requests(actions)
    assert (shown.exercise_id, shown.level, shown.levels) == ("wall_angel", 2, 3)
    assert shown.duration == timedelta(minutes=3)  # 12 reps where level 1 had 8
    assert commands.seen[0] == NoteExercise(5, "wall_angel", timedelta(minutes=3), 2)
    actions([ShowPrompt(5, strengthen, Kind.STRENGTHEN, None, due, 1, True,
                        exercise_id="wall_angel", level=2)])  # after a snooze: the same level
    assert (_requests(actions)[-1].level, _requests(actions)[-1].levels) == (2, 3)
    window = actions._windows[5]
    actions._window_ended(5, window, PromptResult(Outcome.DONE, 30.0, occurrence=5,
                                                  feedback=Feedback.HURTS))
    assert commands.seen[-1] == Answer(5, Outcome.DONE, Feedback.HURTS)


def test_log_rows_are_written_as_the_engine_sends_them(
        sink: tuple[ActionSink, Commands]) -> None:
    actions, _ = sink
    due = datetime.now(UTC)
    row = PromptRecord(rule="stretch", kind=Kind.STRETCH, due_at=due)
    named = PromptRecord(rule="stretch", kind=Kind.STRETCH, due_at=due, exercise_id="chin_tuck")
    actions([Record(1, row)])
    actions([Record(1, named)])  # the engine noted the exercise: the open row names it
    assert [r.exercise_id for r in actions.store.prompts()] == ["chin_tuck"]
    final = PromptRecord(rule="stretch", kind=Kind.STRETCH, due_at=due, exercise_id="chin_tuck",
                         ended_at=due, outcome=Outcome.DONE)
    actions([Record(1, final)])
    assert [(r.exercise_id, r.outcome) for r in actions.store.prompts()] == \
        [("chin_tuck", Outcome.DONE)]


def test_a_crashed_window_is_reported_to_the_engine(sink: tuple[ActionSink, Commands]) -> None:
    actions, commands = sink
    _show(actions)
    assert commands.lost.wait(5), commands.seen
    lost = [c for c in commands.seen if isinstance(c, WindowLost)]
    assert [(c.occurrence, c.reason) for c in lost] == [(1, Reason.CRASHED)]
    assert "X connection broken" in lost[0].detail


def test_a_window_crashing_as_the_app_stops_is_left_to_the_stop(
        sink: tuple[ActionSink, Commands]) -> None:
    actions, commands = sink
    _show(actions)
    time.sleep(0.3)  # the window has crashed; its report waits for the grace period
    actions.stopping.set()
    time.sleep(CRASH_GRACE_S + 0.5)
    assert not [c for c in commands.seen if isinstance(c, WindowLost)]


#: A prompt window that waits (the test only reads the request it was launched with).
WAITING_WINDOW = "import time; time.sleep(5)"


@pytest.mark.parametrize("skips_left", [None, 0, 2])
def test_the_window_is_told_the_engines_skips_left(tmp_path: Path, skips_left: int | None
                                                   ) -> None:
    store = Store.open(tmp_path / "log.sqlite3")
    now = datetime.now(UTC)
    for _ in range(2):   # skips in the log: the sink no longer counts them itself
        store.add_prompt(PromptRecord("stretch", Kind.STRETCH, now, ended_at=now,
                                      outcome=Outcome.SKIPPED, reason=Reason.USER))
    config = replace(default_config(), prompt=PromptPolicy(daily_skips=3))
    launcher = ScriptLauncher(WAITING_WINDOW)
    sink = ActionSink(store, Catalog({e.id: e for e in load_builtin()}), config, lambda _: None,
                      lambda _: None, lambda: None, launcher)
    sink([ShowPrompt(1, RULE, Kind.STRETCH, None, now, 0, True, skips_left=skips_left)])
    sink.close_all()
    assert [r.skips_left for r in launcher.prompts] == [skips_left]


def test_a_first_show_never_picks_a_card_the_config_avoids(tmp_path: Path) -> None:
    """#16 point 3: the tray's own choice goes through [exercises] avoid and have: avoiding every
    condition but a shoulder one, with only a doorway, leaves three chest and lat stretches."""
    from traybreak.core.conditions import CAUTION_TAGS

    config = default_config()
    avoid = tuple(tag for tag in CAUTION_TAGS if tag != "shoulder")
    prefs = replace(config.exercises, avoid=avoid, have=frozenset({"doorway"}))
    catalog = Catalog({e.id: e for e in load_builtin()})
    fits = {e.id for e in catalog if e.kind is Kind.STRETCH and e.setting.value != "floor"
            and e.caution_tags <= {"shoulder"} and set(e.requires) <= {"doorway"}}
    assert fits == {"doorway_chest_stretch", "seated_chest_opener", "desk_lat_stretch"}
    actions = ActionSink(Store.open(tmp_path / "log.sqlite3"), catalog,
                         replace(config, exercises=prefs), Commands(), lambda _: None,
                         lambda: None, ScriptLauncher(CRASHING_WINDOW))
    for occurrence in range(1, 6):
        actions([ShowPrompt(occurrence, RULE, Kind.STRETCH, None, datetime.now(UTC), 0, True)])
    chosen = {p.exercise_id for p in _requests(actions)}
    assert chosen and chosen <= fits


def test_a_notice_is_said_with_the_time_left(tmp_path: Path) -> None:
    """#17 point 4: the engine's Notice goes to the tray's notices (app/notices.py, every
    backend) with the words and the time left, which bounds how long it stays up."""
    said: list[tuple[str, timedelta]] = []
    sink = ActionSink(Store.open(tmp_path / "log.sqlite3"), Catalog({}), default_config(),
                      Commands(), lambda text, left: said.append((text, left)), lambda: None,
                      ScriptLauncher(CRASHING_WINDOW))
    sink([Notice("stretch", Kind.STRETCH, timedelta(seconds=10)),
          Notice("water", None, timedelta(seconds=30))])
    assert said == [("A stretch break in 10 s", timedelta(seconds=10)),
                    ("A water break in 30 s", timedelta(seconds=30))]


def test_the_window_gets_the_chime_volume_and_a_missing_player_is_said_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    """#17 point 5: with [prompt] sound on, each window is told the volume; a system with no
    player is one warning in the tray's log (the window's own goes nowhere), not an error."""
    monkeypatch.setenv("PATH", str(tmp_path))   # no pw-play, paplay or aplay here
    monkeypatch.setattr("sys.platform", "linux")
    config = replace(default_config(), prompt=PromptPolicy(sound=True, volume=40))
    launcher = ScriptLauncher(WAITING_WINDOW)
    sink = ActionSink(Store.open(tmp_path / "log.sqlite3"),
                      Catalog({e.id: e for e in load_builtin()}), config, Commands(),
                      lambda *_: None, lambda: None, launcher)
    with caplog.at_level(logging.WARNING, "traybreak.app.action_sink"):
        for occurrence in (1, 2):
            sink([ShowPrompt(occurrence, RULE, Kind.STRETCH, None, datetime.now(UTC), 0, True)])
    sink.close_all()
    assert [r.sound_volume for r in launcher.prompts] == [40, 40]
    assert [r.getMessage() for r in caplog.records] == [MISSING_HINT]
    sink.config = default_config()                  # sound off: silent windows
    sink([ShowPrompt(3, RULE, Kind.STRETCH, None, datetime.now(UTC), 0, True)])
    sink.close_all()
    assert launcher.prompts[-1].sound_volume is None
